{{/* Names and labels follow the CoreDNS chart (charts/coredns/templates/_helpers.tpl, Apache-2.0). */}}

{{- define "dnsd.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "dnsd.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "dnsd.k8sapplabel" -}}
{{- default .Chart.Name .Values.k8sAppLabelOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The mode, checked: every template includes it before using the mode. */}}
{{- define "dnsd.mode" -}}
{{- $modes := list "cluster" "nodelocal" "sidecar" -}}
{{- if not (has .Values.mode $modes) -}}
{{- fail (printf "mode: %q is not one of cluster, nodelocal, sidecar" (toString .Values.mode)) -}}
{{- end -}}
{{- .Values.mode -}}
{{- end -}}

{{- define "dnsd.selectorLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- if .Values.isClusterService }}
k8s-app: {{ include "dnsd.k8sapplabel" . }}
{{- end }}
app.kubernetes.io/name: {{ include "dnsd.name" . }}
{{- end -}}

{{- define "dnsd.labels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
helm.sh/chart: "{{ .Chart.Name }}-{{ .Chart.Version | replace "+" "_" }}"
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
{{- if .Values.isClusterService }}
k8s-app: {{ include "dnsd.k8sapplabel" . }}
kubernetes.io/cluster-service: "true"
kubernetes.io/name: "dnsd"
{{- end }}
app.kubernetes.io/name: {{ include "dnsd.name" . }}
{{- with .Values.customLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* metadata.annotations from customAnnotations and the object's own (a dict or nil). */}}
{{- define "dnsd.annotations" -}}
{{- $all := merge (deepCopy (default dict .own)) (default dict .root.Values.customAnnotations) -}}
{{- with $all -}}
annotations:
{{- toYaml . | nindent 2 }}
{{- end -}}
{{- end -}}

{{- define "dnsd.upstreamServiceName" -}}
{{- default (printf "%s-upstream" (include "dnsd.fullname" .)) .Values.upstream.service.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* True when dnsd reaches CoreDNS through the chart's upstream Service. */}}
{{- define "dnsd.usesUpstreamService" -}}
{{- if and (not .Values.upstream.address) .Values.upstream.service.create (ne (include "dnsd.mode" .) "sidecar") -}}
true
{{- end -}}
{{- end -}}

{{/*
The value of DNSD_UPSTREAM: upstream.address, or the upstream Service's ClusterIP from the
variable Kubernetes sets for a Service of the pod's namespace (<NAME>_SERVICE_HOST), the way
NodeLocal DNSCache finds kube-dns-upstream.
*/}}
{{- define "dnsd.upstream" -}}
{{- if .Values.upstream.address -}}
{{- .Values.upstream.address -}}
{{- else if eq (include "dnsd.mode" .) "sidecar" -}}
{{- required "upstream.address is required in sidecar mode: the cluster DNS Service IP (e.g. 10.96.0.10); the pod's own resolv.conf points at the sidecar" .Values.upstream.address -}}
{{- else if .Values.upstream.service.create -}}
{{- printf "$(%s_SERVICE_HOST)" (include "dnsd.upstreamServiceName" . | upper | replace "-" "_") -}}
{{- else -}}
{{- fail "upstream: set upstream.address or upstream.service.create" -}}
{{- end -}}
{{- end -}}

{{- define "dnsd.nodelocalAddresses" -}}
{{- .Values.nodelocal.localIP -}}
{{- with .Values.nodelocal.kubeDNSIP }} {{ . }}{{ end -}}
{{- end -}}

{{/* The server blocks: .Values.servers, or the mode's default. */}}
{{/*
The plugins dnsd implements (`dnsd -plugins`; helm_chart_test keeps the two lists equal): a server
block with another plugin fails to render, so the chart renders only Corefiles that dnsd starts.
*/}}
{{- define "dnsd.plugins" -}}
bind cache errors forward health hosts loadbalance log loop prometheus ready reload rewrite template whoami
{{- end -}}

{{/* The server blocks: .Values.servers, or the mode's default; each plugin checked. */}}
{{- define "dnsd.servers" -}}
{{- $servers := .Values.servers -}}
{{- $from := "servers" -}}
{{- if not $servers -}}
{{- $from = printf "modeDefaults.%s.servers" (include "dnsd.mode" .) -}}
{{- $servers = (index .Values.modeDefaults (include "dnsd.mode" .)).servers -}}
{{- end -}}
{{- $known := splitList " " (include "dnsd.plugins" .) -}}
{{- range $i, $server := $servers -}}
{{- range $server.plugins -}}
{{- if eq .name "kubernetes" -}}
{{- fail (printf "%s[%d]: plugin \"kubernetes\" is not supported by dnsd: dnsd forwards cluster names to CoreDNS (a `forward cluster.local ADDRESS` plugin entry), see docs/compatibility.md#kubernetes" $from $i) -}}
{{- else if not (has .name $known) -}}
{{- fail (printf "%s[%d]: plugin %q is not supported by dnsd (it has: %s), see docs/compatibility.md" $from $i (toString .name) (include "dnsd.plugins" $)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "servers" $servers) -}}
{{- end -}}

{{/* The Corefile: the CoreDNS chart's rendering of servers/extraConfig, with tpl on parameters. */}}
{{- define "dnsd.corefile" -}}
{{- $root := . -}}
{{- range $name, $conf := .Values.extraConfig }}
{{ $name }}{{ if $conf.parameters }} {{ tpl (toString $conf.parameters) $root }}{{ end }}
{{- end }}
{{- range (include "dnsd.servers" . | fromYaml).servers }}
{{ range $idx, $zone := .zones }}{{ if $idx }} {{ end }}{{ default "" $zone.scheme }}{{ default "." $zone.zone }}{{ else }}.{{ end -}}
{{- if .port }}:{{ .port }}{{ end }} {
{{- range .plugins }}
    {{ .name }}{{ if .parameters }} {{ tpl (toString .parameters) $root }}{{ end }}{{ if .configBlock }} {
{{ tpl .configBlock $root | indent 8 }}
    }{{ end }}
{{- end }}
}
{{- end }}
{{- end -}}

{{/*
Ports of the Corefile's servers as {port: {udp, tcp}}, plus prometheus's (TCP). dns:// serves UDP
and TCP (a truncated answer is retried over TCP); tls:// TCP.
*/}}
{{- define "dnsd.ports" -}}
{{- $root := . -}}
{{- $ports := dict -}}
{{- range (include "dnsd.servers" . | fromYaml).servers -}}
  {{- $port := toString (default 53 .port) -}}
  {{- $entry := default (dict "udp" false "tcp" false "dns" true) (get $ports $port) -}}
  {{- range .zones -}}
    {{- if has (default "" .scheme) (list "" "dns://") -}}
      {{- $_ := set $entry "udp" true -}}
      {{- $_ := set $entry "tcp" true -}}
    {{- else -}}
      {{- $_ := set $entry "tcp" true -}}
    {{- end -}}
  {{- end -}}
  {{- if not .zones -}}
    {{- $_ := set $entry "udp" true -}}
    {{- $_ := set $entry "tcp" true -}}
  {{- end -}}
  {{- $_ := set $ports $port $entry -}}
  {{- range .plugins -}}
    {{- if eq .name "prometheus" -}}
      {{- $address := tpl (toString (default ":9153" .parameters)) $root -}}
      {{- $metricsPort := last (regexSplit ":" $address -1) -}}
      {{- $_ := set $ports $metricsPort (dict "udp" false "tcp" true "dns" false "metrics" true) -}}
    {{- end -}}
  {{- end -}}
{{- end -}}
{{- toYaml $ports -}}
{{- end -}}

{{- define "dnsd.metricsPort" -}}
{{- $port := "9153" -}}
{{- range $name, $entry := (include "dnsd.ports" . | fromYaml) -}}
{{- if $entry.metrics }}{{ $port = $name }}{{ end -}}
{{- end -}}
{{- $port -}}
{{- end -}}

{{/* The health and ready listeners the probes use: [host, port] per mode. */}}
{{- define "dnsd.probe" -}}
{{- $mode := include "dnsd.mode" .root -}}
{{- if eq $mode "nodelocal" -}}
host: {{ .root.Values.nodelocal.localIP }}
port: {{ index .root.Values.nodelocal (printf "%sPort" .kind) }}
{{- else if eq $mode "sidecar" -}}
port: {{ index .root.Values.sidecar (printf "%sPort" .kind) }}
{{- else -}}
port: {{ if eq .kind "health" }}8080{{ else }}8181{{ end }}
{{- end -}}
{{- end -}}

{{/* The dnsd container, shared by the Deployment, the DaemonSet and the sidecar snippet. */}}
{{- define "dnsd.container" -}}
- name: dnsd
  image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args: ["-conf", "/etc/dnsd/Corefile"]
  env:
    - name: DNSD_UPSTREAM
      value: {{ include "dnsd.upstream" . | quote }}
    {{- with .Values.env }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  ports:
  {{- range $port, $entry := (include "dnsd.ports" . | fromYaml) }}
    {{- if $entry.udp }}
    - {name: udp-{{ $port }}, containerPort: {{ $port }}, protocol: UDP}
    {{- end }}
    {{- if $entry.tcp }}
    - {name: {{ if $entry.metrics }}metrics{{ else }}tcp-{{ $port }}{{ end }}, containerPort: {{ $port }}, protocol: TCP}
    {{- end }}
  {{- end }}
  {{- if .Values.livenessProbe.enabled }}
  livenessProbe:
    httpGet:
      path: /health
      {{- include "dnsd.probe" (dict "root" . "kind" "health") | nindent 6 }}
      scheme: HTTP
    {{- toYaml (omit .Values.livenessProbe "enabled") | nindent 4 }}
  {{- end }}
  {{- if .Values.readinessProbe.enabled }}
  readinessProbe:
    httpGet:
      path: /ready
      {{- include "dnsd.probe" (dict "root" . "kind" "ready") | nindent 6 }}
      scheme: HTTP
    {{- toYaml (omit .Values.readinessProbe "enabled") | nindent 4 }}
  {{- end }}
  {{- with .Values.securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  volumeMounts:
    - name: dnsd-config
      mountPath: /etc/dnsd
      readOnly: true
    {{- with .Values.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{- define "dnsd.configVolume" -}}
- name: dnsd-config
  configMap:
    name: {{ include "dnsd.fullname" . }}
    items:
      - key: Corefile
        path: Corefile
      - key: rules.yaml
        path: rules.yaml
{{- end -}}

{{/* The pod spec of the Deployment and the DaemonSet. */}}
{{- define "dnsd.podTemplate" -}}
{{- $mode := include "dnsd.mode" . -}}
metadata:
  labels:
    {{- include "dnsd.selectorLabels" . | nindent 4 }}
    {{- with .Values.customLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- $annotations := deepCopy (default dict .Values.podAnnotations) }}
  {{- if .Values.rollOnConfigChange }}
  {{- $_ := set $annotations "checksum/config" (include (print .Template.BasePath "/configmap.yaml") . | sha256sum) }}
  {{- end }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .Values.podSecurityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  serviceAccountName: {{ if .Values.serviceAccount.create }}{{ default (include "dnsd.fullname" .) .Values.serviceAccount.name }}{{ else }}{{ default "default" .Values.serviceAccount.name }}{{ end }}
  automountServiceAccountToken: {{ .Values.automountServiceAccountToken }}
  {{- $priority := .Values.priorityClassName | default (ternary "system-node-critical" "" (eq $mode "nodelocal")) }}
  {{- with $priority }}
  priorityClassName: {{ . | quote }}
  {{- end }}
  {{- if eq $mode "nodelocal" }}
  hostNetwork: true
  {{- end }}
  {{- /* dnsd resolves its upstreams through the node, never through itself. */}}
  dnsPolicy: Default
  {{- with .Values.affinity }}
  affinity:
    {{- tpl (toYaml .) $ | nindent 4 }}
  {{- end }}
  {{- with .Values.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- tpl (toYaml .) $ | nindent 4 }}
  {{- end }}
  {{- $tolerations := .Values.tolerations }}
  {{- if and (not $tolerations) (eq $mode "nodelocal") }}
  {{- $tolerations = list (dict "key" "CriticalAddonsOnly" "operator" "Exists") (dict "effect" "NoExecute" "operator" "Exists") (dict "effect" "NoSchedule" "operator" "Exists") }}
  {{- end }}
  {{- with $tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.image.pullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if or .Values.initContainers (and (eq $mode "nodelocal") .Values.nodelocal.setupInterface) }}
  initContainers:
    {{- if and (eq $mode "nodelocal") .Values.nodelocal.setupInterface }}
    {{- /* NodeLocal DNSCache's node-cache creates this interface itself; dnsd leaves it to a short
           root init container, so the long-running container keeps only NET_BIND_SERVICE. */}}
    - name: setup-interface
      image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command:
        - /bin/sh
        - -ec
        - |
          ip link show {{ .Values.nodelocal.interfaceName }} >/dev/null 2>&1 || ip link add {{ .Values.nodelocal.interfaceName }} type dummy
          ip link set dev {{ .Values.nodelocal.interfaceName }} up
          {{- range splitList " " (include "dnsd.nodelocalAddresses" .) }}
          ip addr replace {{ . }}/32 dev {{ $.Values.nodelocal.interfaceName }}
          {{- end }}
      securityContext:
        runAsUser: 0
        runAsNonRoot: false
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: [ALL]
          add: [NET_ADMIN]
    {{- end }}
    {{- with .Values.initContainers }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
  containers:
    {{- include "dnsd.container" . | nindent 4 }}
    {{- with .Values.extraContainers }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  volumes:
    {{- include "dnsd.configVolume" . | nindent 4 }}
    {{- with .Values.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/* What a pod spec needs for the sidecar: the container, its ConfigMap volume, DNS at 127.0.0.1. */}}
{{- define "dnsd.sidecarSnippet" -}}
containers:
  {{- include "dnsd.container" . | nindent 2 }}
volumes:
  {{- include "dnsd.configVolume" . | nindent 2 }}
dnsPolicy: None
dnsConfig:
  nameservers: [127.0.0.1]
  searches:
    - {{ .Release.Namespace }}.svc.{{ .Values.sidecar.clusterDomain }}
    - svc.{{ .Values.sidecar.clusterDomain }}
    - {{ .Values.sidecar.clusterDomain }}
  options:
    - {name: ndots, value: "5"}
{{- end -}}
