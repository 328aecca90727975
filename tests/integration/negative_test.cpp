// Negative answers pass through with the zone's SOA in the authority section (what caches key on).
#include <gtest/gtest.h>

#include "fixture/through_daemon.hpp"

namespace dnsd::it {
namespace {

using NegativeAnswer = ThroughDaemon;

void ExpectNegative(const std::optional<Reply>& reply, ldns_pkt_rcode rcode) {
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rcode(), rcode) << reply->ToString();
  EXPECT_EQ(reply->answer_count(), 0u) << reply->ToString();
  ASSERT_TRUE(reply->AuthoritySoa().has_value()) << reply->ToString();
  EXPECT_EQ(reply->AuthoritySoaMinimum(), zone::kSoaMinimum);
}

TEST_F(NegativeAnswer, NxdomainComesWithSoaOverUdp) {
  ExpectNegative(Query(target(), zone::kMissing, LDNS_RR_TYPE_A), LDNS_RCODE_NXDOMAIN);
}

TEST_F(NegativeAnswer, NxdomainComesWithSoaOverTcp) {
  ExpectNegative(Query(target(), zone::kMissing, LDNS_RR_TYPE_A, QueryOptions{}.Tcp()),
                 LDNS_RCODE_NXDOMAIN);
}

TEST_F(NegativeAnswer, NodataForMissingTypeIsNoerrorWithSoa) {
  ExpectNegative(Query(target(), zone::kService, LDNS_RR_TYPE_MX), LDNS_RCODE_NOERROR);
}

TEST_F(NegativeAnswer, EmptyNonTerminalIsNodataNotNxdomain) {
  ExpectNegative(Query(target(), zone::kEmptyNonTerminal, LDNS_RR_TYPE_A), LDNS_RCODE_NOERROR);
}

}  // namespace
}  // namespace dnsd::it
