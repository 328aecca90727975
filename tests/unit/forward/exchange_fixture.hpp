// The fixture of forward's protocol tests: one worker's ForwardHandler on the test's io_context,
// real sockets on 127.0.0.1, and the forward metrics as scraped since the test began.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>

#include "dnsd/plugins/forward/forwarder.hpp"
#include "dnsd/plugins/forward/metrics.hpp"
#include "dnsd/random/seeded_random.hpp"
#include "peer.hpp"
#include "test_util.hpp"
#include "../../support/metric_value.hpp"

namespace dnsd::plugins::forward::testing {

using namespace std::chrono_literals;
using pipeline::Transport;
namespace ip = boost::asio::ip;

inline constexpr std::uint16_t kClientId = 0x1234;

inline UdpPeer::Behaviour AnswerWith(std::uint32_t address) {
  return [address](UdpPeer& peer, const Bytes& q, const ip::udp::endpoint& from) {
    peer.Send(MakeReply(q, address), from);
  };
}

inline TcpPeer::Behaviour TcpAnswer() {
  return [](const Bytes& q) { return std::optional<Bytes>(MakeReply(q)); };
}

inline std::uint16_t IdOf(const Bytes& m) { return static_cast<std::uint16_t>(m[0] << 8 | m[1]); }

// A forward metric as scraped (process-wide, summed over workers): the series of upstream `to`, or
// with `to` empty every series (the label-less ones); 0 while it is not exported.
inline double ForwardMetric(std::string_view name, const std::string& to, dnsd::testing::MetricLabels labels = {}) {
  if (!to.empty()) labels.emplace_back("to", to);
  return dnsd::testing::MetricValue(ForwardMetrics::Get().Collect(), name, labels);
}
inline double ForwardCounter(std::string_view name, const std::string& to = "") { return ForwardMetric(name, to); }

using NextHandler = EndOfChain;

class ForwardExchange : public ::testing::Test {
 protected:
  Options Base(std::vector<ip::udp::endpoint> upstreams) {
    return testing::FastOptions(std::move(upstreams));
  }
  void Make(Options options, ForwardFactory::RandomSources random = nullptr) {
    factory = std::make_unique<ForwardFactory>(std::move(options));
    if (random) factory->SetRandomSources(std::move(random));
    pipeline::WorkerContext worker{io, 0};
    handler = factory->CreateHandler(worker);
    forward = dynamic_cast<ForwardHandler*>(handler.get());
    ASSERT_NE(forward, nullptr);
    handler->SetNext(&next);
  }
  // Serves one query and runs the loop until it is answered.
  std::unique_ptr<RecordingTransaction> Ask(const std::string& name = "www.example.org.",
                                            Transport transport = Transport::kUdp,
                                            std::uint16_t type = wire::type::kA) {
    auto tx = std::make_unique<RecordingTransaction>(MakeQuery(name, type, kClientId), transport);
    handler->Serve(*tx);
    EXPECT_TRUE(RunUntil(io, [&] { return tx->responses > 0; })) << "no response";
    EXPECT_EQ(tx->responses, 1);
    return tx;
  }
  ip::udp::endpoint ClosedPort() {
    ip::udp::socket probe(io, ip::udp::endpoint(ip::make_address("127.0.0.1"), 0));
    auto ep = probe.local_endpoint();
    probe.close();
    return ep;
  }
  // What the upstreams' metrics say since the test began (ports are reused: a baseline, not totals).
  double Since(std::string_view name, const ip::udp::endpoint& upstream, dnsd::testing::MetricLabels labels = {}) const {
    const std::string to = UpstreamLabel(upstream);
    labels.emplace_back("to", to);
    return dnsd::testing::MetricValue(ForwardMetrics::Get().Collect(), name, labels) -
           dnsd::testing::MetricValue(baseline, name, labels);
  }
  double Replies(const ip::udp::endpoint& upstream) const {  // replies received, any rcode
    return Since("coredns_proxy_request_duration_seconds", upstream);
  }
  double Dropped(const ip::udp::endpoint& upstream) const {
    return Since("dnsd_forward_replies_dropped_total", upstream);
  }
  double Connections(const ip::udp::endpoint& upstream, const char* proto) const {  // sockets opened
    return Since("coredns_proxy_conn_cache_misses_total", upstream, {{"proto", proto}});
  }
  // Failed attempts (errors, timeouts) where each attempt opens its own connection, as in the tests
  // that use this: fresh connections (cache misses) less replies (duration observations). A reused
  // TCP connection the upstream closed is replaced, not a failure: it was a cache hit.
  double FailedAttempts(const ip::udp::endpoint& upstream) const {
    return Since("coredns_proxy_conn_cache_misses_total", upstream) - Replies(upstream);
  }
  std::vector<::prometheus::MetricFamily> baseline = ForwardMetrics::Get().Collect();

  boost::asio::io_context io;
  NextHandler next;
  std::unique_ptr<ForwardFactory> factory;
  std::unique_ptr<pipeline::Handler> handler;
  ForwardHandler* forward = nullptr;
};

}  // namespace dnsd::plugins::forward::testing
