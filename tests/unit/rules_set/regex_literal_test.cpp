// The regex prefilter's literal must be contained in every match, or the compiled RuleSet would
// skip a regex that matches. "" (no prefilter) is always safe.
#include <gtest/gtest.h>

#include "regex_literal.hpp"

namespace dnsd::rules::detail {
namespace {

TEST(RequiredLiteral, TakesTheLongestTopLevelRun) {
  EXPECT_EQ(RequiredLiteral(R"((.*)\.(.*)\.marathon\.mesos)"), ".marathon.mesos");
  EXPECT_EQ(RequiredLiteral(R"(^foo\.(.*)\.svc\.cluster\.local\.$)"), ".svc.cluster.local.");
  EXPECT_EQ(RequiredLiteral("abc"), "abc");
}

TEST(RequiredLiteral, DropsQuantifiedCharacters) {
  EXPECT_EQ(RequiredLiteral("abc?d"), "ab");
  EXPECT_EQ(RequiredLiteral("ab*cd"), "cd");
  EXPECT_EQ(RequiredLiteral("xa+yz"), "yz");
  EXPECT_EQ(RequiredLiteral("abc{2,3}de"), "ab");
  EXPECT_EQ(RequiredLiteral(R"(a\.?bcd)"), "bcd");
}

TEST(RequiredLiteral, IgnoresGroupsAndClasses) {
  EXPECT_EQ(RequiredLiteral("(abcdef)xy"), "xy");
  EXPECT_EQ(RequiredLiteral("[a-z.]+mesos"), "mesos");
  EXPECT_EQ(RequiredLiteral(R"([]x)]ab)"), "ab");
  EXPECT_EQ(RequiredLiteral(R"(ab\dcde)"), "cde");
}

TEST(RequiredLiteral, GivesUpWhenUnsure) {
  EXPECT_EQ(RequiredLiteral("abc|def"), "");
  EXPECT_EQ(RequiredLiteral("(?i)abc"), "");
  EXPECT_EQ(RequiredLiteral(R"(\x41bc)"), "");
  EXPECT_EQ(RequiredLiteral(R"(\Qa.b\E)"), "");
  EXPECT_EQ(RequiredLiteral(".*"), "");
  EXPECT_EQ(RequiredLiteral("a{x"), "");
}

TEST(RequiredLiteral, AlternationInsideAGroupKeepsTopLevelLiterals) {
  EXPECT_EQ(RequiredLiteral(R"((a|b)\.mesos)"), ".mesos");
}

}  // namespace
}  // namespace dnsd::rules::detail
