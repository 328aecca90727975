// dnsd-helm-template renders a Helm chart the way `helm template` does, from Debian's Go packages
// only (Helm itself is not packaged in Debian): Go's text/template with sprig, plus the functions
// Helm adds (include, tpl, required, toYaml, fromYaml, toJson, fromJson, lookup) and the objects it
// provides (.Values, .Release, .Chart, .Capabilities, .Template, .Files). Values are merged as Helm
// merges them: values.yaml, then each -f file, then --set/--set-string, a null deleting a key.
// Output: every rendered manifest as `---\n# Source: CHART/templates/FILE`, in Helm's install order
// of kinds, so `helm template` gives the same text on a machine with Helm.
//
// Usage: dnsd-helm-template [--name RELEASE] [--namespace NS] [-f VALUES]... [--set K=V]...
//
//	[--set-string K=V]... [--show-only templates/FILE]... [--notes] [--kube-version V] CHART_DIR
//
// or: dnsd-helm-template --values-table CHART_DIR (the Markdown table of the chart's values)
//
// Built offline in GOPATH mode against /usr/share/gocode (helm/CMakeLists.txt).
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"github.com/ghodss/yaml"
)

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

type options struct {
	release, namespace, kubeVersion string
	valueFiles, sets, setStrings    []string
	showOnly                        []string
	notes                           bool
	chartDir                        string
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "--values-table" {
		table, err := valuesTable(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, "Error:", err)
			os.Exit(1)
		}
		fmt.Print(table)
		return
	}
	opts, err := parseArgs(os.Args[1:])
	if err == nil {
		var out string
		out, err = render(opts)
		if err == nil {
			fmt.Print(out)
			return
		}
	}
	fmt.Fprintln(os.Stderr, "Error:", err)
	os.Exit(1)
}

// parseArgs takes Helm's spelling of the flags we support (`--flag value` and `--flag=value`).
func parseArgs(args []string) (options, error) {
	opts := options{release: "dnsd", namespace: "default", kubeVersion: "v1.29.0"}
	takes := map[string]func(string){
		"--name":         func(v string) { opts.release = v },
		"--namespace":    func(v string) { opts.namespace = v },
		"-n":             func(v string) { opts.namespace = v },
		"--kube-version": func(v string) { opts.kubeVersion = v },
		"-f":             func(v string) { opts.valueFiles = append(opts.valueFiles, v) },
		"--values":       func(v string) { opts.valueFiles = append(opts.valueFiles, v) },
		"--set":          func(v string) { opts.sets = append(opts.sets, v) },
		"--set-string":   func(v string) { opts.setStrings = append(opts.setStrings, v) },
		"-s":             func(v string) { opts.showOnly = append(opts.showOnly, v) },
		"--show-only":    func(v string) { opts.showOnly = append(opts.showOnly, v) },
	}
	var positional []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--notes" {
			opts.notes = true
			continue
		}
		name, value, inline := strings.Cut(arg, "=")
		set, ok := takes[name]
		if !ok || (!strings.HasPrefix(arg, "-")) {
			if strings.HasPrefix(arg, "-") {
				return opts, fmt.Errorf("unknown flag %q", arg)
			}
			positional = append(positional, arg)
			continue
		}
		if !inline {
			if i+1 == len(args) {
				return opts, fmt.Errorf("flag %s needs a value", name)
			}
			i++
			value = args[i]
		}
		set(value)
	}
	// `helm template [NAME] CHART`
	switch len(positional) {
	case 1:
		opts.chartDir = positional[0]
	case 2:
		opts.release, opts.chartDir = positional[0], positional[1]
	default:
		return opts, errors.New("usage: dnsd-helm-template [flags] [NAME] CHART_DIR")
	}
	return opts, nil
}

func readYAMLMap(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	out := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return out, nil
}

// mergeValues lays `over` onto `base` as Helm coalesces user values onto chart defaults: maps merge
// key by key, anything else replaces, and a null removes the key.
func mergeValues(base, over map[string]interface{}) map[string]interface{} {
	for key, value := range over {
		if value == nil {
			delete(base, key)
			continue
		}
		overMap, overIsMap := value.(map[string]interface{})
		baseMap, baseIsMap := base[key].(map[string]interface{})
		if overIsMap && baseIsMap {
			base[key] = mergeValues(baseMap, overMap)
		} else {
			base[key] = value
		}
	}
	return base
}

var setIndex = regexp.MustCompile(`^([^\[]*)\[(\d+)\]$`)

// setValue applies one `a.b[0].c=value` assignment, the subset of Helm's strvals that charts use.
func setValue(values map[string]interface{}, assignment string, asString bool) error {
	for _, one := range splitUnescaped(assignment, ',') {
		key, raw, ok := strings.Cut(one, "=")
		if !ok {
			return fmt.Errorf("--set %q: expected KEY=VALUE", one)
		}
		var value interface{} = raw
		if !asString {
			value = typedValue(raw)
		}
		if err := assign(values, strings.Split(key, "."), value); err != nil {
			return fmt.Errorf("--set %q: %v", one, err)
		}
	}
	return nil
}

