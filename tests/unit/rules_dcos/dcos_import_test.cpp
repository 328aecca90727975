// `dnsd-rules import-marathon`'s converter on a realistic /v2/apps dump (fixtures/marathon_apps.json):
// groups, portDefinitions names, container portMappings (new and Marathon 1.4 layout), VIP labels,
// IP VIPs, and two apps Mesos-DNS gives the same name.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "dcos_test_support.hpp"
#include "rules/dcos_preset.hpp"

namespace dnsd::rules {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(DNSD_DCOS_FIXTURES) + "/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(MarathonImport, ConvertsTheDump) {
  const MarathonImport imported = ImportMarathonApps(Fixture("marathon_apps.json"), "apps.json");
  ASSERT_FALSE(imported.error) << imported.error->ToString();
  EXPECT_EQ(imported.apps, 5u);
  EXPECT_EQ(imported.vips, 3u);
  const std::string expected =
      "# dnsd_dcos mapping table (docs/migration.md), from the Marathon apps in apps.json.\n"
      "# Each app's legacy names map to <service>.<namespace>.svc.<cluster_domain>; service defaults\n"
      "# to the app's last segment, namespace to the Corefile's namespace pattern. Set either to override.\n"
      "version: 1\n"
      "apps:\n"
      "  - id: \"/prod/pay/api\"\n"
      "    ports: [\"http\", \"grpc\"]\n"
      "    vips: [\"/pay/api:80\", \"/pay/api-grpc:9090\"]\n"
      "  # /prod/web: port name \"metrics_port\" is not a Kubernetes port name: left out\n"
      "  - id: \"/prod/web\"\n"
      "    ports: [\"http\"]\n"
      "    vips: [\"/web:80\"]\n"
      "  # /legacy: VIP \"10.10.0.5:8080\" is an IP address: it has no DNS name\n"
      "  - id: \"/legacy\"\n"
      "    ports: [\"web\"]\n"
      "  - id: \"/batch/worker\"\n"
      "  # /prod/api-pay: api-pay-prod.marathon.mesos is also the Mesos-DNS name of /prod/pay/api, which keeps it "
      "(see docs/migration.md)\n"
      "  # /prod/api-pay: VIP \"/pay/api:8080\" is also a VIP of /prod/pay/api, which keeps it\n"
      "  - id: \"/prod/api-pay\"\n"
      "    mesos_dns_names: false\n";
  EXPECT_EQ(imported.yaml, expected);
}

// The converter's output is a table the preset reads, and its names resolve.
TEST(MarathonImport, OutputIsAValidTable) {
  const MarathonImport imported = ImportMarathonApps(Fixture("marathon_apps.json"), "apps.json");
  ASSERT_FALSE(imported.error);
  dcos_test::TempDir dir;
  dir.Write("dcos.yaml", imported.yaml);
  const auto loaded = dcos_test::LoadCorefile(dcos_test::PresetCorefile("        mappings dcos.yaml\n"),
                                              (dir.path() / "Corefile").string());
  ASSERT_TRUE(loaded.rule_set) << (loaded.parse_error ? loaded.parse_error->ToString() : loaded.compile_error->ToString());
  const RuleSet& rules = *loaded.rule_set;
  using dcos_test::Evaluate;
  EXPECT_EQ(Evaluate(rules, "api-pay-prod.marathon.mesos.").what, "rewritten api.pay-prod-default.svc.cluster.local.");
  EXPECT_EQ(Evaluate(rules, "_grpc._api-pay-prod._tcp.marathon.mesos.", 33).what,
            "rewritten _grpc._tcp.api.pay-prod-default.svc.cluster.local.");
  EXPECT_EQ(Evaluate(rules, "payapi-grpc.marathon.l4lb.thisdcos.directory.").what,
            "rewritten api.pay-prod-default.svc.cluster.local.");
  EXPECT_EQ(Evaluate(rules, "web-prod.marathon.mesos.").what, "rewritten web.prod-default.svc.cluster.local.");
  EXPECT_EQ(Evaluate(rules, "web.marathon.l4lb.thisdcos.directory.").what, "rewritten web.prod-default.svc.cluster.local.");
  EXPECT_EQ(Evaluate(rules, "_http._legacy._tcp.marathon.mesos.", 33).what,
            "rewritten _http._tcp.legacy.default.svc.cluster.local.");
  // /prod/api-pay keeps its dotted names; the hyphen name is /prod/pay/api's.
  EXPECT_EQ(Evaluate(rules, "api-pay.prod.marathon.mesos.").what, "rewritten api-pay.prod-default.svc.cluster.local.");
  EXPECT_EQ(Evaluate(rules, "api-pay.prod.marathon.mesos.").family, "table");
}

TEST(MarathonImport, AcceptsAListAndOneApp) {
  EXPECT_EQ(ImportMarathonApps(R"([{"id": "/a"}, {"id": "b"}])", "x.json").apps, 2u);
  const MarathonImport one = ImportMarathonApps(R"({"app": {"id": "/g/a"}})", "x.json");
  ASSERT_FALSE(one.error);
  EXPECT_NE(one.yaml.find("  - id: \"/g/a\"\n"), std::string::npos);
  const MarathonImport none = ImportMarathonApps(R"({"apps": []})", "x.json");
  ASSERT_FALSE(none.error);
  EXPECT_NE(none.yaml.find("apps:\n  []\n"), std::string::npos);
  EXPECT_FALSE(ParseDcosTable(none.yaml, "t.yaml").error);
}

TEST(MarathonImport, ErrorsPointIntoTheJson) {
  EXPECT_EQ(ImportMarathonApps("{\"apps\": [\n  {\"cmd\": \"x\"}\n]}", "apps.json").error->ToString(),
            "apps.json:2:3: import-marathon: an app without \"id\"");
  EXPECT_EQ(ImportMarathonApps("{\"apps\": {\"id\": \"/a\"}}", "apps.json").error->ToString(),
            "apps.json:1:10: import-marathon: \"apps\": want a list");
  EXPECT_EQ(ImportMarathonApps("{\"version\": 1}", "apps.json").error->ToString(),
            "apps.json:1:1: import-marathon: want a Marathon /v2/apps dump: {\"apps\": [...]}");
  const auto broken = ImportMarathonApps("{\"apps\": [\n  {\"id\": \"/a\"]\n}", "apps.json");
  ASSERT_TRUE(broken.error);
  EXPECT_TRUE(broken.error->ToString().starts_with("apps.json:2:")) << broken.error->ToString();
}

TEST(MarathonImport, MesosDnsLabels) {
  EXPECT_EQ(MarathonTaskName("/prod/pay/api"), "api.pay.prod");
  EXPECT_EQ(MesosDnsLabel("api.pay.prod"), "api-pay-prod");
  EXPECT_EQ(MesosDnsLabel("My_App.v2!"), "my-app-v2");
  EXPECT_EQ(MesosDnsLabel("--x--"), "x");
  EXPECT_EQ(MesosDnsLabel(std::string(70, 'a')), std::string(63, 'a'));
  EXPECT_EQ(VipName("/pay/api:80"), "payapi");
  EXPECT_EQ(VipName("myvip:80"), "myvip");
  EXPECT_EQ(VipName("10.0.0.1:80"), "");
}

}  // namespace
}  // namespace dnsd::rules
