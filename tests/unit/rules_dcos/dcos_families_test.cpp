// Every legacy name family of docs/migration.md through the compiled rule set (RuleSet::Evaluate):
// the name it is rewritten to, or the local answer and the SOA it carries.
#include <gtest/gtest.h>

#include <regex>

#include "dcos_test_support.hpp"
#include "regex_literal.hpp"
#include "rules/dcos_preset.hpp"

namespace dnsd::rules {
namespace {

using dcos_test::Evaluate;
using dcos_test::LoadCorefile;
using dcos_test::PresetCorefile;

struct Case {
  std::string name;
  std::string what;    // "rewritten NAME" or "local NXDOMAIN" / "local NOERROR"
  std::string family;
  std::string soa;     // the zone whose SOA the rule carries
  std::uint16_t qtype = 1;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

const RuleSet& DefaultPreset() {
  static const auto loaded = LoadCorefile(PresetCorefile());
  if (!loaded.rule_set) {
    ADD_FAILURE() << (loaded.parse_error ? loaded.parse_error->ToString() : loaded.compile_error->ToString());
    std::abort();
  }
  return *loaded.rule_set;
}

class DefaultFamilies : public ::testing::TestWithParam<Case> {};

TEST_P(DefaultFamilies, Answer) {
  const Case& c = GetParam();
  if (c.what.starts_with("local")) DCOS_NEEDS_LOCAL_RULES();
  const auto result = Evaluate(DefaultPreset(), c.name, c.qtype);
  EXPECT_EQ(result.what, c.what) << c.name;
  EXPECT_EQ(result.family, c.family) << c.name;
  EXPECT_EQ(result.soa, c.soa) << c.name;
}

const std::string kNx = "local NXDOMAIN";
const std::string kCd = ".svc.cluster.local.";

INSTANTIATE_TEST_SUITE_P(
    Preset, DefaultFamilies,
    ::testing::Values(
        // 1. ndots:5 search-path variants: answered here, under the cluster domain's SOA.
        Case{"foo.bar.marathon.mesos.pay.svc.cluster.local.", kNx, "search-path", "cluster.local."},
        Case{"foo.bar.marathon.mesos.svc.cluster.local.", kNx, "search-path", "cluster.local."},
        Case{"foo.bar.marathon.mesos.cluster.local.", kNx, "search-path", "cluster.local."},
        Case{"_http._foo._tcp.marathon.mesos.ns.svc.cluster.local.", kNx, "search-path", "cluster.local.", 33},
        Case{"x.marathon.autoip.dcos.thisdcos.directory.ns.svc.cluster.local.", kNx, "search-path", "cluster.local."},
        Case{"vip.marathon.l4lb.thisdcos.global.svc.cluster.local.", kNx, "search-path", "cluster.local."},
        // Kubernetes names are not touched.
        Case{"foo.bar-default.svc.cluster.local.", "no match", "", ""},
        Case{"mesos.default.svc.cluster.local.", "no match", "", ""},
        Case{"example.com.", "no match", "", ""},
        // 3. Marathon SRV.
        Case{"_foo._tcp.marathon.mesos.", "rewritten _http._tcp.foo.default" + kCd, "srv", "mesos.", 33},
        Case{"_foo._udp.bar.marathon.mesos.", "rewritten _http._udp.foo.bar-default" + kCd, "srv", "mesos.", 33},
        Case{"_api._tcp.pay.prod.marathon.mesos.", "rewritten _http._tcp.api.pay-prod-default" + kCd, "srv", "mesos.",
             33},
        Case{"_api._tcp.a.b.c.marathon.mesos.", "rewritten _http._tcp.api.a-b-c-default" + kCd, "srv", "mesos.", 33},
        Case{"_grpc._api._tcp.pay.marathon.mesos.", "rewritten _grpc._tcp.api.pay-default" + kCd, "srv", "mesos.", 33},
        Case{"_grpc._api._udp.marathon.mesos.", "rewritten _grpc._udp.api.default" + kCd, "srv", "mesos.", 33},
        // 4. Marathon A/AAAA, dotted group form (the issue that started the project).
        Case{"foo.bar.marathon.mesos.", "rewritten foo.bar-default" + kCd, "marathon", "mesos."},
        Case{"foo.marathon.mesos.", "rewritten foo.default" + kCd, "marathon", "mesos.", 28},
        Case{"api.pay.prod.marathon.mesos.", "rewritten api.pay-prod-default" + kCd, "marathon", "mesos."},
        Case{"api.a.b.c.marathon.mesos.", "rewritten api.a-b-c-default" + kCd, "marathon", "mesos."},
        Case{"api.a.b.c.d.marathon.mesos.", kNx, "zone", "mesos."},  // deeper than 3 groups: the table
        Case{"api-pay-prod.marathon.mesos.", "rewritten api-pay-prod.default" + kCd, "marathon", "mesos."},
        // 5. Agents.
        Case{"foo.marathon.slave.mesos.", kNx, "slave", "mesos."},
        Case{"agent1.slave.mesos.", kNx, "slave", "mesos."},
        Case{"slave.mesos.", kNx, "slave", "mesos."},
        // 6. Masters, Mesos-DNS.
        Case{"leader.mesos.", kNx, "leader", "mesos."},
        Case{"_leader._tcp.mesos.", kNx, "leader", "mesos.", 33},
        Case{"_leader._udp.mesos.", kNx, "leader", "mesos.", 33},
        Case{"master.mesos.", kNx, "master", "mesos."},
        Case{"master0.mesos.", kNx, "master", "mesos."},
        Case{"ns1.mesos.", kNx, "mesos-dns", "mesos."},
        // 7. Other frameworks.
        Case{"broker-0.kafka.mesos.", "rewritten broker-0.kafka-default" + kCd, "framework", "mesos."},
        Case{"_broker-0._tcp.kafka.mesos.", "rewritten _http._tcp.broker-0.kafka-default" + kCd, "srv", "mesos.", 33},
        Case{"_client._broker-0._tcp.kafka.mesos.", "rewritten _client._tcp.broker-0.kafka-default" + kCd, "srv",
             "mesos.", 33},
        Case{"kafka.mesos.", kNx, "framework", "mesos."},
        Case{"marathon.mesos.", kNx, "framework", "mesos."},
        // 8. dcos-net.
        Case{"web.marathon.autoip.dcos.thisdcos.directory.", "rewritten web.default" + kCd, "autoip",
             "thisdcos.directory."},
        Case{"web.marathon.containerip.dcos.thisdcos.directory.", "rewritten web-headless.default" + kCd,
             "containerip", "thisdcos.directory."},
        Case{"kafka-0-broker.kafka.autoip.dcos.thisdcos.directory.", "rewritten kafka-0.kafka-headless.kafka-default" + kCd,
             "sdk", "thisdcos.directory."},
        Case{"journal-node-2-node.hdfs.autoip.dcos.thisdcos.directory.",
             "rewritten journal-node-2.hdfs-headless.hdfs-default" + kCd, "sdk", "thisdcos.directory."},
        Case{"cassandra-0-server.cassandra.containerip.dcos.thisdcos.directory.",
             "rewritten cassandra-0.cassandra-headless.cassandra-default" + kCd, "sdk", "thisdcos.directory."},
        Case{"web.myfw.autoip.dcos.thisdcos.directory.", "rewritten web.myfw-default" + kCd, "autoip",
             "thisdcos.directory."},
        Case{"web.myfw.containerip.dcos.thisdcos.directory.", "rewritten web-headless.myfw-default" + kCd,
             "containerip", "thisdcos.directory."},
        Case{"web.marathon.agentip.dcos.thisdcos.directory.", kNx, "agentip", "thisdcos.directory."},
        // 9. VIPs not in the table.
        Case{"payapi.marathon.l4lb.thisdcos.directory.", kNx, "l4lb", "thisdcos.directory."},
        Case{"payapi.marathon.dclb.thisdcos.directory.", kNx, "l4lb", "thisdcos.directory."},
        Case{"payapi.marathon.l4lb.thisdcos.global.", kNx, "l4lb", "thisdcos.global."},
        // 10. Zone apexes and everything else under the legacy zones.
        Case{"mesos.", "local NOERROR", "zone", "mesos.", 6},
        Case{"thisdcos.directory.", "local NOERROR", "zone", "thisdcos.directory.", 6},
        Case{"thisdcos.global.", "local NOERROR", "zone", "thisdcos.global.", 6},
        Case{"a_b.marathon.mesos.", kNx, "zone", "mesos."},
        Case{"x.y.z.mesos.", kNx, "zone", "mesos."},
        Case{"foo.dcos.thisdcos.directory.", kNx, "zone", "thisdcos.directory."}));

TEST(DcosPreset, RulesCarryTheirFamilyPositionTextAndSetName) {
  const auto loaded = LoadCorefile(PresetCorefile());
  ASSERT_TRUE(loaded.rule_set);
  const auto rules = loaded.rule_set->rules();
  ASSERT_GT(rules.size(), 30u);
  for (const Rule& rule : rules) {
    EXPECT_FALSE(rule.family.empty()) << rule.text;
    EXPECT_EQ(rule.set_name, "dnsd_dcos");
    EXPECT_EQ(rule.pos.file, "Corefile");
    EXPECT_EQ(rule.pos.line, 2);
    EXPECT_EQ(rule.pos.column, 5);
    EXPECT_EQ(rule.mode, Mode::kStop);
    ASSERT_TRUE(rule.soa) << rule.text;
    EXPECT_TRUE(rule.text.starts_with("rewrite name ") || rule.text.starts_with("local ")) << rule.text;
  }
  // Families in the documented order.
  std::vector<std::string> order;
  for (const Rule& rule : rules) {
    if (order.empty() || order.back() != rule.family) order.push_back(rule.family);
  }
  const std::vector<std::string> expected = {"search-path", "srv",         "marathon", "slave", "leader",
                                             "master",      "mesos-dns",   "srv",      "framework", "autoip",
                                             "containerip", "sdk",         "autoip",   "containerip", "agentip",
                                             "l4lb",        "zone"};
  EXPECT_EQ(order, expected);
}

// Every regex rule's text is a rewrite line the parser reads back to the same rule, except for the
// one combination only the preset writes (answer auto with answer name).
TEST(DcosPreset, TextsAreRewriteLines) {
  const auto loaded = LoadCorefile(PresetCorefile());
  ASSERT_TRUE(loaded.rule_set);
  for (const Rule& rule : loaded.rule_set->rules()) {
    if (!rule.text.starts_with("rewrite ") || rule.text.find(" answer name ") != std::string::npos) continue;
    const auto back = LoadCorefile(".:53 {\n    " + rule.text + "\n}\n");
    ASSERT_TRUE(back.rule_set) << rule.text;
    ASSERT_EQ(back.rule_set->rules().size(), 1u);
    const auto& original = std::get<NameRule>(rule.body);
    const auto& parsed = std::get<NameRule>(back.rule_set->rules()[0].body);
    EXPECT_EQ(parsed.match.pattern, original.match.pattern);
    EXPECT_EQ(parsed.to, original.to);
    EXPECT_EQ(parsed.answers.size(), original.answers.size()) << rule.text;
  }
}

TEST(DcosPreset, SoasFollowTheOptions) {
  const auto loaded = LoadCorefile(PresetCorefile("        negative_ttl 30s\n"));
  ASSERT_TRUE(loaded.rule_set);
  std::map<std::string, const SoaParams*> zones;
  for (const Rule& rule : loaded.rule_set->rules()) zones[rule.soa->zone] = rule.soa.get();
  ASSERT_EQ(zones.size(), 4u);
  const SoaParams& mesos = *zones.at("mesos.");
  EXPECT_EQ(mesos.mname, "ns1.mesos.");
  EXPECT_EQ(mesos.rname, "root.ns1.mesos.");
  EXPECT_EQ(mesos.refresh, 60u);
  EXPECT_EQ(mesos.retry, 600u);
  EXPECT_EQ(mesos.expire, 86400u);
  EXPECT_EQ(mesos.minimum, 30u);
  EXPECT_EQ(mesos.ttl, 30u);
  EXPECT_GT(mesos.serial, 1700000000u);  // seconds since the epoch at load
  const SoaParams& directory = *zones.at("thisdcos.directory.");
  EXPECT_EQ(directory.mname, "ns.spartan.");
  EXPECT_EQ(directory.rname, "support.mesosphere.com.");
  EXPECT_EQ(directory.retry, 180u);
  EXPECT_EQ(directory.minimum, 30u);
  EXPECT_EQ(zones.at("thisdcos.global.")->mname, "ns.spartan.");
  const SoaParams& cluster = *zones.at("cluster.local.");
  EXPECT_EQ(cluster.mname, "ns.dns.cluster.local.");
  EXPECT_EQ(cluster.rname, "hostmaster.cluster.local.");
  EXPECT_EQ(cluster.refresh, 7200u);
  EXPECT_EQ(cluster.retry, 1800u);
  EXPECT_EQ(cluster.minimum, 5u);
  EXPECT_EQ(cluster.ttl, 5u);
}

TEST(DcosPreset, OptionsShapeTheTargets) {
  const auto loaded = LoadCorefile(PresetCorefile(
      "        namespace team-{group}\n"
      "        root_namespace apps\n"
      "        framework_namespace fw-{framework}\n"
      "        cluster_domain corp.example\n"
      "        srv_port_name web\n"
      "        headless_suffix -pods\n"));
  ASSERT_TRUE(loaded.rule_set) << (loaded.parse_error ? loaded.parse_error->ToString() : loaded.compile_error->ToString());
  const RuleSet& rules = *loaded.rule_set;
  EXPECT_EQ(Evaluate(rules, "foo.bar.baz.marathon.mesos.").what, "rewritten foo.team-bar-baz.svc.corp.example.");
  EXPECT_EQ(Evaluate(rules, "foo.marathon.mesos.").what, "rewritten foo.apps.svc.corp.example.");
  EXPECT_EQ(Evaluate(rules, "_foo._tcp.bar.marathon.mesos.", 33).what, "rewritten _web._tcp.foo.team-bar.svc.corp.example.");
  EXPECT_EQ(Evaluate(rules, "node.kafka.mesos.").what, "rewritten node.fw-kafka.svc.corp.example.");
  EXPECT_EQ(Evaluate(rules, "web.marathon.containerip.dcos.thisdcos.directory.").what,
            "rewritten web-pods.apps.svc.corp.example.");
  EXPECT_EQ(Evaluate(rules, "kafka-1-broker.kafka.autoip.dcos.thisdcos.directory.").what,
            "rewritten kafka-1.kafka-pods.fw-kafka.svc.corp.example.");
  // The default cluster domain is no longer special.
  EXPECT_EQ(Evaluate(rules, "foo.bar.marathon.mesos.cluster.local.").what, "no match");
  DCOS_NEEDS_LOCAL_RULES();
  const auto search = Evaluate(rules, "foo.bar.marathon.mesos.ns.svc.corp.example.");
  EXPECT_EQ(search.what, "local NXDOMAIN");
  EXPECT_EQ(search.soa, "corp.example.");
}

TEST(DcosPreset, StaticTargetsReplaceNxdomain) {
  const auto loaded = LoadCorefile(PresetCorefile(
      "        static leader kubernetes.default.svc.cluster.local\n"
      "        static master kubernetes.default.svc.cluster.local\n"
      "        static slave nodes.infra.svc.cluster.local\n"
      "        static agentip nodes.infra.svc.cluster.local\n"
      "        static mesos-dns kube-dns.kube-system.svc.cluster.local\n"));
  ASSERT_TRUE(loaded.rule_set);
  const RuleSet& rules = *loaded.rule_set;
  for (const char* name : {"leader.mesos.", "_leader._tcp.mesos.", "master.mesos.", "master2.mesos."}) {
    EXPECT_EQ(Evaluate(rules, name).what, "rewritten kubernetes.default.svc.cluster.local.") << name;
  }
  EXPECT_EQ(Evaluate(rules, "foo.marathon.slave.mesos.").what, "rewritten nodes.infra.svc.cluster.local.");
  EXPECT_EQ(Evaluate(rules, "slave.mesos.").family, "slave");
  EXPECT_EQ(Evaluate(rules, "a.marathon.agentip.dcos.thisdcos.directory.").what,
            "rewritten nodes.infra.svc.cluster.local.");
  EXPECT_EQ(Evaluate(rules, "ns1.mesos.").what, "rewritten kube-dns.kube-system.svc.cluster.local.");
}

// The preset stands where its line stands: rules before it win, rules after it see what it leaves.
TEST(DcosPreset, TakesItsPlaceInTheRuleOrder) {
  const auto loaded = LoadCorefile(
      ".:53 {\n"
      "    rewrite name exact special.marathon.mesos special.ops.svc.cluster.local\n"
      "    rewrite dnsd_dcos\n"
      "    rewrite name suffix .example.org .example.net\n"
      "}\n");
  ASSERT_TRUE(loaded.rule_set);
  const RuleSet& rules = *loaded.rule_set;
  EXPECT_EQ(Evaluate(rules, "special.marathon.mesos.").what, "rewritten special.ops.svc.cluster.local.");
  EXPECT_EQ(Evaluate(rules, "special.marathon.mesos.").family, "");
  EXPECT_EQ(Evaluate(rules, "other.marathon.mesos.").what, "rewritten other.default.svc.cluster.local.");
  EXPECT_EQ(Evaluate(rules, "a.example.org.").what, "rewritten a.example.net.");
  EXPECT_EQ(rules.rules().front().family, "");
  EXPECT_EQ(rules.rules().back().family, "");
  for (std::size_t i = 0; i < rules.rules().size(); ++i) EXPECT_EQ(rules.rules()[i].index, i);
}

// The naive evaluator (the specification) agrees with the compiled rule set on every case.
TEST(DcosPreset, CompiledAgreesWithNaive) {
  const RuleSet& rules = DefaultPreset();
  for (const char* name : {"foo.bar.marathon.mesos.", "_a._tcp.marathon.mesos.", "leader.mesos.", "mesos.",
                           "x.y.marathon.mesos.svc.cluster.local.", "kafka-0-broker.kafka.autoip.dcos.thisdcos.directory.",
                           "a.marathon.l4lb.thisdcos.global.", "z.unknown.mesos.", "example.com."}) {
    Question q;
    q.name.Assign(name);
    q.qtype = 1;
    q.qclass = 1;
    auto compiled = std::make_unique<Outcome>(), naive = std::make_unique<Outcome>();
    rules.Evaluate(q, *compiled);
    EvaluateNaive(rules.rules(), q, *naive);
    EXPECT_EQ(compiled->status, naive->status) << name;
    EXPECT_EQ(compiled->question.name.view(), naive->question.name.view()) << name;
    ASSERT_EQ(compiled->applied_count, naive->applied_count) << name;
    for (std::size_t i = 0; i < compiled->applied_count; ++i) EXPECT_EQ(compiled->applied[i], naive->applied[i]);
  }
}

// Every regex of the preset is behind a literal of a legacy zone, so a Kubernetes or Internet name
// never runs one (the preset costs such queries a literal scan, not 27 regexes).
TEST(DcosPreset, RegexesArePrefilteredOnLegacyZones) {
  const RuleSet& rules = DefaultPreset();
  std::size_t regexes = 0;
  for (const Rule& rule : rules.rules()) {
    const NameMatch* match = nullptr;
    if (const auto* name = std::get_if<NameRule>(&rule.body)) match = &name->match;
    if (const auto* local = std::get_if<LocalRule>(&rule.body)) match = &local->match;
    ASSERT_NE(match, nullptr) << rule.text;
    if (match->kind != MatchKind::kRegex) continue;
    ++regexes;
    const std::string literal = detail::RequiredLiteral(match->pattern);
    EXPECT_TRUE(literal.find("mesos.") != std::string::npos || literal.find("thisdcos.") != std::string::npos)
        << match->pattern << " is keyed on \"" << literal << "\"";
    if (std::holds_alternative<NameRule>(rule.body) || dcos_test::LocalRulesEvaluated()) {
      EXPECT_EQ(rules.IndexKind(rule.index), "regex-prefiltered") << rule.text;
    }
  }
  EXPECT_GT(regexes, 20u);
}

}  // namespace
}  // namespace dnsd::rules
