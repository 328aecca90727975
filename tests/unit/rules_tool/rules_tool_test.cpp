// dnsd-rules check / test / explain, run as the user runs them, on files written per test.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tool_run.hpp"

namespace {

using testing_support::RulesTool;
using testing_support::ToolRun;
using testing_support::Slurp;
namespace fs = std::filesystem;

const char* kCorefile =
    ".:53 {\n"
    "    rewrite name exact a.marathon.mesos a.ns-default.svc.cluster.local\n"
    "    rewrite continue name suffix .marathon.mesos .mesos.internal\n"
    "    rewrite name suffix .mesos.internal .svc.cluster.local answer auto\n"
    "    forward . 127.0.0.1\n"
    "}\n";

const char* kYaml =
    "version: 1\n"
    "rules:\n"
    "  - name:\n"
    "      exact: a.marathon.mesos\n"
    "      to: a.ns-default.svc.cluster.local\n"
    "  - name:\n"
    "      regex: (.*)\\.(.*)\\.marathon\\.mesos\n"
    "      to: \"{1}.{2}-default.svc.cluster.local\"\n"
    "      answer: auto\n";

TEST_F(RulesTool, CheckAcceptsAGoodCorefileAndCountsItsRules) {
  ToolRun r = Tool({"check", Write("Corefile", kCorefile).string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("ok: 3 rules"), std::string::npos) << r.out;
}

TEST_F(RulesTool, CheckAcceptsAGoodYamlRuleSet) {
  ToolRun r = Tool({"check", Write("rules.yaml", kYaml).string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("ok: 2 rules"), std::string::npos) << r.out;
}

TEST_F(RulesTool, CheckTellsYamlByContentWithoutExtension) {
  ToolRun r = Tool({"check", Write("rules", kYaml).string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("ok: 2 rules"), std::string::npos) << r.out;
}

TEST_F(RulesTool, CheckReportsEveryBadLineOfEveryBlockWithPosition) {
  fs::path path = Write("Corefile",
                        ".:53 {\n"
                        "    rewrite name bogus a b\n"
                        "    rewrite name exact ok.a ok.b\n"
                        "}\n"
                        "example.org:53 {\n"
                        "    rewrite ttl exact a.b notanumber\n"
                        "}\n");
  ToolRun r = Tool({"check", path.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(std::regex_search(r.err, std::regex("Corefile:2:[0-9]+: "))) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex("Corefile:6:[0-9]+: "))) << r.err;
}

TEST_F(RulesTool, CheckRefusesACorefileThatDnsdWouldRefuse) {
  ToolRun r = Tool({"check", Write("Corefile", ".:53 {\n    rewrite name exact a.b c.d\n    frobnicate\n}\n").string()});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.err.find("Corefile:3:5: unknown plugin \"frobnicate\""), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("ok"), std::string::npos) << r.out;
}

TEST_F(RulesTool, CheckListsEveryErrorOfACorefileInOnePass) {
  fs::path path = Write("Corefile",
                        ".:53 {\n"
                        "    errors\n"
                        "    kubernetes cluster.local {\n"
                        "        pods insecure\n"
                        "    }\n"
                        "    frobnicate\n"
                        "    rewrite name bogus a b\n"
                        "    forward . 127.0.0.1 {\n"
                        "        max_fails notanumber\n"
                        "    }\n"
                        "}\n"
                        "example.org:53 {\n"
                        "    cache 30 {\n"
                        "        success\n"
                        "    }\n"
                        "}\n");
  ToolRun r = Tool({"check", path.string()});
  EXPECT_EQ(r.code, 1);
  for (const char* where : {"Corefile:3:5: plugin \"kubernetes\" is not supported by dnsd: dnsd forwards cluster names to CoreDNS",
                            "Corefile:6:5: unknown plugin \"frobnicate\"",
                            "Corefile:7:18: rewrite: unknown match type \"bogus\"",
                            "Corefile:9:", "Corefile:14:"}) {
    EXPECT_NE(r.err.find(where), std::string::npos) << where << "\n" << r.err;
  }
  EXPECT_NE(r.err.find(": 5 errors"), std::string::npos) << r.err;
}

TEST_F(RulesTool, CheckReportsYamlErrorsWithPosition) {
  fs::path path = Write("bad.yml", "version: 1\nrules:\n  - name:\n      sufix: .a\n      to: .b\n");
  ToolRun r = Tool({"check", path.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(std::regex_search(r.err, std::regex("bad\\.yml:4:7: "))) << r.err;
}

TEST_F(RulesTool, CheckFollowsDnsdRulesLinesIntoTheirFiles) {
  Write("rules.yaml", kYaml);
  fs::path core = Write("Corefile",
                        ".:53 {\n"
                        "    rewrite name exact x.y x.z\n"
                        "    rewrite dnsd_rules rules.yaml {\n"
                        "        reload 10s\n"
                        "    }\n"
                        "}\n");
  ToolRun r = Tool({"check", core.string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("ok: 3 rules"), std::string::npos) << r.out;
  Write("rules.yaml", "version: 1\nrules:\n  - name:\n      exact: a\n");
  r = Tool({"check", core.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(std::regex_search(r.err, std::regex("rules\\.yaml:[0-9]+:[0-9]+: "))) << r.err;
}

TEST_F(RulesTool, CheckOfAMissingFileFails) {
  ToolRun r = Tool({"check", (dir_ / "nope.yaml").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(r.err.empty());
}

TEST_F(RulesTool, TestPrintsTheRewrittenQuestionAndEveryAppliedRule) {
  ToolRun r = Tool({"test", Write("Corefile", kCorefile).string(), "Web.Shop.Marathon.Mesos", "AAAA"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("rewritten: web.shop.svc.cluster.local. IN AAAA"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Corefile:3:5: rewrite continue name suffix .marathon.mesos .mesos.internal"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Corefile:4:5: rewrite name suffix .mesos.internal"), std::string::npos) << r.out;
}

TEST_F(RulesTool, TestSaysWhenNoRuleMatches) {
  ToolRun r = Tool({"test", Write("rules.yaml", kYaml).string(), "b.example.org"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("no rule matched"), std::string::npos) << r.out;
}

TEST_F(RulesTool, TestUsesRegexGroups) {
  ToolRun r = Tool({"test", Write("rules.yaml", kYaml).string(), "foo.bar.marathon.mesos."});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("rewritten: foo.bar-default.svc.cluster.local. IN A"), std::string::npos) << r.out;
}

TEST_F(RulesTool, TestRejectsAnUnknownType) {
  ToolRun r = Tool({"test", Write("rules.yaml", kYaml).string(), "a.b", "NOTATYPE"});
  EXPECT_EQ(r.code, 2);
}

TEST_F(RulesTool, ExplainListsRulesInOrderWithTheirIndexKind) {
  ToolRun r = Tool({"explain", Write("rules.yaml", kYaml).string()});
  EXPECT_EQ(r.code, 0) << r.err;
  const auto first = r.out.find("0  exact-trie");
  const auto second = r.out.find("1  regex-");
  EXPECT_NE(first, std::string::npos) << r.out;
  EXPECT_NE(second, std::string::npos) << r.out;
  EXPECT_LT(first, second) << r.out;
}

TEST_F(RulesTool, NoArgumentsPrintsUsage) {
  ToolRun r = Tool({});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("usage"), std::string::npos);
}

// ---- the DC/OS preset (docs/migration.md) -------------------------------------------------------

const char* kDcosCorefile =
    ".:53 {\n"
    "    rewrite dnsd_dcos {\n"
    "        mappings dcos.yaml\n"
    "        static leader kubernetes.default.svc.cluster.local\n"
    "    }\n"
    "    forward . 127.0.0.1\n"
    "}\n";

const char* kDcosTable =
    "apps:\n"
    "  - id: /prod/pay/api\n"
    "    ports: [http, grpc]\n";

TEST_F(RulesTool, CheckAcceptsThePreset) {
  Write("dcos.yaml", kDcosTable);
  ToolRun r = Tool({"check", Write("Corefile", kDcosCorefile).string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("ok: [0-9]+ rules in 1 server block"))) << r.out;
}

TEST_F(RulesTool, CheckReportsPresetErrorsWithPosition) {
  ToolRun r = Tool({"check", Write("Corefile", ".:53 {\n    rewrite dnsd_dcos {\n        namespace a.{group}\n    }\n}\n").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("Corefile:3:19: rewrite: dnsd_dcos: namespace: \"a.{group}\""), std::string::npos) << r.err;
  Write("dcos.yaml", "apps:\n  - id: /a\n    sevice: b\n");
  r = Tool({"check", Write("Corefile", kDcosCorefile).string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("dcos.yaml:3:5: dnsd_dcos mappings: unknown key \"sevice\""), std::string::npos) << r.err;
}

TEST_F(RulesTool, ExplainListsEveryPresetRuleWithItsFamily) {
  Write("dcos.yaml", kDcosTable);
  ToolRun r = Tool({"explain", Write("Corefile", kDcosCorefile).string()});
  EXPECT_EQ(r.code, 0) << r.err;
  for (const char* family : {"search-path", "table", "srv", "marathon", "slave", "leader", "master", "mesos-dns",
                             "framework", "autoip", "containerip", "sdk", "agentip", "l4lb", "zone"}) {
    EXPECT_NE(r.out.find("(family " + std::string(family) + ")"), std::string::npos) << family << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("rewrite name exact api-pay-prod.marathon.mesos. api.pay-prod-default.svc.cluster.local."),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("rewrite name regex ^([a-z0-9-]+)\\.([a-z0-9-]+)\\.marathon\\.mesos\\.$ "
                       "{1}.{2}-default.svc.cluster.local. answer auto"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("rewrite name exact leader.mesos. kubernetes.default.svc.cluster.local."), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Corefile:2:5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dcos.yaml:2:9"), std::string::npos) << r.out;
}

TEST_F(RulesTool, TestResolvesLegacyNamesThroughThePreset) {
  Write("dcos.yaml", kDcosTable);
  const std::string corefile = Write("Corefile", kDcosCorefile).string();
  ToolRun r = Tool({"test", corefile, "Foo.Bar.Marathon.Mesos"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("rewritten: foo.bar-default.svc.cluster.local. IN A"), std::string::npos) << r.out;
  r = Tool({"test", corefile, "_grpc._api-pay-prod._tcp.marathon.mesos", "SRV"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("rewritten: _grpc._tcp.api.pay-prod-default.svc.cluster.local. IN SRV"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("dcos.yaml:2:9: rewrite name exact _grpc._api-pay-prod._tcp.marathon.mesos."), std::string::npos)
      << r.out;
  r = Tool({"test", corefile, "leader.mesos"});
  EXPECT_NE(r.out.find("rewritten: kubernetes.default.svc.cluster.local. IN A"), std::string::npos) << r.out;
}

// Local answers: NXDOMAIN for families without a Kubernetes name, the search-path variants.
TEST_F(RulesTool, TestShowsTheLocalAnswersOfThePreset) {
  Write("dcos.yaml", kDcosTable);
  const std::string corefile = Write("Corefile", kDcosCorefile).string();
  ToolRun r = Tool({"test", corefile, "x.marathon.slave.mesos"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("answered locally: NXDOMAIN\n  authority: mesos. 60 IN SOA ns1.mesos. root.ns1.mesos. "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Corefile:2:5: local NXDOMAIN regex ^([^.]+\\.)*slave\\.mesos\\.$ (soa mesos.)  (family slave)"),
            std::string::npos)
      << r.out;
  r = Tool({"test", corefile, "foo.bar.marathon.mesos.ns.svc.cluster.local"});
  EXPECT_NE(r.out.find("authority: cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(family search-path)"), std::string::npos) << r.out;
  r = Tool({"test", corefile, "mesos", "SOA"});
  EXPECT_NE(r.out.find("answered locally: NOERROR\n  answer: mesos. 60 IN SOA"), std::string::npos) << r.out;
}

TEST_F(RulesTool, ImportMarathonWritesTheMappingTable) {
  const std::string apps = std::string(DNSD_DCOS_FIXTURES) + "/marathon_apps.json";
  ToolRun r = Tool({"import-marathon", apps});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("  - id: \"/prod/pay/api\"\n    ports: [\"http\", \"grpc\"]\n"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("import-marathon: 5 apps, 3 VIPs"), std::string::npos) << r.err;
  r = Tool({"import-marathon", apps, "-o", (dir_ / "dcos.yaml").string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(Slurp(dir_ / "dcos.yaml").find("mesos_dns_names: false"), std::string::npos);
  // The written table serves the preset.
  r = Tool({"test", Write("Corefile", kDcosCorefile).string(), "payapi.marathon.l4lb.thisdcos.directory"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("rewritten: api.pay-prod-default.svc.cluster.local. IN A"), std::string::npos) << r.out;
}

TEST_F(RulesTool, ImportMarathonReportsBadJsonWithPosition) {
  ToolRun r = Tool({"import-marathon", Write("apps.json", "{\"apps\": [\n  {\"cmd\": 1}\n]}\n").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("apps.json:2:3: import-marathon: an app without \"id\""), std::string::npos) << r.err;
  r = Tool({"import-marathon", (dir_ / "missing.json").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot read the file"), std::string::npos) << r.err;
}

}  // namespace
