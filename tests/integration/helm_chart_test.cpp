// The Helm chart (helm/dnsd), rendered by dnsd-helm-template (helm template's engine) in each mode
// and with the value sets platform teams use: the output is valid YAML with the expected objects
// and fields, and every rendered Corefile and rule set is checked by `dnsd -check` and `dnsd-rules
// check`, started by the real daemon and answers through it from a real knot (corpus_entry.hpp).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "corpus_entry.hpp"
#include "fixture/child_process.hpp"
#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/net.hpp"
#include "fixture/temp_dir.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kChart = fs::path(DNSD_SOURCE_DIR) / "helm/dnsd";

struct Rendered {
  RunResult run;
  std::vector<YAML::Node> objects;
  bool ok() const { return run.status.exited && run.status.code == 0; }
};

// Runs `dnsd-helm-template ARGS helm/dnsd` and parses its documents.
Rendered Render(std::vector<std::string> args) {
  args.insert(args.begin(), DNSD_HELM_TEMPLATE);
  args.push_back(kChart.string());
  Rendered rendered{RunToCompletion(args, 30000ms), {}};
  if (!rendered.ok()) return rendered;
  const std::string text = rendered.run.out;
  const std::string notes_marker = "\nNOTES:\n";
  for (const YAML::Node& doc : YAML::LoadAll(text.substr(0, text.find(notes_marker)))) {
    if (doc.IsDefined() && !doc.IsNull()) rendered.objects.push_back(doc);
  }
  return rendered;
}

Rendered RenderOk(const std::vector<std::string>& args) {
  Rendered rendered = Render(args);
  EXPECT_TRUE(rendered.ok()) << rendered.run.status.Describe() << "\n" << rendered.run.err;
  return rendered;
}

std::vector<std::string> Kinds(const Rendered& rendered) {
  std::vector<std::string> kinds;
  for (const YAML::Node& object : rendered.objects) {
    kinds.push_back(object["kind"].as<std::string>() + "/" + object["metadata"]["name"].as<std::string>());
  }
  return kinds;
}

YAML::Node Find(const Rendered& rendered, const std::string& kind, const std::string& name = "dnsd") {
  for (const YAML::Node& object : rendered.objects) {
    if (object["kind"].as<std::string>() == kind && object["metadata"]["name"].as<std::string>() == name) {
      return object;
    }
  }
  ADD_FAILURE() << "no " << kind << "/" << name << " in the rendered chart";
  return YAML::Node();
}

YAML::Node DnsdContainer(const YAML::Node& workload) {
  for (const YAML::Node& container : workload["spec"]["template"]["spec"]["containers"]) {
    if (container["name"].as<std::string>() == "dnsd") return container;
  }
  ADD_FAILURE() << "no dnsd container";
  return YAML::Node();
}

std::string EnvValue(const YAML::Node& container, const std::string& name) {
  for (const YAML::Node& env : container["env"]) {
    if (env["name"].as<std::string>() == name) return env["value"].as<std::string>();
  }
  return "";
}

std::vector<std::string> Strings(const YAML::Node& list) {
  std::vector<std::string> out;
  for (const YAML::Node& item : list) out.push_back(item.as<std::string>());
  return out;
}

// The secure defaults every mode's dnsd container has.
void ExpectSecureContainer(const YAML::Node& container) {
  const YAML::Node security = container["securityContext"];
  EXPECT_TRUE(security["runAsNonRoot"].as<bool>());
  EXPECT_EQ(security["runAsUser"].as<int>(), 65532);
  EXPECT_FALSE(security["allowPrivilegeEscalation"].as<bool>());
  EXPECT_TRUE(security["readOnlyRootFilesystem"].as<bool>());
  EXPECT_EQ(Strings(security["capabilities"]["drop"]), std::vector<std::string>{"ALL"});
  EXPECT_EQ(Strings(security["capabilities"]["add"]), std::vector<std::string>{"NET_BIND_SERVICE"});
  EXPECT_EQ(Strings(container["args"]), (std::vector<std::string>{"-conf", "/etc/dnsd/Corefile"}));
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"].as<std::string>(), "/health");
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/ready");
  EXPECT_EQ(container["volumeMounts"][0]["mountPath"].as<std::string>(), "/etc/dnsd");
}

