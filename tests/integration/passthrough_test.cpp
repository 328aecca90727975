// Answers from the upstream come back through dnsd unchanged, over UDP and over TCP.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fixture/through_daemon.hpp"

namespace dnsd::it {
namespace {

struct RecordCase {
  const char* label;
  std::string name;
  ldns_rr_type type;
  std::string data;
};

const RecordCase kRecords[] = {
    {"A", zone::kService, LDNS_RR_TYPE_A, zone::kServiceA},
    {"AAAA", zone::kService, LDNS_RR_TYPE_AAAA, zone::kServiceAaaa},
    {"SRV", zone::kService, LDNS_RR_TYPE_SRV, zone::kServiceSrv},
    {"SRVUnderPortAndProto", "_http._tcp." + std::string(zone::kService), LDNS_RR_TYPE_SRV, zone::kServiceSrv},
    {"TXT", zone::kService, LDNS_RR_TYPE_TXT, zone::kServiceTxt},
    {"AOfAnotherNamespace", zone::ServiceName(3, 2), LDNS_RR_TYPE_A, "10.2.0.3"},
    {"AAAAOfAnotherNamespace", zone::ServiceName(5, 3), LDNS_RR_TYPE_AAAA, "fd00::3:5"},
};

void PrintTo(const RecordCase& record, std::ostream* os) { *os << record.label; }

class Passthrough : public ThroughDaemon,
                    public ::testing::WithParamInterface<std::tuple<RecordCase, Transport>> {};

TEST_P(Passthrough, AnswersTheUpstreamRecord) {
  const auto& [record, transport] = GetParam();
  auto reply = Query(target(), record.name, record.type, QueryOptions{}.Over(transport));
  ASSERT_TRUE(reply.has_value()) << "no reply for " << record.name;
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_NOERROR) << reply->ToString();
  EXPECT_TRUE(reply->qr());
  EXPECT_FALSE(reply->tc());
  EXPECT_EQ(reply->AnswerData(record.type), std::vector<std::string>{record.data}) << reply->ToString();
  EXPECT_EQ(reply->question_name(), record.name);
}

INSTANTIATE_TEST_SUITE_P(
    Records, Passthrough, ::testing::Combine(::testing::ValuesIn(kRecords),
                                             ::testing::Values(Transport::kUdp, Transport::kTcp)),
    [](const auto& info) {
      return std::string(std::get<0>(info.param).label) +
             (std::get<1>(info.param) == Transport::kUdp ? "OverUdp" : "OverTcp");
    });

using PassthroughMisc = ThroughDaemon;

TEST_F(PassthroughMisc, CnameIsFollowedByTheUpstreamAndReturnedWhole) {
  auto reply = Query(target(), zone::kCname, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_CNAME), std::vector<std::string>{zone::kService});
  EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA}) << reply->ToString();
}

TEST_F(PassthroughMisc, ReplyKeepsTheClientsIdAndQuestionCase) {
  // Forwarders pick their own upstream ID and must restore the client's; 0x20 case must survive too.
  const std::string mixed = "SvC1.Ns1-DeFaUlT.svc.CLUSTER.local.";
  for (uint16_t id : {0x0000, 0x0001, 0xbeef, 0xffff}) {
    auto reply = Query(target(), mixed, LDNS_RR_TYPE_A, QueryOptions{}.Id(id));
    ASSERT_TRUE(reply.has_value()) << "id " << id;
    EXPECT_EQ(reply->id(), id);
    EXPECT_EQ(reply->question_name(), mixed);
    EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
  }
}

bool HaveIpv6Loopback() {
  int fd = ::socket(AF_INET6, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_loopback;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

TEST_F(PassthroughMisc, ListensOnIpv6LoopbackToo) {
  if (!through_daemon()) GTEST_SKIP() << "knot listens on 127.0.0.1 only";
  if (!HaveIpv6Loopback()) GTEST_SKIP() << "no ::1 on this machine";
  Endpoint v6{"::1", target().port};
  for (Transport t : {Transport::kUdp, Transport::kTcp}) {
    auto reply = Query(v6, zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Over(t));
    ASSERT_TRUE(reply.has_value()) << "no answer on [::1]:" << v6.port;
    EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
  }
}

TEST_F(PassthroughMisc, ManySequentialQueriesAllAnswered) {
  int answered = 0;
  for (int round = 0; round < 4; ++round)
    for (int j = 1; j <= 3; ++j)
      for (int i = 1; i <= 5; ++i) {
        auto reply = Query(target(), zone::ServiceName(i, j), LDNS_RR_TYPE_A);
        if (reply && reply->AnswerData(LDNS_RR_TYPE_A) ==
                         std::vector<std::string>{"10." + std::to_string(j) + ".0." + std::to_string(i)})
          ++answered;
      }
  EXPECT_EQ(answered, 60);
}

}  // namespace
}  // namespace dnsd::it
