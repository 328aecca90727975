// loadbalance through the running daemon against knot: the 40 A records of medium come back
// complete in an order that changes from query to query, from the upstream and from the cache
// alike (loadbalance runs before cache); a CNAME stays before the addresses of its target.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it {
namespace {

class LoadBalanceThroughDaemon : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<Daemon>(std::string(".:@PORT@ {\n    loadbalance\n") + GetParam() +
                                       "    forward . " + upstream_.endpoint().ToString() + "\n}\n");
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << daemon_->stderr_text();
    ExitStatus st = daemon_->Stop();
    EXPECT_TRUE(st.exited && st.code == 0) << st.Describe();
  }
  Upstream upstream_;
  std::unique_ptr<Daemon> daemon_;
};

TEST_P(LoadBalanceThroughDaemon, ShufflesEveryAnswerKeepingAllRecords) {
  std::vector<std::string> sorted_want;
  for (int i = 1; i <= zone::kMediumCount; ++i) sorted_want.push_back("10.100.0." + std::to_string(i));
  std::sort(sorted_want.begin(), sorted_want.end());
  std::set<std::vector<std::string>> orders;
  for (int i = 0; i < 10; ++i) {
    auto reply = Query(daemon_->endpoint(), zone::kMedium, LDNS_RR_TYPE_A, QueryOptions{}.Edns(1232));
    ASSERT_TRUE(reply.has_value());
    ASSERT_EQ(reply->rcode(), LDNS_RCODE_NOERROR) << reply->ToString();
    std::vector<std::string> got = reply->AnswerData(LDNS_RR_TYPE_A);
    orders.insert(got);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, sorted_want);
  }
  EXPECT_GT(orders.size(), 5u) << "10 answers in only " << orders.size() << " orders";
}

TEST_P(LoadBalanceThroughDaemon, KeepsTheCnameFirst) {
  for (int i = 0; i < 5; ++i) {
    auto reply = Query(daemon_->endpoint(), zone::kCname, LDNS_RR_TYPE_A, QueryOptions{}.Tcp());
    ASSERT_TRUE(reply.has_value());
    ASSERT_EQ(reply->answer_count(), 2u) << reply->ToString();
    EXPECT_EQ(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(reply->pkt()), 0)), LDNS_RR_TYPE_CNAME);
    EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
  }
}

INSTANTIATE_TEST_SUITE_P(Chains, LoadBalanceThroughDaemon, ::testing::Values("", "    cache 30\n"),
                         [](const auto& info) { return std::string(*info.param ? "WithCache" : "Alone"); });

}  // namespace
}  // namespace dnsd::it