// The rendered Corefile and rules.yaml as a corpus entry, with `corpus_lines` (map/ask) on top;
// run through dnsd, and `dnsd-rules check` on both files.
void RunRendered(const Rendered& rendered, const std::string& corpus_lines) {
  const YAML::Node config = Find(rendered, "ConfigMap");
  ASSERT_TRUE(config["data"]["Corefile"]) << "no Corefile in the ConfigMap";
  TempDir entry("dnsd-chart");
  const std::string common = "# dnsd-corpus: map {$DNSD_UPSTREAM}=upstream /etc/dnsd=@DIR@\n";
  WriteFile(entry / "Corefile", common + corpus_lines + config["data"]["Corefile"].as<std::string>() + "\n");
  WriteFile(entry / "rules.yaml", config["data"]["rules.yaml"].as<std::string>() + "\n");
  RunCorpusEntry(entry.path(), [](const fs::path& corefile) {
    for (const fs::path& file : {corefile, corefile.parent_path() / "rules.yaml"}) {
      RunResult check = RunToCompletion({DNSD_RULES_BINARY, "check", file.string()}, 20000ms);
      EXPECT_TRUE(check.status.exited && check.status.code == 0)
          << "dnsd-rules check " << file << ": " << check.status.Describe() << "\n" << check.out << check.err;
    }
  });
}

const std::string kLegacyAndClusterAsks =
    "# dnsd-corpus: ask svc1.ns1.marathon.mesos A => 10.1.0.1\n"
    "# dnsd-corpus: ask svc2.ns1.autoip.dcos.thisdcos.directory A => 10.1.0.2\n"
    "# dnsd-corpus: ask svc3.ns2-default.svc.cluster.local A => 10.2.0.3\n";

TEST(HelmChart, ClusterModeIsADeploymentAndServiceForwardingToTheExistingCoreDns) {
  const Rendered rendered = RenderOk({});
  EXPECT_EQ(Kinds(rendered), (std::vector<std::string>{"ConfigMap/dnsd", "Service/dnsd-upstream", "Service/dnsd",
                                                       "Deployment/dnsd"}));
  const YAML::Node deployment = Find(rendered, "Deployment");
  EXPECT_EQ(deployment["spec"]["replicas"].as<int>(), 2);
  const YAML::Node pod = deployment["spec"]["template"];
  EXPECT_EQ(pod["spec"]["dnsPolicy"].as<std::string>(), "Default");
  EXPECT_FALSE(pod["spec"]["hostNetwork"]);
  // ConfigMap changes apply through `reload`, not through a restart.
  EXPECT_FALSE(pod["metadata"]["annotations"] && pod["metadata"]["annotations"]["checksum/config"]);
  const YAML::Node container = DnsdContainer(deployment);
  ExpectSecureContainer(container);
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["port"].as<int>(), 8080);
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["port"].as<int>(), 8181);
  // The upstream Service's ClusterIP, from the variable Kubernetes sets for it.
  EXPECT_EQ(EnvValue(container, "DNSD_UPSTREAM"), "$(DNSD_UPSTREAM_SERVICE_HOST)");
  const YAML::Node upstream = Find(rendered, "Service", "dnsd-upstream");
  EXPECT_EQ(upstream["spec"]["selector"]["k8s-app"].as<std::string>(), "kube-dns");
  const YAML::Node service = Find(rendered, "Service");
  EXPECT_EQ(service["spec"]["selector"]["k8s-app"].as<std::string>(), "dnsd");
  EXPECT_EQ(service["spec"]["ports"].size(), 2u) << "DNS over UDP and TCP";

  RunRendered(rendered, kLegacyAndClusterAsks + "# dnsd-corpus: ask svc1.ns1-default.svc.cluster.local A => 10.1.0.1\n");
}

