#include "dnsd/plugins/forward/health.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "dnsd/wire/message.hpp"
#include "peer.hpp"
#include "test_util.hpp"

namespace dnsd::plugins::forward {
namespace {

using namespace std::chrono_literals;
using testing::Bytes;
using testing::MakeReply;
using testing::RunFor;
using testing::RunUntil;
using testing::TcpPeer;
using testing::UdpPeer;
namespace ip = boost::asio::ip;

UdpPeer::Behaviour Answer() {
  return [](UdpPeer& peer, const Bytes& q, const ip::udp::endpoint& from) {
    peer.Send(MakeReply(q, 0, 0, false), from);
  };
}

ip::udp::endpoint ClosedPort(boost::asio::io_context& io) {
  ip::udp::socket probe(io, ip::udp::endpoint(ip::make_address("127.0.0.1"), 0));
  auto ep = probe.local_endpoint();
  probe.close();
  return ep;
}

TEST(ForwardProbe, QueryIsRootNsWithRecursionDesired) {
  ProbeSettings settings;
  Bytes query = BuildProbeQuery(settings, 0xBEEF);
  EXPECT_EQ(query, testing::MakeQuery(".", wire::type::kNS, 0xBEEF, true));
}

TEST(ForwardProbe, NoRecClearsRdAndDomainReplacesTheRoot) {
  ProbeSettings settings;
  settings.recursion_desired = false;
  settings.domain = "health.example.org.";
  EXPECT_EQ(BuildProbeQuery(settings, 7),
            testing::MakeQuery("health.example.org.", wire::type::kNS, 7, false));
}

TEST(ForwardProbe, AnyReplyIsHealthy) {
  boost::asio::io_context io;
  UdpPeer peer(io, [](UdpPeer& p, const Bytes& q, const ip::udp::endpoint& from) {
    Bytes reply = MakeReply(q, 0, 0x0005, false);  // REFUSED still counts as alive
    p.Send(reply, from);
  });
  std::optional<bool> result;
  RunProbe(io, peer.endpoint(), ProbeSettings{}, 42, [&](bool ok) { result = ok; });
  ASSERT_TRUE(RunUntil(io, [&] { return result.has_value(); }));
  EXPECT_TRUE(*result);
  ASSERT_EQ(peer.queries.size(), 1u);
  EXPECT_EQ(peer.queries[0], BuildProbeQuery(ProbeSettings{}, 42));
}

TEST(ForwardProbe, SilenceUntilTheTimeoutIsUnhealthy) {
  boost::asio::io_context io;
  UdpPeer peer(io, nullptr);
  ProbeSettings settings;
  settings.timeout = 50ms;
  std::optional<bool> result;
  auto start = std::chrono::steady_clock::now();
  RunProbe(io, peer.endpoint(), settings, 1, [&](bool ok) { result = ok; });
  ASSERT_TRUE(RunUntil(io, [&] { return result.has_value(); }));
  EXPECT_FALSE(*result);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 45ms);
}

TEST(ForwardProbe, ReplyWithAnotherIdIsNotTakenAsHealthy) {
  boost::asio::io_context io;
  UdpPeer peer(io, [](UdpPeer& p, const Bytes& q, const ip::udp::endpoint& from) {
    Bytes reply = MakeReply(q, 0, 0, false);
    reply[1] ^= 1;
    p.Send(reply, from);
  });
  ProbeSettings settings;
  settings.timeout = 50ms;
  std::optional<bool> result;
  RunProbe(io, peer.endpoint(), settings, 1, [&](bool ok) { result = ok; });
  ASSERT_TRUE(RunUntil(io, [&] { return result.has_value(); }));
  EXPECT_FALSE(*result);
}

TEST(ForwardProbe, RefusedPortIsUnhealthyAtOnce) {
  boost::asio::io_context io;
  std::optional<bool> result;
  RunProbe(io, ClosedPort(io), ProbeSettings{}, 1, [&](bool ok) { result = ok; });
  ASSERT_TRUE(RunUntil(
      io, [&] { return result.has_value(); }, 500ms));
  EXPECT_FALSE(*result);
}

TEST(ForwardProbe, ForceTcpProbesOverTcp) {
  boost::asio::io_context io;
  TcpPeer peer(io, [](const Bytes& q) { return std::optional<Bytes>(MakeReply(q, 0, 0, false)); });
  ProbeSettings settings;
  settings.tcp = true;
  std::optional<bool> result;
  RunProbe(io, ip::udp::endpoint(ip::make_address("127.0.0.1"), peer.port()), settings, 9,
           [&](bool ok) { result = ok; });
  ASSERT_TRUE(RunUntil(io, [&] { return result.has_value(); }));
  EXPECT_TRUE(*result);
  EXPECT_EQ(peer.queries.size(), 1u);
}

TEST(ForwardHealthChecker, AReplyResetsFailsAndEndsTheLoop) {
  boost::asio::io_context io;
  UdpPeer peer(io, Answer());
  auto pool = std::make_shared<UpstreamPool>(std::vector{peer.endpoint()}, Policy::kRandom);
  (*pool)[0].fails = 5;
  HealthChecker checker(pool, 20ms, ProbeSettings{});
  checker.Start(io);
  checker.Kick(0);
  ASSERT_TRUE(RunUntil(io, [&] { return (*pool)[0].fails.load() == 0 && !(*pool)[0].probing; }));
  RunFor(io, 100ms);
  EXPECT_EQ(peer.queries.size(), 1u) << "no probes once healthy";
}

TEST(ForwardHealthChecker, SilenceAddsAFailurePerProbeUntilStopped) {
  boost::asio::io_context io;
  UdpPeer peer(io, nullptr);
  auto pool = std::make_shared<UpstreamPool>(std::vector{peer.endpoint()}, Policy::kRandom);
  ProbeSettings settings;
  settings.timeout = 10ms;
  HealthChecker checker(pool, 10ms, settings);
  checker.Start(io);
  checker.Kick(0);
  checker.Kick(0);  // already probing: no second loop
  ASSERT_TRUE(RunUntil(io, [&] { return (*pool)[0].fails.load() >= 3; }));
  EXPECT_TRUE((*pool)[0].probing.load());
  checker.Stop();
  ASSERT_TRUE(RunUntil(io, [&] { return !(*pool)[0].probing.load(); }));
  auto fails = (*pool)[0].fails.load();
  RunFor(io, 60ms);
  EXPECT_LE((*pool)[0].fails.load(), fails + 1);
  std::size_t probes = peer.queries.size();
  RunFor(io, 60ms);
  EXPECT_EQ(peer.queries.size(), probes) << "no probes after Stop()";
}

TEST(ForwardHealthChecker, KickBeforeStartOrWithIntervalZeroDoesNothing) {
  boost::asio::io_context io;
  UdpPeer peer(io, Answer());
  auto pool = std::make_shared<UpstreamPool>(std::vector{peer.endpoint()}, Policy::kRandom);
  HealthChecker not_started(pool, 10ms, ProbeSettings{});
  not_started.Kick(0);
  HealthChecker disabled(pool, 0ms, ProbeSettings{});
  disabled.Start(io);
  disabled.Kick(0);
  RunFor(io, 50ms);
  EXPECT_TRUE(peer.queries.empty());
  EXPECT_FALSE((*pool)[0].probing.load());
}

}  // namespace
}  // namespace dnsd::plugins::forward