func splitUnescaped(text string, sep rune) []string {
	var parts []string
	var current strings.Builder
	escaped := false
	for _, r := range text {
		switch {
		case escaped:
			current.WriteRune(r)
			escaped = false
		case r == '\\':
			escaped = true
		case r == sep:
			parts = append(parts, current.String())
			current.Reset()
		default:
			current.WriteRune(r)
		}
	}
	return append(parts, current.String())
}

// typedValue: Helm's --set typing (int64, bool, null, {a,b} lists, else string).
func typedValue(raw string) interface{} {
	switch raw {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if n, err := strconv.ParseInt(raw, 10, 64); err == nil && (raw == "0" || !strings.HasPrefix(raw, "0")) {
		return n
	}
	if strings.HasPrefix(raw, "{") && strings.HasSuffix(raw, "}") {
		var list []interface{}
		for _, item := range strings.Split(raw[1:len(raw)-1], ";") {
			list = append(list, typedValue(item))
		}
		return list
	}
	return raw
}

func assign(values map[string]interface{}, keys []string, value interface{}) error {
	name := keys[0]
	index := -1
	if m := setIndex.FindStringSubmatch(name); m != nil {
		name = m[1]
		index, _ = strconv.Atoi(m[2])
	}
	last := len(keys) == 1
	if index < 0 {
		if last {
			values[name] = value
			return nil
		}
		child, ok := values[name].(map[string]interface{})
		if !ok {
			child = map[string]interface{}{}
			values[name] = child
		}
		return assign(child, keys[1:], value)
	}
	list, _ := values[name].([]interface{})
	for len(list) <= index {
		list = append(list, nil)
	}
	values[name] = list
	if last {
		list[index] = value
		return nil
	}
	child, ok := list[index].(map[string]interface{})
	if !ok {
		child = map[string]interface{}{}
		list[index] = child
	}
	return assign(child, keys[1:], value)
}

// files is .Files: the chart's files outside templates/.
type files map[string][]byte

func (f files) Get(name string) string { return string(f[name]) }
func (f files) GetBytes(name string) []byte {
	return f[name]
}
func (f files) Lines(name string) []string {
	return strings.Split(strings.TrimSuffix(string(f[name]), "\n"), "\n")
}
func (f files) Glob(pattern string) files {
	out := files{}
	for name, data := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = data
		}
	}
	return out
}

type capabilities struct {
	KubeVersion map[string]string
	APIVersions apiVersions
}
type apiVersions []string

func (a apiVersions) Has(version string) bool {
	for _, v := range a {
		if v == version {
			return true
		}
	}
	return false
}

// chartMeta mirrors the fields of Chart.yaml that templates read (.Chart.Name, .Chart.AppVersion…).
func chartMeta(raw map[string]interface{}) map[string]interface{} {
	meta := map[string]interface{}{}
	for key, value := range raw {
		meta[strings.ToUpper(key[:1])+key[1:]] = value
	}
	return meta
}

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return "" // as Helm: errors are swallowed into an empty string
	}
	return strings.TrimSuffix(string(data), "\n")
}

func funcMap(root *template.Template) template.FuncMap {
	funcs := sprig.TxtFuncMap()
	// Helm removes these for reproducible output.
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = func(text string) map[string]interface{} {
		out := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(text), &out); err != nil {
			out["Error"] = err.Error()
		}
		return out
	}
	funcs["fromYamlArray"] = func(text string) []interface{} {
		var out []interface{}
		if err := yaml.Unmarshal([]byte(text), &out); err != nil {
			return []interface{}{err.Error()}
		}
		return out
	}
	funcs["toJson"] = func(v interface{}) string {
		data, _ := json.Marshal(v)
		return string(data)
	}
	funcs["fromJson"] = func(text string) map[string]interface{} {
		out := map[string]interface{}{}
		if err := json.Unmarshal([]byte(text), &out); err != nil {
			out["Error"] = err.Error()
		}
		return out
	}
	funcs["required"] = func(message string, v interface{}) (interface{}, error) {
		if v == nil || v == "" {
			return v, errors.New(message)
		}
		return v, nil
	}
	funcs["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil // as `helm template`: no cluster to look in
	}
	includeDepth := 0
	funcs["include"] = func(name string, data interface{}) (string, error) {
		if includeDepth > 1000 {
			return "", fmt.Errorf("include %q: nesting too deep", name)
		}
		includeDepth++
		defer func() { includeDepth-- }()
		var out bytes.Buffer
		err := root.ExecuteTemplate(&out, name, data)
		return out.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		clone, err := root.Clone()
		if err != nil {
			return "", err
		}
		parsed, err := clone.New("tpl").Parse(text)
		if err != nil {
			return "", fmt.Errorf("tpl: %v", err)
		}
		var out bytes.Buffer
		err = parsed.Execute(&out, data)
		return strings.ReplaceAll(out.String(), "<no value>", ""), err
	}
	return funcs
}