TEST(HelmChart, ClusterModeTakesOverKubeDnsWithTheCoreDnsChartsValues) {
  const Rendered rendered = RenderOk(
      {"--namespace", "kube-system", "--set", "service.name=kube-dns", "--set", "service.clusterIP=10.96.0.10",
       "--set", "hpa.enabled=true", "--set", "podDisruptionBudget.maxUnavailable=1", "--set",
       "prometheus.service.enabled=true", "--set", "prometheus.monitor.enabled=true", "--set",
       "priorityClassName=system-cluster-critical", "--set", "rollOnConfigChange=true"});
  EXPECT_EQ(Kinds(rendered),
            (std::vector<std::string>{"PodDisruptionBudget/dnsd", "ConfigMap/dnsd", "Service/dnsd-metrics",
                                      "Service/dnsd-upstream", "Service/kube-dns", "Deployment/dnsd",
                                      "HorizontalPodAutoscaler/dnsd", "ServiceMonitor/dnsd"}));
  const YAML::Node service = Find(rendered, "Service", "kube-dns");
  EXPECT_EQ(service["metadata"]["namespace"].as<std::string>(), "kube-system");
  EXPECT_EQ(service["spec"]["clusterIP"].as<std::string>(), "10.96.0.10");
  const YAML::Node deployment = Find(rendered, "Deployment");
  EXPECT_FALSE(deployment["spec"]["replicas"]) << "the HPA owns the replica count";
  EXPECT_EQ(deployment["spec"]["template"]["spec"]["priorityClassName"].as<std::string>(), "system-cluster-critical");
  EXPECT_TRUE(deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]);
  EXPECT_EQ(Find(rendered, "PodDisruptionBudget")["spec"]["maxUnavailable"].as<int>(), 1);
  const YAML::Node hpa = Find(rendered, "HorizontalPodAutoscaler");
  EXPECT_EQ(hpa["spec"]["scaleTargetRef"]["name"].as<std::string>(), "dnsd");
  EXPECT_EQ(hpa["spec"]["metrics"][0]["resource"]["name"].as<std::string>(), "cpu");
  EXPECT_EQ(Find(rendered, "Service", "dnsd-metrics")["spec"]["ports"][0]["port"].as<int>(), 9153);
  EXPECT_EQ(Find(rendered, "ServiceMonitor")["spec"]["endpoints"][0]["port"].as<std::string>(), "metrics");
}

TEST(HelmChart, NodelocalModeIsNodeLocalDnsCachesDaemonSetBoundToTheLinkLocalAddress) {
  const Rendered rendered = RenderOk({"--set", "mode=nodelocal"});
  EXPECT_EQ(Kinds(rendered), (std::vector<std::string>{"ConfigMap/dnsd", "Service/dnsd-upstream", "DaemonSet/dnsd"}));
  const YAML::Node daemonset = Find(rendered, "DaemonSet");
  const YAML::Node pod = daemonset["spec"]["template"]["spec"];
  EXPECT_TRUE(pod["hostNetwork"].as<bool>());
  EXPECT_EQ(pod["dnsPolicy"].as<std::string>(), "Default");
  EXPECT_EQ(pod["priorityClassName"].as<std::string>(), "system-node-critical");
  std::vector<std::string> tolerations;
  for (const YAML::Node& toleration : pod["tolerations"]) {
    EXPECT_EQ(toleration["operator"].as<std::string>(), "Exists");
    tolerations.push_back(toleration["effect"] ? toleration["effect"].as<std::string>() : toleration["key"].as<std::string>());
  }
  EXPECT_EQ(tolerations, (std::vector<std::string>{"CriticalAddonsOnly", "NoExecute", "NoSchedule"}));
  const YAML::Node setup = pod["initContainers"][0];
  EXPECT_EQ(setup["name"].as<std::string>(), "setup-interface");
  EXPECT_EQ(Strings(setup["securityContext"]["capabilities"]["add"]), std::vector<std::string>{"NET_ADMIN"});
  EXPECT_NE(setup["command"][2].as<std::string>().find("ip addr replace 169.254.20.10/32 dev nodelocaldns"),
            std::string::npos);
  const YAML::Node container = DnsdContainer(daemonset);
  ExpectSecureContainer(container);
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["host"].as<std::string>(), "169.254.20.10");
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["port"].as<int>(), 8080);

  // NodeLocal DNSCache's four server blocks, each bound to the link-local address.
  const std::string corefile = Find(rendered, "ConfigMap")["data"]["Corefile"].as<std::string>();
  for (const char* zone : {"cluster.local:53 {", "in-addr.arpa:53 {", "ip6.arpa:53 {", "\n.:53 {"}) {
    EXPECT_NE(corefile.find(zone), std::string::npos) << zone << " in\n" << corefile;
  }
  const std::regex bind_line("bind 169\\.254\\.20\\.10\n");
  EXPECT_EQ(std::distance(std::sregex_iterator(corefile.begin(), corefile.end(), bind_line), std::sregex_iterator()), 4);

  RunRendered(rendered,
              "# dnsd-corpus: map 169.254.20.10=127.0.0.20\n"
              "# dnsd-corpus: ask svc1.ns1.marathon.mesos A @169.254.20.10 => 10.1.0.1\n"
              "# dnsd-corpus: ask svc1.ns1-default.svc.cluster.local A @169.254.20.10 => 10.1.0.1\n"
              "# dnsd-corpus: ask svc3.ns2-default.svc.cluster.local A @169.254.20.10 => 10.2.0.3\n");
}

