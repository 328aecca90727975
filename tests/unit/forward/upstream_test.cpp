#include "dnsd/plugins/forward/upstream.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>

#include "dnsd/plugins/forward/forwarder.hpp"
#include "dnsd/random/seeded_random.hpp"

namespace dnsd::plugins::forward {
namespace {

namespace ip = boost::asio::ip;

std::vector<ip::udp::endpoint> Endpoints(int n) {
  std::vector<ip::udp::endpoint> out;
  for (int i = 0; i < n; ++i) {
    out.emplace_back(ip::make_address_v4(0x0A000001u + static_cast<unsigned>(i)), 53);
  }
  return out;
}

std::vector<int> OrderOf(UpstreamPool& pool, random::RandomSource& rng) {
  std::array<std::uint8_t, kMaxUpstreams> order{};
  pool.Order({order.data(), pool.size()}, rng);
  return {order.begin(), order.begin() + static_cast<std::ptrdiff_t>(pool.size())};
}

TEST(ForwardPolicy, SequentialKeepsTheConfiguredOrder) {
  UpstreamPool pool(Endpoints(3), Policy::kSequential);
  random::SeededRandom rng(1);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(OrderOf(pool, rng), (std::vector<int>{0, 1, 2}));
}

TEST(ForwardPolicy, RoundRobinStartsOneFurtherEachQuery) {
  UpstreamPool pool(Endpoints(3), Policy::kRoundRobin);
  random::SeededRandom rng(1);
  EXPECT_EQ(OrderOf(pool, rng), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(OrderOf(pool, rng), (std::vector<int>{1, 2, 0}));
  EXPECT_EQ(OrderOf(pool, rng), (std::vector<int>{2, 0, 1}));
  EXPECT_EQ(OrderOf(pool, rng), (std::vector<int>{0, 1, 2}));
}

TEST(ForwardPolicy, RandomIsAPermutationThatVaries) {
  UpstreamPool pool(Endpoints(4), Policy::kRandom);
  random::SeededRandom rng(42);
  std::set<std::vector<int>> seen;
  for (int i = 0; i < 200; ++i) {
    auto order = OrderOf(pool, rng);
    auto sorted = order;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, (std::vector<int>{0, 1, 2, 3}));
    seen.insert(order);
  }
  EXPECT_GT(seen.size(), 10u);
}

TEST(ForwardHealth, UpstreamIsDownOnlyAfterMoreThanMaxFails) {
  Upstream upstream(ip::udp::endpoint(ip::make_address("127.0.0.1"), 53));
  EXPECT_FALSE(upstream.Down(2));
  upstream.fails = 2;
  EXPECT_FALSE(upstream.Down(2));
  upstream.fails = 3;
  EXPECT_TRUE(upstream.Down(2));
  EXPECT_FALSE(upstream.Down(0)) << "max_fails 0 means never down";
}

TEST(ForwardZone, OnlyNamesUnderFromAndNotExceptedAreForwarded) {
  Options options;
  options.from = "example.org.";
  options.except = {"internal.example.org."};
  options.upstreams = Endpoints(1);
  SharedState shared(options);
  auto name = [](const char* text) {
    wire::Name n;
    wire::Name::FromString(text, n);
    return n;
  };
  EXPECT_TRUE(shared.Handles(name("example.org.")));
  EXPECT_TRUE(shared.Handles(name("WWW.Example.org.")));
  EXPECT_FALSE(shared.Handles(name("example.com.")));
  EXPECT_FALSE(shared.Handles(name("badexample.org.")));
  EXPECT_FALSE(shared.Handles(name("internal.example.org.")));
  EXPECT_FALSE(shared.Handles(name("a.Internal.example.org.")));
}

TEST(ForwardZone, TheFromApexIsForwardedEvenWhenExcepted) {
  Options options;
  options.from = "example.org.";
  options.except = {"example.org."};
  options.upstreams = Endpoints(1);
  SharedState shared(options);
  wire::Name apex, below;
  wire::Name::FromString("example.org.", apex);
  wire::Name::FromString("www.example.org.", below);
  EXPECT_TRUE(shared.Handles(apex));
  EXPECT_FALSE(shared.Handles(below));
}

TEST(ForwardHealth, FailuresAreCountedOnlyWhenHealthChecksCanUndoThem) {
  Options options;
  options.upstreams = Endpoints(1);
  options.max_fails = 0;
  SharedState no_max(options);
  no_max.ReportFailure(0);
  EXPECT_EQ((*no_max.pool)[0].fails.load(), 0u);

  options.max_fails = 2;
  options.health_check = std::chrono::nanoseconds(0);
  SharedState no_health(options);
  no_health.ReportFailure(0);
  EXPECT_EQ((*no_health.pool)[0].fails.load(), 0u);

  options.health_check = std::chrono::milliseconds(500);
  SharedState counted(options);
  counted.ReportFailure(0);
  counted.ReportFailure(0);
  EXPECT_EQ((*counted.pool)[0].fails.load(), 2u);
}

}  // namespace
}  // namespace dnsd::plugins::forward
