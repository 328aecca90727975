// `rewrite dnsd_shadow PATH [{ reload D }]` and `rewrite dnsd_shadow { LINES }`: parsed into the
// shadow source apart from the live rules; every misuse refused at file:line:column.
#include <gtest/gtest.h>

#include <fstream>

#include "dnsd/config/corefile.hpp"
#include "rules/rule_sources.hpp"

namespace dnsd::rules {
namespace {

config::Parsed<RuleSources> ParseBlock(const std::string& body) {
  auto corefile = config::ParseCorefile(". {\n" + body + "}\n", "/etc/dnsd/Corefile");
  EXPECT_TRUE(corefile.ok()) << corefile.error.ToString();
  std::vector<const config::Directive*> directives;
  for (const auto& d : corefile.value->blocks.at(0).directives) directives.push_back(&d);
  return ParseDirectives(directives);
}

TEST(ShadowParse, InlineLinesAreTheShadowSetNotLiveRules) {
  auto parsed = ParseBlock(
      "    rewrite name exact a.mesos. b.svc.\n"
      "    rewrite dnsd_shadow {\n"
      "        name suffix .marathon.mesos. .default.svc.cluster.local.\n"
      "        continue name exact x.mesos. y.mesos.\n"
      "    }\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  ASSERT_EQ(parsed.value->pieces.size(), 1u);
  EXPECT_EQ(parsed.value->pieces[0].rules.size(), 1u);
  ASSERT_TRUE(parsed.value->shadow);
  const ShadowSource& shadow = *parsed.value->shadow;
  EXPECT_FALSE(shadow.file);
  ASSERT_EQ(shadow.rules.size(), 2u);
  EXPECT_EQ(shadow.rules[0].pos.line, 4);
  EXPECT_EQ(shadow.rules[1].mode, Mode::kContinue);
  EXPECT_EQ(shadow.Name(), "/etc/dnsd/Corefile:3");
  RuleSet::Compiled compiled = AssembleShadow(shadow);
  ASSERT_TRUE(compiled.ok()) << compiled.error.ToString();
  Question q;
  ASSERT_TRUE(q.name.Assign("web.marathon.mesos."));
  q.qtype = 1;
  q.qclass = 1;
  Outcome out;
  compiled.rule_set->Evaluate(q, out);
  EXPECT_EQ(out.status, Outcome::Status::kRewritten);
  EXPECT_EQ(out.question.name.view(), "web.default.svc.cluster.local.");
}

TEST(ShadowParse, FileFormResolvesAgainstTheCorefileAndTakesReload) {
  auto parsed = ParseBlock("    rewrite dnsd_shadow shadow.yaml {\n        reload 2s\n    }\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  ASSERT_TRUE(parsed.value->shadow && parsed.value->shadow->file);
  EXPECT_EQ(parsed.value->shadow->file->path, "/etc/dnsd/shadow.yaml");
  EXPECT_EQ(parsed.value->shadow->file->reload, std::chrono::seconds(2));
  EXPECT_EQ(parsed.value->ShortestReload(), std::chrono::seconds(2));
  EXPECT_EQ(parsed.value->shadow->Name(), "/etc/dnsd/shadow.yaml");
  EXPECT_TRUE(parsed.value->pieces.empty());
}

TEST(ShadowParse, FileIsCompiledOnItsOwn) {
  const std::string path = ::testing::TempDir() + "/shadow_parse_test.yaml";
  std::ofstream(path) << "version: 1\nrules:\n  - name:\n      exact: a.mesos\n      to: b.mesos\n";
  auto parsed = ParseBlock("    rewrite dnsd_shadow " + path + "\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  FileStamp stamp;
  RuleSet::Compiled compiled = AssembleShadow(*parsed.value->shadow, &stamp);
  ASSERT_TRUE(compiled.ok()) << compiled.error.ToString();
  EXPECT_EQ(compiled.rule_set->rules().size(), 1u);
  EXPECT_TRUE(stamp.exists);
}

TEST(ShadowParse, MissingFileSaysDnsdShadowWhereTheCorefileNamesIt) {
  auto parsed = ParseBlock("    rewrite dnsd_shadow /nonexistent/shadow.yaml\n");
  ASSERT_TRUE(parsed.ok());
  RuleSet::Compiled compiled = AssembleShadow(*parsed.value->shadow);
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.error.pos.line, 2);
  EXPECT_EQ(compiled.error.pos.column, 25);
  EXPECT_TRUE(compiled.error.message.starts_with("rewrite: dnsd_shadow: /nonexistent/shadow.yaml: ")) << compiled.error.message;
}

struct BadShadow {
  const char* label;
  std::string body;
  std::string error;
};
class ShadowMisuse : public ::testing::TestWithParam<BadShadow> {};

TEST_P(ShadowMisuse, IsRefusedAtTheToken) {
  auto parsed = ParseBlock(GetParam().body);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error.ToString(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Lines, ShadowMisuse,
    ::testing::Values(
        BadShadow{"Bare", "    rewrite dnsd_shadow\n",
                  "/etc/dnsd/Corefile:2:13: rewrite: dnsd_shadow: missing PATH of a YAML rule set or a { } block of "
                  "rule lines"},
        BadShadow{"TwoPaths", "    rewrite dnsd_shadow a.yaml b.yaml\n",
                  "/etc/dnsd/Corefile:2:32: rewrite: dnsd_shadow: unexpected argument \"b.yaml\" (want dnsd_shadow "
                  "PATH [{ reload DURATION }] or dnsd_shadow { RULE LINES })"},
        BadShadow{"Twice", "    rewrite dnsd_shadow a.yaml\n    rewrite dnsd_shadow b.yaml\n",
                  "/etc/dnsd/Corefile:3:13: rewrite: dnsd_shadow given twice (one shadow rule set per block)"},
        BadShadow{"UnknownOption", "    rewrite dnsd_shadow a.yaml {\n        relaod 5s\n    }\n",
                  "/etc/dnsd/Corefile:3:9: rewrite: dnsd_shadow: unknown option \"relaod\" (want reload DURATION)"},
        BadShadow{"BadReload", "    rewrite dnsd_shadow a.yaml {\n        reload soon\n    }\n",
                  "/etc/dnsd/Corefile:3:16: rewrite: dnsd_shadow: reload: \"soon\" is not a non-negative duration "
                  "(want e.g. 5s, 1m, 0)"},
        BadShadow{"BadInlineRule", "    rewrite dnsd_shadow {\n        name bogus a b\n    }\n",
                  "/etc/dnsd/Corefile:3:14: rewrite: unknown match type \"bogus\" (want exact, prefix, suffix, "
                  "substring or regex)"},
        BadShadow{"NestedFile", "    rewrite dnsd_shadow {\n        dnsd_rules x.yaml\n    }\n",
                  "/etc/dnsd/Corefile:3:9: rewrite: dnsd_shadow: \"dnsd_rules\" cannot stand inside the shadow "
                  "block (want rewrite rule lines)"}),
    [](const auto& info) { return std::string(info.param.label); });

}  // namespace
}  // namespace dnsd::rules
