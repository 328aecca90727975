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

}  // namespace
