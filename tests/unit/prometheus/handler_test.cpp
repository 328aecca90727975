// The per-worker handler: every answered query is counted once, with the zone that matched, the
// port it arrived on, its proto, family and type, and the response's rcode and size.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "dnsd/plugins/prometheus/factory.hpp"
#include "support.hpp"

namespace dnsd::plugins::prometheus {
namespace {

using testing::AnsweringHandler;
using testing::ClientTransaction;
using testing::FindFamily;
using testing::FindMetric;
using testing::Query;
using pipeline::Transport;

class MetricsHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    factory_ = std::make_unique<MetricsFactory>(nullptr, std::vector<std::string>{".", "example.org."}, collector_);
    pipeline::WorkerContext worker{io_, 0};
    handler_ = factory_->CreateHandler(worker);
    handler_->SetNext(&next_);
  }

  ClientTransaction Ask(std::string_view name, std::uint16_t qtype, Transport t = Transport::kUdp,
                        std::string client = "127.0.0.1", std::uint16_t port = 53) {
    ClientTransaction tx(Query(name, qtype), t, client, port);
    handler_->Serve(tx);
    return tx;
  }

  double Requests(const std::vector<::prometheus::ClientMetric::Label>& labels) {
    auto families = collector_->Collect();
    auto* m = FindMetric(FindFamily(families, "coredns_dns_requests_total"), labels);
    return m ? m->counter.value : 0;
  }

  boost::asio::io_context io_;
  std::shared_ptr<DnsCollector> collector_ = std::make_shared<DnsCollector>();
  std::unique_ptr<MetricsFactory> factory_;
  std::unique_ptr<pipeline::Handler> handler_;
  AnsweringHandler next_;
};

TEST_F(MetricsHandlerTest, PassesTheAnswerThroughUnchanged) {
  next_.padding = 7;
  auto tx = Ask("www.example.org.", 1);
  ASSERT_EQ(tx.responses.size(), 1u);
  EXPECT_EQ(tx.responses[0].size(), tx.Query().size() + 7);
  EXPECT_EQ(tx.responses[0][2] & 0x80, 0x80);
}

TEST_F(MetricsHandlerTest, CountsEachQueryWithItsLabels) {
  for (int i = 0; i < 5; ++i) Ask("a.example.org.", 1);
  Ask("a.example.org.", 28, Transport::kTcp);
  Ask("a.example.com.", 99, Transport::kUdp, "::1");
  Ask("a.example.com.", 1, Transport::kUdp, "::ffff:127.0.0.1", 1053);
  EXPECT_EQ(Requests({{"server", "dns://:53"}, {"zone", "example.org."}, {"proto", "udp"}, {"family", "1"}, {"type", "A"}}), 5);
  EXPECT_EQ(Requests({{"server", "dns://:53"}, {"zone", "example.org."}, {"proto", "tcp"}, {"family", "1"}, {"type", "AAAA"}}), 1);
  EXPECT_EQ(Requests({{"server", "dns://:53"}, {"zone", "."}, {"proto", "udp"}, {"family", "2"}, {"type", "other"}}), 1);
  EXPECT_EQ(Requests({{"server", "dns://:1053"}, {"zone", "."}, {"proto", "udp"}, {"family", "1"}, {"type", "A"}}), 1);
}

TEST_F(MetricsHandlerTest, CountsResponsesByRcodeAndSizes) {
  next_.rcode = 3;
  Ask("nx.example.org.", 1);
  next_.rcode = 0;
  next_.padding = 600;
  Ask("big.example.org.", 1);
  auto families = collector_->Collect();
  auto* nx = FindMetric(FindFamily(families, "coredns_dns_responses_total"),
                        {{"zone", "example.org."}, {"rcode", "NXDOMAIN"}});
  ASSERT_NE(nx, nullptr);
  EXPECT_EQ(nx->counter.value, 1);
  auto* size = FindMetric(FindFamily(families, "coredns_dns_response_size_bytes"), {{"proto", "udp"}});
  ASSERT_NE(size, nullptr);
  EXPECT_EQ(size->histogram.sample_count, 2u);
  EXPECT_EQ(size->histogram.bucket[1].cumulative_count, 1u);  // le=100: the NXDOMAIN, 32 octets
  EXPECT_EQ(size->histogram.bucket[6].cumulative_count, 2u);  // le=1023: 632 octets
  auto* duration = FindMetric(FindFamily(families, "coredns_dns_request_duration_seconds"), {{"type", "A"}});
  ASSERT_NE(duration, nullptr);
  EXPECT_EQ(duration->histogram.sample_count, 2u);
}

TEST_F(MetricsHandlerTest, CountsWhenALaterAnswerArrivesAndReusesTheWrapper) {
  next_.hold = true;
  ClientTransaction a(Query("a.example.org.", 1), Transport::kUdp, "127.0.0.1", 53);
  ClientTransaction b(Query("b.example.org.", 1), Transport::kUdp, "127.0.0.1", 53);
  handler_->Serve(a);
  handler_->Serve(b);
  EXPECT_EQ(Requests({{"type", "A"}}), 0);
  ASSERT_EQ(next_.held.size(), 2u);
  pipeline::Transaction* first = next_.held[0];
  next_.Answer(*next_.held[1]);
  next_.Answer(*first);
  EXPECT_EQ(a.responses.size(), 1u);
  EXPECT_EQ(b.responses.size(), 1u);
  EXPECT_EQ(Requests({{"type", "A"}}), 2);
  next_.held.clear();
  ClientTransaction c(Query("c.example.org.", 1), Transport::kUdp, "127.0.0.1", 53);
  handler_->Serve(c);
  ASSERT_EQ(next_.held.size(), 1u);
  EXPECT_TRUE(next_.held[0] == first || next_.held[0] != &c);  // a pooled wrapper, not the client
  next_.Answer(*next_.held[0]);
  EXPECT_EQ(Requests({{"type", "A"}}), 3);
}

TEST_F(MetricsHandlerTest, WorkersOfTheSameFactoryAreSummed) {
  pipeline::WorkerContext second{io_, 1};
  auto other = factory_->CreateHandler(second);
  other->SetNext(&next_);
  Ask("x.example.org.", 1);
  ClientTransaction tx(Query("x.example.org.", 1), Transport::kUdp, "127.0.0.1", 53);
  other->Serve(tx);
  EXPECT_EQ(Requests({{"zone", "example.org."}, {"type", "A"}}), 2);
}

TEST_F(MetricsHandlerTest, MarksThePluginEnabledForTheServedZone) {
  Ask("x.example.org.", 1);
  auto families = collector_->Collect();
  EXPECT_NE(FindMetric(FindFamily(families, "coredns_plugin_enabled"),
                       {{"server", "dns://:53"}, {"zone", "example.org."}, {"name", "prometheus"}}),
            nullptr);
}

}  // namespace
}  // namespace dnsd::plugins::prometheus
