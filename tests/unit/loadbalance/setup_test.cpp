// Corefile syntax of `loadbalance` (CoreDNS 1.11): round_robin is the default and only policy
// dnsd has; every bad line is an error that points.
#include <gtest/gtest.h>

#include <string>

#include "dnsd/plugins/loadbalance/setup.hpp"
#include "../log/support.hpp"

namespace dnsd::plugins::loadbalance {
namespace {

config::Directive DirectiveOf(const std::string& text) {
  auto directives = log::testing::Directives(". {\n" + text + "\n}\n");
  return directives.empty() ? config::Directive{} : directives[0];
}

struct Good {
  const char* name;
  const char* text;
};

class LoadBalanceSetupAccepts : public ::testing::TestWithParam<Good> {};

TEST_P(LoadBalanceSetupAccepts, TheRoundRobinPolicy) {
  auto parsed = ParsePolicy(DirectiveOf(GetParam().text));
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  EXPECT_EQ(*parsed.value, Policy::kRoundRobin);
}

INSTANTIATE_TEST_SUITE_P(Lines, LoadBalanceSetupAccepts,
                         ::testing::Values(Good{"NoArgumentMeansRoundRobin", "loadbalance"},
                                           Good{"RoundRobinByName", "loadbalance round_robin"}),
                         [](const auto& info) { return std::string(info.param.name); });

struct Bad {
  const char* name;
  const char* text;
  const char* error;
};

class LoadBalanceSetupRefuses : public ::testing::TestWithParam<Bad> {};

TEST_P(LoadBalanceSetupRefuses, WithAnErrorThatPoints) {
  auto parsed = ParsePolicy(DirectiveOf(GetParam().text));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error.ToString(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Lines, LoadBalanceSetupRefuses,
    ::testing::Values(
        Bad{"AnUnknownPolicy", "loadbalance fleeb",
            "Corefile:2:13: loadbalance: unknown policy \"fleeb\" (want round_robin or weighted)"},
        Bad{"AnArgumentAfterRoundRobin", "loadbalance round_robin a",
            "Corefile:2:25: loadbalance: unexpected argument \"a\" (want loadbalance [round_robin])"},
        Bad{"TheWeightedPolicy", "loadbalance weighted wfile",
            "Corefile:2:13: loadbalance: policy \"weighted\" is not supported by dnsd (want "
            "loadbalance [round_robin])"},
        Bad{"TheWeightedPolicyWithABlock", "loadbalance weighted wfile {\n reload 10s\n}",
            "Corefile:2:13: loadbalance: policy \"weighted\" is not supported by dnsd (want "
            "loadbalance [round_robin])"},
        Bad{"APropertyOfLaterCoreDns", "loadbalance round_robin {\n prefer 10.0.0.0/8\n}",
            "Corefile:3:2: loadbalance: unknown property \"prefer\" (want loadbalance [round_robin])"},
        Bad{"AnEmptyBlock", "loadbalance {\n}",
            "Corefile:2:1: loadbalance: unexpected block (want loadbalance [round_robin])"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace dnsd::plugins::loadbalance
