// How dnsd-rules explain/test print LocalRules and preset families (no Corefile syntax makes a
// LocalRule, only the DC/OS preset: the rules are built here).
#include <gtest/gtest.h>

#include <memory>

#include "describe_rule.hpp"

namespace dnsd::rules_tool {
namespace {

std::shared_ptr<const rules::SoaParams> MesosSoa() {
  auto soa = std::make_shared<rules::SoaParams>();
  soa->zone = "mesos.";
  soa->mname = "ns1.mesos.";
  soa->rname = "root.ns1.mesos.";
  soa->serial = 1700000000;
  return soa;
}

rules::Rule Local(rules::MatchKind kind, std::string pattern, std::uint16_t rcode) {
  rules::Rule rule;
  rule.body = rules::LocalRule{{kind, std::move(pattern)}, rcode};
  rule.soa = MesosSoa();
  rule.text = "ignored for local rules";
  return rule;
}

rules::Question Q(std::string_view name, std::uint16_t qtype) {
  rules::Question q;
  q.name.Assign(name);
  q.qtype = qtype;
  q.qclass = 1;
  return q;
}

TEST(DescribeRule, LocalRuleShowsRcodeMatchAndSoaZone) {
  rules::Rule rule = Local(rules::MatchKind::kSuffix, ".slave.mesos.", 3);
  EXPECT_EQ(RuleText(rule), "local NXDOMAIN suffix .slave.mesos. (soa mesos.)");
  rule.family = "slave";
  EXPECT_EQ(RuleText(rule), "local NXDOMAIN suffix .slave.mesos. (soa mesos.)  (family slave)");
  rule.soa = nullptr;
  rule.body = rules::LocalRule{{rules::MatchKind::kRegex, "^x$"}, 0};
  rule.family.clear();
  EXPECT_EQ(RuleText(rule), "local NOERROR regex ^x$");
}

TEST(DescribeRule, OtherRulesAreShownAsWrittenWithTheirFamily) {
  rules::Rule rule;
  rule.body = rules::NameRule{{rules::MatchKind::kExact, "a."}, "b.", {}};
  rule.text = "rewrite name exact a. b.";
  EXPECT_EQ(RuleText(rule), "rewrite name exact a. b.");
  rule.family = "marathon";
  EXPECT_EQ(RuleText(rule), "rewrite name exact a. b.  (family marathon)");
}

TEST(DescribeRule, LocalAnswerNamesTheSectionOfTheSoa) {
  const std::string soa = "mesos. 60 IN SOA ns1.mesos. root.ns1.mesos. 1700000000 60 600 86400 60";
  EXPECT_EQ(LocalAnswer(Local(rules::MatchKind::kSuffix, ".mesos.", 3), Q("a.mesos.", 1)),
            "answered locally: NXDOMAIN\n  authority: " + soa + "\n");
  EXPECT_EQ(LocalAnswer(Local(rules::MatchKind::kExact, "mesos.", 0), Q("mesos.", 6)),
            "answered locally: NOERROR\n  answer: " + soa + "\n");
  EXPECT_EQ(LocalAnswer(Local(rules::MatchKind::kExact, "mesos.", 0), Q("mesos.", 1)),
            "answered locally: NOERROR\n  authority: " + soa + "\n");
  rules::Rule bare = Local(rules::MatchKind::kExact, "leader.mesos.", 3);
  bare.soa = nullptr;
  EXPECT_EQ(LocalAnswer(bare, Q("leader.mesos.", 1)), "answered locally: NXDOMAIN (no SOA)\n");
  EXPECT_EQ(RcodeName(9), "RCODE9");
}

}  // namespace
}  // namespace dnsd::rules_tool
