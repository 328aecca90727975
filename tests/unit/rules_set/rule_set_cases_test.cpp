// CASES.md through the library (question in -> question out + applied rules), plus CoreDNS's
// normalisation edge cases and names a rewrite must refuse. Every case runs through both the
// compiled RuleSet and EvaluateNaive.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rule_builders.hpp"

namespace dnsd::rules::test {
namespace {

using Status = Outcome::Status;
constexpr auto kExact = MatchKind::kExact;
constexpr auto kPrefix = MatchKind::kPrefix;
constexpr auto kSuffix = MatchKind::kSuffix;
constexpr auto kSubstring = MatchKind::kSubstring;
constexpr auto kRegex = MatchKind::kRegex;
constexpr auto kContinue = Mode::kContinue;

struct Case {
  std::string title;
  std::vector<Rule> rules;
  std::string name;
  std::uint16_t qtype = 1, qclass = 1;
  Status status;
  std::string want_name;  // "" = unchanged
  std::uint16_t want_qtype = 0, want_qclass = 0;  // 0 = unchanged
  std::vector<std::uint32_t> applied;
};

void Check(const Case& c) {
  SCOPED_TRACE(c.title);
  auto compiled = RuleSet::Compile(Numbered(c.rules));
  ASSERT_TRUE(compiled.ok()) << compiled.error.message;
  Question in = QuestionOf(c.name, c.qtype, c.qclass);
  Outcome fast, naive;
  compiled.rule_set->Evaluate(in, fast);
  EvaluateNaive(compiled.rule_set->rules(), in, naive);
  for (const Outcome* out : {&fast, &naive}) {
    EXPECT_EQ(out->status, c.status);
    EXPECT_EQ(out->question.name.view(), c.want_name.empty() ? c.name : c.want_name);
    EXPECT_EQ(out->question.qtype, c.want_qtype ? c.want_qtype : c.qtype);
    EXPECT_EQ(out->question.qclass, c.want_qclass ? c.want_qclass : c.qclass);
    EXPECT_EQ(Applied(*out), c.applied);
  }
}

const std::string kRegex6 = R"((.*)\.(.*)\.marathon\.mesos)";

TEST(RuleSetCases, SpecTableGivesTheUpstreamQuestion) {
  std::vector<Case> cases = {
      {"1 exact", {NameRuleOf(kExact, "a.marathon.mesos.", "a.ns-default.svc.cluster.local.")},
       "a.marathon.mesos.", 1, 1, Status::kRewritten, "a.ns-default.svc.cluster.local.", 0, 0, {0}},
      {"2 exact, other name", {NameRuleOf(kExact, "a.marathon.mesos.", "a.ns-default.svc.cluster.local.")},
       "b.marathon.mesos.", 1, 1, Status::kNoMatch, "", 0, 0, {}},
      {"3 suffix", {NameRuleOf(kSuffix, ".marathon.mesos.", ".svc.cluster.local.")},
       "web.shop.marathon.mesos.", 1, 1, Status::kRewritten, "web.shop.svc.cluster.local.", 0, 0, {0}},
      {"4 prefix", {NameRuleOf(kPrefix, "old.", "svc1.")}, "old.ns0-default.svc.cluster.local.", 1, 1,
       Status::kRewritten, "svc1.ns0-default.svc.cluster.local.", 0, 0, {0}},
      {"4 prefix is old. not old", {NameRuleOf(kPrefix, "old.", "svc1.")},
       "old1.ns0-default.svc.cluster.local.", 1, 1, Status::kNoMatch, "", 0, 0, {}},
      {"5 substring", {NameRuleOf(kSubstring, ".legacy.", ".svc.")}, "x.legacy.cluster.local.", 1, 1,
       Status::kRewritten, "x.svc.cluster.local.", 0, 0, {0}},
      {"6 regex groups", {NameRuleOf(kRegex, kRegex6, "{1}.{2}-default.svc.cluster.local")},
       "foo.bar.marathon.mesos.", 1, 1, Status::kRewritten, "foo.bar-default.svc.cluster.local.", 0, 0, {0}},
      {"7 regex, TO template lower-cased",
       {NameRuleOf(kRegex, kRegex6, "{1}.{2}-Default.SVC.cluster.local")}, "foo.bar.marathon.mesos.", 1, 1,
       Status::kRewritten, "foo.bar-default.svc.cluster.local.", 0, 0, {0}},
      {"8 regex one group", {NameRuleOf(kRegex, R"((.*)\.marathon\.mesos)", "{1}.svc.cluster.local")},
       "a.b.marathon.mesos.", 1, 1, Status::kRewritten, "a.b.svc.cluster.local.", 0, 0, {0}},
      {"9 continue then suffix",
       {NameRuleOf(kSuffix, ".marathon.mesos.", ".mesos.internal.", kContinue),
        NameRuleOf(kSuffix, ".mesos.internal.", ".svc.cluster.local.")},
       "a.b.marathon.mesos.", 1, 1, Status::kRewritten, "a.b.svc.cluster.local.", 0, 0, {0, 1}},
      {"10 stop is the default",
       {NameRuleOf(kSuffix, ".marathon.mesos.", ".one.local."), NameRuleOf(kSuffix, ".marathon.mesos.", ".two.local.")},
       "a.marathon.mesos.", 1, 1, Status::kRewritten, "a.one.local.", 0, 0, {0}},
      {"11 type", {TypeRuleOf(255, 13)}, "x.example.org.", 255, 1, Status::kRewritten, "", 13, 0, {0}},
      {"11 type, other type", {TypeRuleOf(255, 13)}, "x.example.org.", 1, 1, Status::kNoMatch, "", 0, 0, {}},
      {"12 class", {ClassRuleOf(3, 1)}, "version.bind.", 16, 3, Status::kRewritten, "", 0, 1, {0}},
      {"13 ttl applies, question unchanged", {TtlRuleOf(kSuffix, ".svc.cluster.local.", 15)},
       "svc1.ns1-default.svc.cluster.local.", 1, 1, Status::kRewritten, "", 0, 0, {0}},
      {"13 a stop ttl rule ends processing",
       {TtlRuleOf(kSuffix, ".svc.cluster.local.", 15), NameRuleOf(kSuffix, ".svc.cluster.local.", ".x.")},
       "a.svc.cluster.local.", 1, 1, Status::kRewritten, "", 0, 0, {0}},
      {"13 a continue ttl rule goes on",
       {TtlRuleOf(kSuffix, ".svc.cluster.local.", 15, kContinue), NameRuleOf(kSuffix, ".svc.cluster.local.", ".x.")},
       "a.svc.cluster.local.", 1, 1, Status::kRewritten, "a.x.", 0, 0, {0, 1}},
      {"15 regex TO over 255 octets",
       {NameRuleOf(kRegex, R"((.*)\.marathon\.mesos)",
                   "{1}." + std::string(60, 'a') + "." + std::string(60, 'b') + "." + std::string(60, 'c') +
                       "." + std::string(60, 'd') + ".svc.cluster.local")},
       "x.marathon.mesos.", 1, 1, Status::kBadName, "", 0, 0, {0}},
      {"16 edns0 always applies", {Edns0RuleOf()}, "any.name.", 1, 1, Status::kRewritten, "", 0, 0, {0}},
  };
  for (const Case& c : cases) Check(c);
}

TEST(RuleSetCases, NameMatchingIsCoreDnsStringMatching) {
  std::vector<Case> cases = {
      {"suffix does not match the bare zone", {NameRuleOf(kSuffix, ".marathon.mesos.", ".svc.")},
       "marathon.mesos.", 1, 1, Status::kNoMatch, "", 0, 0, {}},
      {"suffix without leading dot is a plain string suffix", {NameRuleOf(kSuffix, "esos.", "x.")},
       "a.mesos.", 1, 1, Status::kRewritten, "a.mx.", 0, 0, {0}},
      {"suffix equal to the whole name", {NameRuleOf(kSuffix, "marathon.mesos.", "svc.")},
       "marathon.mesos.", 1, 1, Status::kRewritten, "svc.", 0, 0, {0}},
      {"prefix without trailing dot is a plain string prefix", {NameRuleOf(kPrefix, "ol", "ne")},
       "old1.x.", 1, 1, Status::kRewritten, "ned1.x.", 0, 0, {0}},
      {"prefix spanning labels", {NameRuleOf(kPrefix, "a.b.c", "z.")}, "a.b.cd.", 1, 1,
       Status::kRewritten, "z.d.", 0, 0, {0}},
      {"substring replaces every occurrence", {NameRuleOf(kSubstring, ".x.", ".y.")}, "a.x.b.x.c.", 1, 1,
       Status::kRewritten, "a.y.b.y.c.", 0, 0, {0}},
      {"exact is the whole name", {NameRuleOf(kExact, "b.c.", "z.")}, "a.b.c.", 1, 1, Status::kNoMatch, "", 0, 0, {}},
      {"regex is an unanchored search", {NameRuleOf(kRegex, "mesos", "hit")}, "a.mesos.x.", 1, 1,
       Status::kRewritten, "hit.", 0, 0, {0}},
      {"regex sees the trailing dot", {NameRuleOf(kRegex, R"(^(.*)\.$)", "{1}.z")}, "a.b.", 1, 1,
       Status::kRewritten, "a.b.z.", 0, 0, {0}},
      {"regex {0} is the whole match", {NameRuleOf(kRegex, R"(b\.c)", "{0}.q")}, "a.b.c.", 1, 1,
       Status::kRewritten, "b.c.q.", 0, 0, {0}},
      {"regex unmatched group is empty", {NameRuleOf(kRegex, R"((x)?(a)\.)", "{1}{2}.q")}, "a.", 1, 1,
       Status::kRewritten, "a.q.", 0, 0, {0}},
      {"first match wins in file order",
       {NameRuleOf(kExact, "a.b.", "one."), NameRuleOf(kSuffix, ".b.", ".two."), NameRuleOf(kPrefix, "a.", "three.")},
       "a.b.", 1, 1, Status::kRewritten, "one.", 0, 0, {0}},
      {"later index first in file order wins over the trie's depth",
       {NameRuleOf(kSuffix, "b.", "one."), NameRuleOf(kExact, "a.b.", "two.")}, "a.b.", 1, 1,
       Status::kRewritten, "a.one.", 0, 0, {0}},
      {"continue never goes back to an earlier rule",
       {NameRuleOf(kExact, "b.", "c."), NameRuleOf(kExact, "a.", "b.", kContinue), NameRuleOf(kExact, "x.", "y.")},
       "a.", 1, 1, Status::kRewritten, "b.", 0, 0, {1}},
      {"continue sees the rewritten name",
       {NameRuleOf(kExact, "a.", "b.", kContinue), NameRuleOf(kExact, "a.", "x."), NameRuleOf(kExact, "b.", "c.")},
       "a.", 1, 1, Status::kRewritten, "c.", 0, 0, {0, 2}},
      {"continue past a type rule",
       {TypeRuleOf(1, 28, kContinue), NameRuleOf(kSuffix, ".b.", ".c.")}, "a.b.", 1, 1, Status::kRewritten,
       "a.c.", 28, 0, {0, 1}},
  };
  for (const Case& c : cases) Check(c);
}

TEST(RuleSetCases, IllegalRewrittenNamesAreBadNames) {
  std::string label64(64, 'x');
  std::vector<Case> cases = {
      {"label of 64", {NameRuleOf(kRegex, R"((.*)\.marathon\.mesos)", "{1}" + std::string(63, 'y'))},
       "x.marathon.mesos.", 1, 1, Status::kBadName, "", 0, 0, {0}},
      {"label of 63 is fine", {NameRuleOf(kRegex, R"((.*)\.marathon\.mesos)", "{1}" + std::string(62, 'y'))},
       "x.marathon.mesos.", 1, 1, Status::kRewritten, "x" + std::string(62, 'y') + ".", 0, 0, {0}},
      {"empty label", {NameRuleOf(kExact, "a.", "b..c.")}, "a.", 1, 1, Status::kBadName, "", 0, 0, {0}},
      {"prefix producing a leading dot", {NameRuleOf(kPrefix, "a", "")}, "a.b.", 1, 1, Status::kBadName, "", 0, 0, {0}},
      {"bad name after a continue rule restores the question",
       {NameRuleOf(kExact, "a.", "b.", kContinue), NameRuleOf(kExact, "b.", label64 + ".")}, "a.", 1, 1,
       Status::kBadName, "", 0, 0, {0, 1}},
      {"escaped dots count as label octets",
       {NameRuleOf(kExact, "a.", std::string(31, 'z') + "\\." + std::string(32, 'z') + ".")}, "a.", 1, 1,
       Status::kBadName, "", 0, 0, {0}},
  };
  for (const Case& c : cases) Check(c);
}

TEST(RuleSetCases, LongContinueChainIsTooManyRules) {
  std::vector<Rule> rules;
  for (int i = 0; i < 40; ++i) rules.push_back(TtlRuleOf(kSuffix, ".", 5, kContinue));
  std::vector<std::uint32_t> first32;
  for (std::uint32_t i = 0; i < kMaxAppliedRules; ++i) first32.push_back(i);
  Check({"40 matching continue rules", rules, "a.b.", 1, 1, Status::kTooManyRules, "", 0, 0, first32});
  rules.resize(kMaxAppliedRules);
  Check({"exactly the limit is fine", rules, "a.b.", 1, 1, Status::kRewritten, "", 0, 0, first32});
}

TEST(RuleSetCases, LocalRuleEndsTheChain) {
  Check({"exact local", {LocalRuleOf(kExact, "leader.mesos."), NameRuleOf(kSuffix, ".mesos.", ".x.")},
         "leader.mesos.", 1, 1, Status::kLocal, "", 0, 0, {0}});
  Check({"not matching: the next rule", {LocalRuleOf(kExact, "leader.mesos."), NameRuleOf(kSuffix, ".mesos.", ".x.")},
         "a.mesos.", 1, 1, Status::kRewritten, "a.x.", 0, 0, {1}});
  Check({"continue does not go past a local rule",
         {LocalRuleOf(kSuffix, ".mesos.", 0, kContinue), NameRuleOf(kSuffix, ".mesos.", ".x.")}, "a.mesos.", 1, 1,
         Status::kLocal, "", 0, 0, {0}});
  Check({"after a continue chain: the rewritten question is kept",
         {NameRuleOf(kSuffix, ".old.", ".mesos.", kContinue), LocalRuleOf(kPrefix, "x.")}, "x.a.old.", 1, 1,
         Status::kLocal, "x.a.mesos.", 0, 0, {0, 1}});
  Check({"regex local", {LocalRuleOf(kRegex, R"(^[^.]+\.slave\.mesos\.$)"), NameRuleOf(kSuffix, ".", ".x.")},
         "a.slave.mesos.", 1, 1, Status::kLocal, "", 0, 0, {0}});
  Check({"substring local", {TtlRuleOf(kSuffix, ".", 5, kContinue), LocalRuleOf(kSubstring, ".thisdcos.")},
         "a.thisdcos.directory.", 1, 1, Status::kLocal, "", 0, 0, {0, 1}});
}

TEST(RuleSetCompile, InvalidRegexNamesTheRule) {
  std::vector<Rule> rules = Numbered({NameRuleOf(kExact, "a.", "b."), NameRuleOf(kRegex, "( x", "y")});
  rules[1].pos = SourcePosition{"Corefile", 7, 3};
  auto compiled = RuleSet::Compile(rules);
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.error.pos.line, 7);
  EXPECT_NE(compiled.error.message.find("( x"), std::string::npos);
}

TEST(RuleSetCompile, RulesMustBeNumberedInFileOrder) {
  std::vector<Rule> rules = Numbered({NameRuleOf(kExact, "a.", "b."), NameRuleOf(kExact, "c.", "d.")});
  rules[1].index = 5;
  EXPECT_FALSE(RuleSet::Compile(rules).ok());
}

TEST(RuleSetCompile, PatternLongerThanAnyNameNeverMatches) {
  std::string huge(QuestionName::kCapacity + 1, 'a');
  Check({"huge suffix", {NameRuleOf(kSuffix, huge, "x."), NameRuleOf(kSuffix, "a.", "y.")}, "a.", 1, 1,
         Status::kRewritten, "y.", 0, 0, {1}});
}

TEST(RuleSetCompile, ExplainsWhereEachRuleWasPlaced) {
  auto compiled = RuleSet::Compile(Numbered({
      NameRuleOf(kExact, "a.", "b."), NameRuleOf(kSuffix, ".a.", ".b."), NameRuleOf(kPrefix, "a.", "b."),
      NameRuleOf(kSubstring, "a", "b"), NameRuleOf(kRegex, R"((.*)\.mesos)", "{1}"),
      NameRuleOf(kRegex, "a|b", "c"), TypeRuleOf(1, 28), TtlRuleOf(kSuffix, ".x.", 3)}));
  ASSERT_TRUE(compiled.ok());
  const RuleSet& set = *compiled.rule_set;
  std::vector<std::string_view> kinds;
  for (std::uint32_t i = 0; i < 8; ++i) kinds.push_back(set.IndexKind(i));
  EXPECT_EQ(kinds, (std::vector<std::string_view>{"exact-trie", "suffix-trie", "prefix-index", "substring-scan",
                                                  "regex-prefiltered", "regex-scan", "always", "suffix-trie"}));
  EXPECT_EQ(set.rules().size(), 8u);
  EXPECT_GT(set.MemoryBytes(), 0u);
}

TEST(QuestionName, HoldsUpToItsCapacity) {
  QuestionName name;
  EXPECT_TRUE(name.Assign("foo.bar.marathon.mesos."));
  EXPECT_EQ(name.view(), "foo.bar.marathon.mesos.");
  EXPECT_EQ(name.size(), 23u);
  std::string full(QuestionName::kCapacity, 'a');
  EXPECT_TRUE(name.Assign(full));
  EXPECT_EQ(name.view(), full);
  EXPECT_FALSE(name.Assign(full + "a"));
  EXPECT_EQ(name.view(), full);  // unchanged on failure
}

TEST(QuestionName, MatchingIsOnTheCallersLowerCaseName) {
  // The caller lowers the query name (CoreDNS's state.Name()); rules hold lower-case patterns, so an
  // un-lowered name does not match — the compiled and naive evaluators agree on that too.
  Check({"upper case is not folded here", {NameRuleOf(kExact, "a.marathon.mesos.", "b.")}, "A.Marathon.Mesos.",
         1, 1, Status::kNoMatch, "", 0, 0, {}});
  Check({"lower-cased by the caller", {NameRuleOf(kExact, "a.marathon.mesos.", "b.")}, "a.marathon.mesos.", 1,
         1, Status::kRewritten, "b.", 0, 0, {0}});
}

}  // namespace
}  // namespace dnsd::rules::test