TEST(HelmChart, NodelocalModeAlsoAnswersOnTheKubeDnsAddressInIptablesMode) {
  const Rendered rendered = RenderOk({"--set", "mode=nodelocal", "--set", "nodelocal.kubeDNSIP=10.96.0.10"});
  const std::string corefile = Find(rendered, "ConfigMap")["data"]["Corefile"].as<std::string>();
  EXPECT_NE(corefile.find("bind 169.254.20.10 10.96.0.10\n"), std::string::npos) << corefile;
  const YAML::Node setup = Find(rendered, "DaemonSet")["spec"]["template"]["spec"]["initContainers"][0];
  EXPECT_NE(setup["command"][2].as<std::string>().find("ip addr replace 10.96.0.10/32"), std::string::npos);
  RunRendered(rendered,
              "# dnsd-corpus: map 169.254.20.10=127.0.0.20 10.96.0.10=127.0.0.21\n"
              "# dnsd-corpus: ask svc1.ns1.marathon.mesos A @10.96.0.10 => 10.1.0.1\n"
              "# dnsd-corpus: ask svc2.ns1-default.svc.cluster.local A @169.254.20.10 => 10.1.0.2\n");
}

TEST(HelmChart, SidecarModeIsAConfigMapAndTheContainerSnippetTheDocsShow) {
  const Rendered rendered = RenderOk({"--set", "mode=sidecar", "--set", "upstream.address=10.96.0.10", "--notes"});
  EXPECT_EQ(Kinds(rendered), std::vector<std::string>{"ConfigMap/dnsd"});
  const std::string corefile = Find(rendered, "ConfigMap")["data"]["Corefile"].as<std::string>();
  EXPECT_NE(corefile.find("bind 127.0.0.1\n"), std::string::npos) << corefile;

  const std::string& out = rendered.run.out;
  const auto notes = out.find("NOTES:\n");
  ASSERT_NE(notes, std::string::npos) << out;
  const std::string snippet = out.substr(out.find("containers:\n", notes));
  const YAML::Node pod = YAML::Load(snippet);
  EXPECT_EQ(pod["dnsPolicy"].as<std::string>(), "None");
  EXPECT_EQ(Strings(pod["dnsConfig"]["nameservers"]), std::vector<std::string>{"127.0.0.1"});
  const YAML::Node container = pod["containers"][0];
  ExpectSecureContainer(container);
  EXPECT_EQ(EnvValue(container, "DNSD_UPSTREAM"), "10.96.0.10");
  EXPECT_EQ(pod["volumes"][0]["configMap"]["name"].as<std::string>(), "dnsd");
  const std::string docs = ReadFile(fs::path(DNSD_SOURCE_DIR) / "docs/kubernetes.md");
  EXPECT_NE(docs.find("```yaml\n" + snippet + "```\n"), std::string::npos)
      << "docs/kubernetes.md#sidecar should show the snippet the chart prints:\n" << snippet;

  RunRendered(rendered, kLegacyAndClusterAsks);
}

