// The reverter and the upstream query builder run once per forwarded query: they must not touch
// the heap. Counted by replacing the global operator new for this test binary.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "support.hpp"

#include "../../support/counting_operator_new.hpp"

using dnsd::testing::g_allocations;

namespace dnsd::rules::testing {
namespace {

constexpr std::uint16_t kA = 1, kIN = 1;

struct Fixture {
  std::vector<Rule> rules;
  Outcome outcome;
  Bytes query;
  Bytes response;
};

Fixture SuffixAuto() {
  Fixture f;
  f.rules = Indexed({MakeRule(Name(MatchKind::kSuffix, ".marathon.mesos.", ".svc.cluster.local.", {Auto()})),
                     MakeRule(TtlRule{{MatchKind::kSuffix, ".svc.cluster.local."}, 5, 60})});
  f.outcome = MakeOutcome("web.shop.svc.cluster.local.", kA, kIN, {0, 1});
  f.query = ClientQuery("Web.Shop.Marathon.Mesos", kA, kIN, Bytes{});
  Upstream u;
  u.question = "web.shop.svc.cluster.local.";
  u.answer = {"web.shop.svc.cluster.local. 30 IN CNAME real.shop.svc.cluster.local.",
              "real.shop.svc.cluster.local. 30 IN A 10.0.0.1",
              "real.shop.svc.cluster.local. 30 IN A 10.0.0.2"};
  u.edns_options = Bytes{};
  f.response = UpstreamWire(u);
  return f;
}

Fixture RegexAutoWithValue() {
  Fixture f;
  f.rules = Indexed({MakeRule(Name(MatchKind::kRegex, R"((.*)\.(.*)\.marathon\.mesos)",
                                   "{1}.{2}-default.svc.cluster.local",
                                   {Auto(), AnswerValue(R"((.*)\.svc\.cluster\.local)", "{1}.marathon.mesos")}))});
  f.outcome = MakeOutcome("foo.bar-default.svc.cluster.local.", kA, kIN, {0});
  f.query = ClientQuery("FoO.BaR.Marathon.Mesos", kA);
  Upstream u;
  u.question = "foo.bar-default.svc.cluster.local.";
  u.answer = {"foo.bar-default.svc.cluster.local. 30 IN A 10.0.0.1"};
  f.response = UpstreamWire(u);
  return f;
}

TEST(RevertHotPath, DoesNotAllocateForSuffixAutoWithTtl) {
  const Fixture f = SuffixAuto();
  const Reverter reverter(std::span<const Rule>(f.rules), f.outcome, f.query);
  std::array<std::uint8_t, 4096> out;
  ASSERT_GT(reverter.Revert(f.response, out), 0u);
  const long before = g_allocations.load();
  const std::size_t n = reverter.Revert(f.response, out);
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_GT(n, 0u);
}

TEST(RevertHotPath, DoesNotAllocateForRegexAutoOnceTheRegexIsCached) {
  const Fixture f = RegexAutoWithValue();
  const Reverter reverter(std::span<const Rule>(f.rules), f.outcome, f.query);
  std::array<std::uint8_t, 4096> out;
  ASSERT_GT(reverter.Revert(f.response, out), 0u);  // compiles and caches the regexes
  const long before = g_allocations.load();
  const std::size_t n = reverter.Revert(f.response, out);
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_GT(n, 0u);
}

TEST(RevertHotPath, BuildingTheUpstreamQueryDoesNotAllocate) {
  Edns0Rule ecs;
  ecs.option = Edns0Rule::Option::kSubnet;
  ecs.v4_bits = 24;
  Fixture f = SuffixAuto();
  f.rules.push_back(MakeRule(ecs));
  f.rules = Indexed(f.rules);
  f.outcome = MakeOutcome("web.shop.svc.cluster.local.", kA, kIN, {0, 2});
  const RequestContext context{"192.0.2.1", 5353, "10.0.0.53", 53, "udp"};
  std::array<std::uint8_t, 4096> out;
  const long before = g_allocations.load();
  const std::size_t n = BuildUpstreamQuery(std::span<const Rule>(f.rules), f.outcome, f.query, context, out);
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_GT(n, 0u);
}

// Not a benchmark (bench/ has those): a guard against an accidental slow path. Prints the figure.
TEST(RevertHotPath, RevertsATypicalResponseInAboutAMicrosecond) {
  const Fixture f = SuffixAuto();
  const Reverter reverter(std::span<const Rule>(f.rules), f.outcome, f.query);
  std::array<std::uint8_t, 4096> out;
  constexpr int kRounds = 20000;
  std::size_t total = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) total += reverter.Revert(f.response, out);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const double ns = std::chrono::duration<double, std::nano>(elapsed).count() / kRounds;
  std::printf("Revert, suffix auto + ttl, CNAME + 2 A: %.0f ns\n", ns);
  EXPECT_GT(total, 0u);
  EXPECT_LT(ns, 20000.0);  // generous: sanitizer and debug builds, a loaded 2-core machine
}

TEST(RevertHotPath, DoesNotAllocateForANegativeAnswerWithASynthesizedSoa) {
  Rule rule = MakeRule(Name(MatchKind::kSuffix, ".marathon.mesos.", ".svc.cluster.local.", {Auto()}));
  rule.soa = MesosSoa();
  const std::vector<Rule> rules = Indexed({rule});
  const Outcome outcome = MakeOutcome("foo.svc.cluster.local.", kA, kIN, {0});
  const Bytes query = ClientQuery("Foo.Marathon.Mesos.", kA, kIN);
  const Reverter reverter(std::span<const Rule>(rules), outcome, query);
  Upstream upstream;
  upstream.question = "foo.svc.cluster.local.";
  upstream.rcode = LDNS_RCODE_NXDOMAIN;
  upstream.authority = {
      "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5"};
  const Bytes response = UpstreamWire(upstream);
  std::array<std::uint8_t, 4096> out;
  ASSERT_GT(reverter.Revert(response, out), 0u);
  const long before = g_allocations.load();
  const std::size_t n = reverter.Revert(response, out);
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_GT(n, 0u);
}

TEST(LocalResponseHotPath, DoesNotAllocate) {
  Rule local = MakeRule(LocalRule{{MatchKind::kSuffix, ".slave.mesos."}, 3});
  local.soa = MesosSoa();
  const std::vector<Rule> rules = Indexed({local});
  Outcome outcome = MakeOutcome("a.slave.mesos.", kA, kIN, {0});
  outcome.status = Outcome::Status::kLocal;
  const Bytes query = ClientQuery("a.slave.mesos.", kA, kIN, Bytes{});
  std::array<std::uint8_t, 512> out;
  const long before = g_allocations.load();
  const std::size_t n = BuildLocalResponse(rules, outcome, query, out);
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_GT(n, 0u);
}

}  // namespace
}  // namespace dnsd::rules::testing
