// When upstreams fail: SERVFAIL fast for a refused port, within the 5 s budget for a black hole,
// and failover to the next upstream in the list.
#include <gtest/gtest.h>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct TimedReply {
  std::optional<Reply> reply;
  Millis took;
};

TimedReply TimedQuery(const Endpoint& server, const std::string& name, Transport transport = Transport::kUdp) {
  auto start = Clock::now();
  auto reply = Query(server, name, LDNS_RR_TYPE_A, QueryOptions{}.Over(transport).Timeout(8000ms));
  return {std::move(reply), std::chrono::duration_cast<Millis>(Clock::now() - start)};
}

class UpstreamFailure : public ::testing::Test {
 protected:
  void StartDaemon(const std::vector<Endpoint>& upstreams, const std::string& block = "") {
    daemon_ = std::make_unique<Daemon>(ForwardCorefile(upstreams, block));
  }
  void TearDown() override {
    if (!daemon_) return;
    if (HasFailure()) std::cerr << "dnsd stderr:\n" << daemon_->stderr_text() << "\n";
    ExitStatus st = daemon_->Stop();
    EXPECT_TRUE(st.exited && st.code == 0) << st.Describe() << "\n" << daemon_->stderr_text();
  }
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(UpstreamFailure, RefusedUpstreamGivesServfailQuickly) {
  StartDaemon({{"127.0.0.1", FreePort()}});
  for (Transport t : {Transport::kUdp, Transport::kTcp}) {
    auto r = TimedQuery(daemon_->endpoint(), zone::kService, t);
    ASSERT_TRUE(r.reply.has_value()) << "no reply at all";
    EXPECT_EQ(r.reply->rcode(), LDNS_RCODE_SERVFAIL) << r.reply->ToString();
    EXPECT_LT(r.took, 1500ms) << "a refused port should not wait for the 2 s attempt timeout";
  }
}

TEST_F(UpstreamFailure, BlackholedUpstreamGivesServfailWithinTheOverallBudget) {
  BlackholeUdp hole;
  StartDaemon({hole.endpoint()});
  auto r = TimedQuery(daemon_->endpoint(), zone::kService);
  ASSERT_TRUE(r.reply.has_value()) << "no SERVFAIL within 8 s";
  EXPECT_EQ(r.reply->rcode(), LDNS_RCODE_SERVFAIL) << r.reply->ToString();
  EXPECT_LT(r.took, 6000ms);
  EXPECT_GE(r.took, 1500ms) << "gave up before the 2 s attempt timeout";
  EXPECT_GT(hole.ReceivedDatagrams(), 0) << "the query never reached the upstream";
}

TEST_F(UpstreamFailure, FailsOverFromARefusedUpstreamToTheNextAtOnce) {
  Upstream knot;
  StartDaemon({{"127.0.0.1", FreePort()}, knot.endpoint()}, "policy sequential");
  for (int n = 0; n < 5; ++n) {
    auto r = TimedQuery(daemon_->endpoint(), zone::kService);
    ASSERT_TRUE(r.reply.has_value());
    EXPECT_EQ(r.reply->rcode(), LDNS_RCODE_NOERROR) << r.reply->ToString();
    EXPECT_EQ(r.reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
    EXPECT_LT(r.took, 1000ms);
  }
}

TEST_F(UpstreamFailure, FailsOverFromABlackholedUpstreamAfterTheAttemptTimeout) {
  BlackholeUdp hole;
  Upstream knot;
  StartDaemon({hole.endpoint(), knot.endpoint()}, "policy sequential");
  auto r = TimedQuery(daemon_->endpoint(), zone::kService);
  ASSERT_TRUE(r.reply.has_value());
  EXPECT_EQ(r.reply->rcode(), LDNS_RCODE_NOERROR) << r.reply->ToString();
  EXPECT_EQ(r.reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
  EXPECT_LT(r.took, 4000ms);
  EXPECT_GE(r.took, 1500ms) << "answered before the 2 s attempt timeout: was the black hole asked?";
}

TEST_F(UpstreamFailure, QueriesStuckOnABlackholeDoNotHoldUpOtherZones) {
  // Two server blocks on one port (CoreDNS picks the most specific zone): names under blackhole.test.
  // go to a black hole, everything else to knot. Stuck queries must not serialize the others.
  BlackholeUdp hole;
  Upstream knot;
  daemon_ = std::make_unique<Daemon>("blackhole.test.:@PORT@ {\n    forward . " + hole.endpoint().ToString() +
                                     "\n}\n.:@PORT@ {\n    forward . " + knot.endpoint().ToString() + "\n}\n");
  Bytes stuck = BuildQuery("www.blackhole.test.", LDNS_RR_TYPE_A, {});
  for (int n = 0; n < 20; ++n) SendRawUdp(daemon_->endpoint(), stuck, 0ms);
  auto start = Clock::now();
  for (int n = 0; n < 20; ++n) {
    auto r = Query(daemon_->endpoint(), zone::ServiceName(n % 5 + 1, 1), LDNS_RR_TYPE_A);
    ASSERT_TRUE(r.has_value()) << "query " << n << " not answered while others wait on the black hole";
    EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  }
  EXPECT_LT(Clock::now() - start, 1000ms);
  EXPECT_GT(hole.ReceivedDatagrams(), 0) << "blackhole.test. was not routed to its own upstream";
  // TearDown then stops dnsd with those queries still in flight: it must still exit 0.
}

}  // namespace
}  // namespace dnsd::it