// installOrder: Helm's releaseutil.InstallOrder, the order `helm template` prints kinds in.
var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
	"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
	"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
	"RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
}

func kindRank(manifest string) int {
	var head struct{ Kind string }
	if err := yaml.Unmarshal([]byte(manifest), &head); err == nil {
		for i, kind := range installOrder {
			if kind == head.Kind {
				return i
			}
		}
	}
	return len(installOrder) // unknown kinds last, as Helm does
}

type manifest struct {
	source, text string
	rank         int
}

var documentSeparator = regexp.MustCompile(`(?m)^---\s*$`)

func render(opts options) (string, error) {
	chartFile := filepath.Join(opts.chartDir, "Chart.yaml")
	chartRaw, err := readYAMLMap(chartFile)
	if err != nil {
		return "", err
	}
	chartName, _ := chartRaw["name"].(string)
	values, err := readYAMLMap(filepath.Join(opts.chartDir, "values.yaml"))
	if err != nil {
		return "", err
	}
	for _, file := range opts.valueFiles {
		over, err := readYAMLMap(file)
		if err != nil {
			return "", err
		}
		values = mergeValues(values, over)
	}
	for _, assignment := range opts.sets {
		over := map[string]interface{}{}
		if err := setValue(over, assignment, false); err != nil {
			return "", err
		}
		values = mergeValues(values, over)
	}
	for _, assignment := range opts.setStrings {
		over := map[string]interface{}{}
		if err := setValue(over, assignment, true); err != nil {
			return "", err
		}
		values = mergeValues(values, over)
	}

	chartFiles := files{}
	var templateNames []string
	err = filepath.Walk(opts.chartDir, func(file string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(opts.chartDir, file)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		if strings.HasPrefix(rel, "templates/") {
			templateNames = append(templateNames, rel)
		} else {
			chartFiles[rel] = data
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(templateNames)

	root := template.New(chartName).Option("missingkey=zero")
	root.Funcs(funcMap(root))
	for _, name := range templateNames {
		data, err := os.ReadFile(filepath.Join(opts.chartDir, name))
		if err != nil {
			return "", err
		}
		if _, err := root.New(path.Join(chartName, name)).Parse(string(data)); err != nil {
			return "", err
		}
	}

	major, minor := "1", "29"
	if parts := strings.Split(strings.TrimPrefix(opts.kubeVersion, "v"), "."); len(parts) >= 2 {
		major, minor = parts[0], parts[1]
	}
	top := map[string]interface{}{
		"Values": values,
		"Chart":  chartMeta(chartRaw),
		"Release": map[string]interface{}{
			"Name": opts.release, "Namespace": opts.namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Capabilities": capabilities{
			KubeVersion: map[string]string{"Version": opts.kubeVersion, "GitVersion": opts.kubeVersion,
				"Major": major, "Minor": minor},
			APIVersions: apiVersions{"v1", "apps/v1", "policy/v1", "autoscaling/v2",
				"monitoring.coreos.com/v1"},
		},
		"Files": chartFiles,
	}

	var manifests []manifest
	var notes string
	for _, name := range templateNames {
		base := path.Base(name)
		isNotes := base == "NOTES.txt"
		if strings.HasPrefix(base, "_") || (isNotes && !opts.notes) {
			continue
		}
		if len(opts.showOnly) > 0 && !contains(opts.showOnly, name) && !isNotes {
			continue
		}
		full := path.Join(chartName, name)
		scope := map[string]interface{}{}
		for k, v := range top {
			scope[k] = v
		}
		scope["Template"] = map[string]interface{}{"Name": full, "BasePath": path.Join(chartName, "templates")}
		var out bytes.Buffer
		if err := root.ExecuteTemplate(&out, full, scope); err != nil {
			return "", err
		}
		text := strings.ReplaceAll(out.String(), "<no value>", "")
		if isNotes {
			notes = text
			continue
		}
		for _, doc := range documentSeparator.Split(text, -1) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			manifests = append(manifests, manifest{source: full, text: strings.TrimSpace(doc), rank: kindRank(doc)})
		}
	}
	if len(opts.showOnly) > 0 && len(manifests) == 0 {
		return "", fmt.Errorf("could not find template %s in chart", strings.Join(opts.showOnly, ", "))
	}
	sort.SliceStable(manifests, func(i, j int) bool { return manifests[i].rank < manifests[j].rank })
	var result strings.Builder
	for _, m := range manifests {
		fmt.Fprintf(&result, "---\n# Source: %s\n%s\n", m.source, m.text)
	}
	if opts.notes && notes != "" {
		fmt.Fprintf(&result, "NOTES:\n%s", notes)
	}
	return result.String(), nil
}

func contains(list []string, item string) bool {
	for _, v := range list {
		if v == item {
			return true
		}
	}
	return false
}
