// The mapping table: its format, the exact rules each entry expands into (before the generic
// rules), collisions, and every malformed table refused at file:line:column.
#include <gtest/gtest.h>

#include <set>

#include "dcos_test_support.hpp"
#include "rules/dcos_preset.hpp"

namespace dnsd::rules {
namespace {

using dcos_test::Evaluate;

const char* kTable =
    "apps:\n"
    "  - id: /prod/pay/api\n"
    "    ports: [http, grpc]\n"
    "    vips: [\"/pay/api:80\"]\n"
    "  - id: /prod/shop\n"
    "    service: storefront\n"
    "    namespace: retail\n"
    "  - id: /solo\n"
    "names:\n"
    "  - legacy: foo-bar.marathon.mesos\n"
    "    target: foo.bar-default.svc.cluster.local\n";

DcosExpansion Expand(const std::string& table_text, const DcosOptions& options = {}) {
  const ParsedDcosTable table = ParseDcosTable(table_text, "dcos.yaml");
  EXPECT_FALSE(table.error) << table.error->ToString();
  return ExpandDcos(options, table.table, 1);
}

std::shared_ptr<const RuleSet> Compile(const std::string& table_text) {
  DcosExpansion expansion = Expand(table_text);
  EXPECT_FALSE(expansion.error) << expansion.error->ToString();
  auto compiled = RuleSet::Compile(std::move(expansion.rules));
  EXPECT_TRUE(compiled.ok()) << compiled.error.ToString();
  return compiled.rule_set;
}

TEST(DcosTable, Parses) {
  const ParsedDcosTable parsed = ParseDcosTable(kTable, "dcos.yaml");
  ASSERT_FALSE(parsed.error) << parsed.error->ToString();
  ASSERT_EQ(parsed.table.apps.size(), 3u);
  const DcosApp& api = parsed.table.apps[0];
  EXPECT_EQ(api.id, "/prod/pay/api");
  EXPECT_EQ(api.ports, (std::vector<std::string>{"http", "grpc"}));
  EXPECT_EQ(api.vips, (std::vector<std::string>{"/pay/api:80"}));
  EXPECT_EQ(api.pos.file, "dcos.yaml");
  EXPECT_EQ(api.pos.line, 2);
  EXPECT_EQ(api.pos.column, 9);
  EXPECT_EQ(parsed.table.apps[1].service, "storefront");
  EXPECT_EQ(parsed.table.apps[1].ns, "retail");
  ASSERT_EQ(parsed.table.names.size(), 1u);
  EXPECT_EQ(parsed.table.names[0].legacy, "foo-bar.marathon.mesos.");
  EXPECT_EQ(parsed.table.names[0].target, "foo.bar-default.svc.cluster.local.");
  EXPECT_EQ(parsed.table.names[0].pos.line, 10);
}

TEST(DcosTable, EmptyTableIsFine) {
  EXPECT_FALSE(ParseDcosTable("", "dcos.yaml").error);
  EXPECT_FALSE(ParseDcosTable("# nothing yet\n", "dcos.yaml").error);
  EXPECT_FALSE(ParseDcosTable("apps:\nnames:\n", "dcos.yaml").error);
}

// Every name an app entry stands for, exactly.
TEST(DcosTable, ExpandsAnAppIntoItsLegacyNames) {
  const DcosExpansion expansion = Expand("apps:\n  - id: /prod/pay/api\n    ports: [http, grpc]\n    vips: [\"/pay/api:80\"]\n");
  ASSERT_FALSE(expansion.error);
  std::map<std::string, std::string> table;
  for (const Rule& rule : expansion.rules) {
    if (rule.family != "table") continue;
    const auto& body = std::get<NameRule>(rule.body);
    EXPECT_EQ(body.match.kind, MatchKind::kExact);
    EXPECT_EQ(rule.pos.file, "dcos.yaml");
    EXPECT_EQ(rule.pos.line, 2);
    table[body.match.pattern] = body.to;
  }
  const std::string t = "api.pay-prod-default.svc.cluster.local.";
  std::map<std::string, std::string> expected = {
      {"api-pay-prod.marathon.mesos.", t},
      {"api.pay.prod.marathon.mesos.", t},
      {"api-pay-prod.marathon.autoip.dcos.thisdcos.directory.", t},
      {"api-pay-prod.marathon.containerip.dcos.thisdcos.directory.", "api-headless.pay-prod-default.svc.cluster.local."},
      {"payapi.marathon.l4lb.thisdcos.directory.", t},
      {"payapi.marathon.dclb.thisdcos.directory.", t},
      {"payapi.marathon.l4lb.thisdcos.global.", t},
  };
  for (const char* proto : {"tcp", "udp"}) {
    const std::string p = proto;
    expected["_api-pay-prod._" + p + ".marathon.mesos."] = "_http._" + p + "." + t;
    expected["_api._" + p + ".pay.prod.marathon.mesos."] = "_http._" + p + "." + t;
    for (const char* port : {"http", "grpc"}) {
      expected["_" + std::string(port) + "._api-pay-prod._" + p + ".marathon.mesos."] = "_" + std::string(port) + "._" + p + "." + t;
      expected["_" + std::string(port) + "._api._" + p + ".pay.prod.marathon.mesos."] = "_" + std::string(port) + "._" + p + "." + t;
    }
  }
  EXPECT_EQ(table, expected);
}

TEST(DcosTable, SrvRulesMapTargetsBackToTheLegacyName) {
  const DcosExpansion expansion = Expand("apps:\n  - id: /prod/pay/api\n");
  ASSERT_FALSE(expansion.error);
  for (const Rule& rule : expansion.rules) {
    if (rule.family != "table") continue;
    const auto& body = std::get<NameRule>(rule.body);
    if (!body.match.pattern.starts_with("_")) {
      EXPECT_EQ(body.answers.size(), 1u) << rule.text;  // auto only
      continue;
    }
    ASSERT_EQ(body.answers.size(), 3u) << rule.text;
    EXPECT_EQ(body.answers[1].kind, AnswerOption::Kind::kName);
    EXPECT_EQ(body.answers[2].kind, AnswerOption::Kind::kValue);
    EXPECT_EQ(body.answers[1].from, "^api\\.pay\\-prod\\-default\\.svc\\.cluster\\.local\\.$");
    EXPECT_EQ(body.answers[1].to, "api-pay-prod.marathon.mesos.");
    // The text reads back through the parser as the same rule.
    const auto back = dcos_test::LoadCorefile(".:53 {\n    " + rule.text + "\n}\n");
    ASSERT_TRUE(back.rule_set) << rule.text;
    const auto& parsed = std::get<NameRule>(back.rule_set->rules()[0].body);
    ASSERT_EQ(parsed.answers.size(), 3u);
    EXPECT_EQ(parsed.answers[1].from, body.answers[1].from);
    EXPECT_EQ(parsed.answers[2].to, body.answers[2].to);
  }
}

TEST(DcosTable, TableRulesComeBeforeTheGenericOnes) {
  const auto rules = Compile(kTable);
  ASSERT_TRUE(rules);
  // The hyphen name: the generic rule would read it as an app without a group.
  EXPECT_EQ(Evaluate(*rules, "api-pay-prod.marathon.mesos.").what, "rewritten api.pay-prod-default.svc.cluster.local.");
  EXPECT_EQ(Evaluate(*rules, "api-pay-prod.marathon.mesos.").family, "table");
  EXPECT_EQ(Evaluate(*rules, "shop-prod.marathon.mesos.").what, "rewritten storefront.retail.svc.cluster.local.");
  EXPECT_EQ(Evaluate(*rules, "shop.prod.marathon.mesos.").what, "rewritten storefront.retail.svc.cluster.local.");
  EXPECT_EQ(Evaluate(*rules, "solo.marathon.mesos.").what, "rewritten solo.default.svc.cluster.local.");
  EXPECT_EQ(Evaluate(*rules, "solo.marathon.mesos.").family, "table");
  EXPECT_EQ(Evaluate(*rules, "foo-bar.marathon.mesos.").what, "rewritten foo.bar-default.svc.cluster.local.");
  EXPECT_EQ(Evaluate(*rules, "payapi.marathon.l4lb.thisdcos.directory.").what,
            "rewritten api.pay-prod-default.svc.cluster.local.");
  EXPECT_EQ(Evaluate(*rules, "payapi.marathon.l4lb.thisdcos.directory.").soa, "thisdcos.directory.");
  EXPECT_EQ(Evaluate(*rules, "payapi.marathon.l4lb.thisdcos.global.").soa, "thisdcos.global.");
  EXPECT_EQ(Evaluate(*rules, "_grpc._api-pay-prod._tcp.marathon.mesos.", 33).what,
            "rewritten _grpc._tcp.api.pay-prod-default.svc.cluster.local.");
  // A VIP the table does not name stays NXDOMAIN.
  DCOS_NEEDS_LOCAL_RULES();
  EXPECT_EQ(Evaluate(*rules, "other.marathon.l4lb.thisdcos.directory.").what, "local NXDOMAIN");
}

TEST(DcosTable, NamesEntriesSettleSharedMesosDnsNames) {
  // /prod/api-pay and /prod/pay/api are both api-pay-prod.marathon.mesos to Mesos-DNS.
  const std::string two = "apps:\n  - id: /prod/pay/api\n  - id: /prod/api-pay\n";
  const DcosExpansion clash = Expand(two);
  ASSERT_TRUE(clash.error);
  EXPECT_EQ(clash.error->ToString(),
            "dcos.yaml:3:9: dnsd_dcos mappings: app /prod/api-pay: legacy name api-pay-prod.marathon.mesos. is also "
            "given by app /prod/pay/api at line 2 (set mesos_dns_names: false on one app, or add a names: entry)");
  EXPECT_FALSE(Expand(two + "    mesos_dns_names: false\n").error);
  const DcosExpansion settled = Expand(two +
                                       "names:\n"
                                       "  - {legacy: api-pay-prod.marathon.mesos, target: api.pay-prod-default.svc.cluster.local}\n"
                                       "  - {legacy: _api-pay-prod._tcp.marathon.mesos, target: _http._tcp.api.pay-prod-default.svc.cluster.local}\n"
                                       "  - {legacy: _api-pay-prod._udp.marathon.mesos, target: _http._udp.api.pay-prod-default.svc.cluster.local}\n"
                                       "  - {legacy: _http._api-pay-prod._tcp.marathon.mesos, target: _http._tcp.api.pay-prod-default.svc.cluster.local}\n"
                                       "  - {legacy: _http._api-pay-prod._udp.marathon.mesos, target: _http._udp.api.pay-prod-default.svc.cluster.local}\n"
                                       "  - {legacy: api-pay-prod.marathon.autoip.dcos.thisdcos.directory, target: api.pay-prod-default.svc.cluster.local}\n"
                                       "  - {legacy: api-pay-prod.marathon.containerip.dcos.thisdcos.directory, target: api-headless.pay-prod-default.svc.cluster.local}\n");
  EXPECT_FALSE(settled.error) << settled.error->ToString();
  const DcosExpansion twice = Expand(
      "names:\n  - {legacy: a.mesos, target: a.x.svc.cluster.local}\n  - {legacy: A.mesos., target: b.x.svc.cluster.local}\n");
  ASSERT_TRUE(twice.error);
  EXPECT_EQ(twice.error->ToString(),
            "dcos.yaml:3:14: dnsd_dcos mappings: a names entry: legacy name a.mesos. is also given by a names entry at line 2");
}

TEST(DcosTable, NamesOutsideTheLegacyZonesHaveNoSoa) {
  const DcosExpansion expansion = Expand("names:\n  - {legacy: old.corp.example, target: new.ns.svc.cluster.local}\n");
  ASSERT_FALSE(expansion.error);
  for (const Rule& rule : expansion.rules) {
    if (rule.family == "table") {
      EXPECT_EQ(rule.soa, nullptr);
    }
  }
}

struct Case {
  std::string yaml;
  std::string error;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.yaml; }

class BadTable : public ::testing::TestWithParam<Case> {};

TEST_P(BadTable, RefusedWithPosition) {
  const ParsedDcosTable parsed = ParseDcosTable(GetParam().yaml, "dcos.yaml");
  ASSERT_TRUE(parsed.error) << GetParam().yaml;
  EXPECT_EQ(parsed.error->ToString(), GetParam().error);
  EXPECT_TRUE(parsed.table.apps.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadTable,
    ::testing::Values(
        Case{"- a\n", "dcos.yaml:1:1: dnsd_dcos mappings: a mapping table is a map with apps: and names: (see docs/migration.md)"},
        Case{"aps:\n  - id: /a\n", "dcos.yaml:1:1: dnsd_dcos mappings: unknown key \"aps\" (want apps, names or version)"},
        Case{"version: 2\n", "dcos.yaml:1:10: dnsd_dcos mappings: version: want 1"},
        Case{"apps: {id: /a}\n", "dcos.yaml:1:7: dnsd_dcos mappings: apps: want a list"},
        Case{"apps:\n  - /a\n",
             "dcos.yaml:2:5: dnsd_dcos mappings: apps: each entry is a map with id: (and service, namespace, ports, vips)"},
        Case{"apps:\n  - service: a\n", "dcos.yaml:2:5: dnsd_dcos mappings: apps: entry without id:"},
        Case{"apps:\n  - id: prod/a\n",
             "dcos.yaml:2:9: dnsd_dcos mappings: id: \"prod/a\" is not a Marathon app id (want /group/app)"},
        Case{"apps:\n  - id: /a//b\n",
             "dcos.yaml:2:9: dnsd_dcos mappings: id: \"/a//b\" is not a Marathon app id (want /group/app)"},
        Case{"apps:\n  - id: /a\n    sevice: b\n",
             "dcos.yaml:3:5: dnsd_dcos mappings: unknown key \"sevice\" in an app (want id, service, namespace, ports, "
             "vips or mesos_dns_names)"},
        Case{"apps:\n  - id: /a\n    namespace: Pay.Prod\n",
             "dcos.yaml:3:16: dnsd_dcos mappings: namespace: \"Pay.Prod\" is not a DNS label"},
        Case{"apps:\n  - id: /a\n    ports: [http, \"bad port\"]\n",
             "dcos.yaml:3:19: dnsd_dcos mappings: ports: \"bad port\" is not a port name (1-15 of a-z, 0-9, '-')"},
        Case{"apps:\n  - id: /a\n    ports: {http: 1}\n", "dcos.yaml:3:12: dnsd_dcos mappings: ports: want a list of strings"},
        Case{"apps:\n  - id: /a\n    vips: [\"/a:80\", \"10.0.0.1:80\"]\n",
             "dcos.yaml:3:21: dnsd_dcos mappings: vips: \"10.0.0.1:80\" names no VIP (an IP:port VIP has no DNS name; "
             "want /name:port)"},
        Case{"apps:\n  - id: /a\n    mesos_dns_names: maybe\n",
             "dcos.yaml:3:22: dnsd_dcos mappings: mesos_dns_names: want true or false"},
        Case{"names:\n  - legacy: a.mesos\n", "dcos.yaml:2:5: dnsd_dcos mappings: names: entry without target:"},
        Case{"names:\n  - {legacy: a..mesos, target: b}\n",
             "dcos.yaml:2:14: dnsd_dcos mappings: legacy: \"a..mesos\" is not a domain name"},
        Case{"names:\n  - {legacy: a.mesos, to: b}\n",
             "dcos.yaml:2:23: dnsd_dcos mappings: unknown key \"to\" in a name (want legacy or target)"},
        Case{"apps:\n  - id: /a\n   ports: [x]\n", "dcos.yaml:3:4: dnsd_dcos mappings: end of sequence not found"}));

TEST(DcosTable, LongNamesAreRefusedAtTheEntry) {
  const DcosExpansion expansion = Expand("apps:\n  - id: /" + std::string(60, 'g') + "/" + std::string(60, 'a') + "\n");
  ASSERT_TRUE(expansion.error);
  EXPECT_TRUE(expansion.error->ToString().starts_with("dcos.yaml:2:9: dnsd_dcos mappings: app /ggg")) << expansion.error->ToString();
}

}  // namespace
}  // namespace dnsd::rules