// A ConfigMap volume as the kubelet writes it: the files in a directory of their own, `..data`
// pointing at it, each key a symlink through `..data`. An update writes a new directory and renames
// a new `..data` over the old one, so a reader sees the old files or the new ones, never a mix.
class ConfigMapVolume {
 public:
  explicit ConfigMapVolume(fs::path dir) : dir_(std::move(dir)) {}
  void Publish(const std::map<std::string, std::string>& files) {
    const std::string version = "..2026_12_03_00_00_0" + std::to_string(++updates_);
    fs::create_directories(dir_ / version);
    for (const auto& [key, text] : files) WriteFile(dir_ / version / key, text);
    fs::create_symlink(version, dir_ / "..data_tmp");
    fs::rename(dir_ / "..data_tmp", dir_ / "..data");
    for (const auto& [key, text] : files) {
      if (!fs::is_symlink(dir_ / key)) fs::create_symlink(fs::path("..data") / key, dir_ / key);
    }
  }

 private:
  fs::path dir_;
  int updates_ = 0;
};

std::string ConfigMapData(const std::vector<std::string>& args, const std::string& key) {
  const Rendered rendered = RenderOk(args);
  return Find(rendered, "ConfigMap")["data"][key].as<std::string>();
}

// The chart's point of `reload`: a `helm upgrade` that changes the rules reaches the running pods
// through the kubelet's ConfigMap update, without a restart.
TEST(HelmChart, AConfigMapUpdateOfTheRulesAppliesWithoutARestart) {
  Upstream knot;
  TempDir dir("dnsd-configmap");
  const fs::path volume = dir / "etc-dnsd";
  fs::create_directories(volume);
  const uint16_t port = FreePort(), health = FreePort(), ready = FreePort(), metrics = FreePort();
  std::string corefile = ConfigMapData({}, "Corefile");
  corefile = std::regex_replace(corefile, std::regex(":53 \\{"), ":" + std::to_string(port) + " {");
  corefile = std::regex_replace(corefile, std::regex("\n    health \\{"), "\n    health 127.0.0.1:" + std::to_string(health) + " {");
  corefile = std::regex_replace(corefile, std::regex("\n    ready\n"), "\n    ready 127.0.0.1:" + std::to_string(ready) + "\n");
  corefile = std::regex_replace(corefile, std::regex("0\\.0\\.0\\.0:9153"), "127.0.0.1:" + std::to_string(metrics));
  corefile = std::regex_replace(corefile, std::regex("/etc/dnsd"), volume.string());
  const std::string first_rules = ConfigMapData({}, "rules.yaml");
  ConfigMapVolume configmap(volume);
  configmap.Publish({{"Corefile", corefile}, {"rules.yaml", first_rules}});

  // {$DNSD_UPSTREAM} comes from the environment, as the container's env sets it.
  ASSERT_EQ(::setenv("DNSD_UPSTREAM", knot.endpoint().ToString().c_str(), 1), 0);
  ChildProcess dnsd({DaemonBinary(), "-conf", (volume / "Corefile").string()}, dir / "stdout", dir / "stderr");
  const Endpoint server{"127.0.0.1", port};
  auto answer = [&](const std::string& name) {
    std::optional<Reply> reply = Query(server, name, LDNS_RR_TYPE_A, QueryOptions{}.Timeout(1000ms));
    return reply ? reply->AnswerData(LDNS_RR_TYPE_A) : std::vector<std::string>{};
  };
  auto wait_for = [&](const std::string& name, const std::string& address, std::chrono::seconds limit) {
    for (auto deadline = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < deadline;) {
      const auto data = answer(name);
      if (std::find(data.begin(), data.end(), address) != data.end()) return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  };
  ASSERT_TRUE(wait_for("svc1.ns1.marathon.mesos", "10.1.0.1", 10s)) << ReadFile(dir / "stderr") << corefile;
  // Before the update api.pay.marathon.mesos is the general rule's api.pay-default.svc.cluster.local,
  // which the cluster does not have. Asked as AAAA: the cache keeps that NXDOMAIN for its TTL (as
  // CoreDNS's cache, which also sits before rewrite), and the A question below must not hit it.
  std::optional<Reply> before = Query(server, "api.pay.marathon.mesos", LDNS_RR_TYPE_AAAA, QueryOptions{}.Timeout(1000ms));
  ASSERT_TRUE(before);
  EXPECT_EQ(before->rcode_name(), "NXDOMAIN") << before->ToString();

  // helm upgrade -f values.yaml with an exception before the general rule.
  WriteFile(dir / "values.yaml", R"(rules: |
  version: 1
  rules:
    - name: {exact: api.pay.marathon.mesos, to: svc2.ns1-default.svc.cluster.local, answer: auto}
    - name: {regex: '([a-z0-9-]+)\.([a-z0-9-]+)\.marathon\.mesos', to: '{1}.{2}-default.svc.cluster.local', answer: auto}
)");
  const std::string second_rules = ConfigMapData({"-f", (dir / "values.yaml").string()}, "rules.yaml");
  ASSERT_NE(second_rules, first_rules);
  configmap.Publish({{"Corefile", corefile}, {"rules.yaml", second_rules}});
  // The rule-file watcher checks every 10 s (`reload 10s` in the chart's Corefile). Asked only once
  // it has reloaded: an answer asked for before is cached for its TTL, as the cache sits before rewrite.
  bool reloaded = false;
  for (auto deadline = std::chrono::steady_clock::now() + 20s; !reloaded && std::chrono::steady_clock::now() < deadline;) {
    reloaded = ReadFile(dir / "stderr").find("rewrite: reloaded 2 rules") != std::string::npos;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(reloaded) << "no rule reload within 20 s of the ConfigMap update:\n" << ReadFile(dir / "stderr");
  EXPECT_TRUE(wait_for("api.pay.marathon.mesos", "10.1.0.2", 2s)) << ReadFile(dir / "stderr");
  EXPECT_TRUE(wait_for("svc1.ns1.marathon.mesos", "10.1.0.1", 2s));
  EXPECT_TRUE(dnsd.Running()) << "the same process serves the new rules: " << ReadFile(dir / "stderr");
  ExitStatus stopped = dnsd.Stop(SIGTERM, 20000ms);  // health's lameduck 10s
  EXPECT_TRUE(stopped.exited && stopped.code == 0) << stopped.Describe() << ReadFile(dir / "stderr");
}

// A platform team's own server blocks, CoreDNS-chart style: kubernetes replaced by forward lines.
TEST(HelmChart, ServersFromTheCoreDnsChartRenderIntoACorefileDnsdStarts) {
  TempDir dir("dnsd-chart-values");
  WriteFile(dir / "values.yaml", R"(servers:
- zones:
  - zone: .
    use_tcp: true
  port: 53
  plugins:
  - name: errors
  - name: health
    configBlock: |-
      lameduck 2s
  - name: ready
  - name: rewrite
    parameters: dnsd_rules /etc/dnsd/rules.yaml
  - name: forward
    parameters: cluster.local {$DNSD_UPSTREAM}
  - name: prometheus
    parameters: 0.0.0.0:9153
  - name: forward
    parameters: . /etc/resolv.conf
  - name: cache
    parameters: 30
  - name: loop
  - name: reload
  - name: loadbalance
- zones:
  - zone: example.internal
  port: 5353
  plugins:
  - name: whoami
extraConfig:
  import:
    parameters: /etc/dnsd/extra/*.server
rules: |
  # A rule set given as text keeps its comments.
  version: 1
  rules:
    - name: {exact: api.pay.marathon.mesos, to: svc2.ns1-default.svc.cluster.local, answer: auto}
)");
  const Rendered rendered = RenderOk({"-f", (dir / "values.yaml").string()});
  const YAML::Node config = Find(rendered, "ConfigMap");
  const std::string corefile = config["data"]["Corefile"].as<std::string>();
  EXPECT_EQ(corefile.rfind("import /etc/dnsd/extra/*.server\n.:53 {\n", 0), 0u) << corefile;
  EXPECT_NE(corefile.find("example.internal:5353 {\n    whoami\n}"), std::string::npos) << corefile;
  EXPECT_EQ(config["data"]["rules.yaml"].as<std::string>().rfind("# A rule set given as text", 0), 0u);
  std::vector<std::string> ports;
  for (const YAML::Node& port : DnsdContainer(Find(rendered, "Deployment"))["ports"]) {
    ports.push_back(port["name"].as<std::string>());
  }
  EXPECT_EQ(ports, (std::vector<std::string>{"udp-53", "tcp-53", "udp-5353", "tcp-5353", "metrics"}));
  RunRendered(rendered,
              "# dnsd-corpus: map /etc/dnsd/extra/*.server=@DIR@/none-*.server\n"
              "# dnsd-corpus: ask api.pay.marathon.mesos A => 10.1.0.2\n"
              "# dnsd-corpus: ask svc1.ns1-default.svc.cluster.local A => 10.1.0.1\n"
              "# dnsd-corpus: ask whoami.example.internal A @127.0.0.1:5353 => whoami\n");
}

// Values that cannot work are refused at render time with what to do, as `helm template` would.
TEST(HelmChart, ValuesThatCannotWorkFailToRenderWithTheReason) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--set", "mode=gateway"}, "mode: \"gateway\" is not one of cluster, nodelocal, sidecar"},
      {{"--set", "mode=sidecar"}, "upstream.address is required in sidecar mode"},
      {{"--set", "k8sAppLabelOverride=kube-dns"}, "upstream.service.selector k8s-app=kube-dns selects dnsd's own pods"},
      {{"--set", "servers[0].plugins[0].name=kubernetes"},
       "servers[0]: plugin \"kubernetes\" is not supported by dnsd: dnsd forwards cluster names to CoreDNS"},
      {{"--set", "servers[0].plugins[0].name=etcd"}, "servers[0]: plugin \"etcd\" is not supported by dnsd"},
      {{"--set", "prometheus.monitor.enabled=true"}, "prometheus.monitor.enabled needs prometheus.service.enabled"},
  };
  for (const Case& c : cases) {
    const Rendered rendered = Render(c.args);
    EXPECT_TRUE(rendered.run.status.exited && rendered.run.status.code == 1) << c.message;
    EXPECT_NE(rendered.run.err.find(c.message), std::string::npos) << rendered.run.err;
  }
}

// The chart's plugin list (the render-time check) is what the daemon implements.
TEST(HelmChart, ThePluginsTheChartAcceptsAreTheOnesDnsdHas) {
  RunResult plugins = RunToCompletion({DaemonBinary(), "-plugins"}, 10000ms);
  std::vector<std::string> daemon;
  std::istringstream lines(plugins.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  dns.", 0) == 0) daemon.push_back(line.substr(6));
  }
  std::sort(daemon.begin(), daemon.end());
  const std::string helpers = ReadFile(kChart / "templates/_helpers.tpl");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(helpers, match, std::regex(R"(define "dnsd.plugins" -\}\}\n([a-z_ ]+)\n)")));
  std::vector<std::string> chart;
  std::istringstream words(match[1].str());
  for (std::string word; words >> word;) chart.push_back(word);
  EXPECT_EQ(chart, daemon) << "helm/dnsd/templates/_helpers.tpl's dnsd.plugins should list `dnsd -plugins`";
}

TEST(HelmChart, TheChartVersionIsDnsdsVersion) {
  const YAML::Node chart = YAML::LoadFile((kChart / "Chart.yaml").string());
  EXPECT_EQ(chart["version"].as<std::string>(), DNSD_PROJECT_VERSION);
  EXPECT_EQ(chart["appVersion"].as<std::string>(), DNSD_PROJECT_VERSION);
}

// docs/kubernetes.md's values table is the one values.yaml's comments make.
TEST(HelmChart, TheDocsShowTheValuesTableOfValuesYaml) {
  RunResult table = RunToCompletion({DNSD_HELM_TEMPLATE, "--values-table", kChart.string()}, 10000ms);
  ASSERT_TRUE(table.status.exited && table.status.code == 0) << table.err;
  const std::string docs = ReadFile(fs::path(DNSD_SOURCE_DIR) / "docs/kubernetes.md");
  EXPECT_NE(docs.find("<!-- values-table: generated by `dnsd-helm-template --values-table helm/dnsd` -->\n" +
                      table.out + "<!-- end of values-table -->"),
            std::string::npos)
      << "regenerate the table in docs/kubernetes.md:\n" << table.out;
}

}  // namespace
}  // namespace dnsd::it
