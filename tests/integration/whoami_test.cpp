// whoami through the running daemon: over UDP and TCP, from 127.0.0.1, the additional section
// holds the client's address and an SRV _udp./_tcp.<qname> with its source port; AA, no answer.
#include <gtest/gtest.h>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"

namespace dnsd::it {
namespace {

class WhoamiThroughDaemon : public ::testing::TestWithParam<Transport> {};

TEST_P(WhoamiThroughDaemon, AnswersWithTheClientAddressAndAnSrvForItsPort) {
  Daemon daemon(".:@PORT@ {\n    whoami\n}\n");
  const bool tcp = GetParam() == Transport::kTcp;
  auto reply = Query(daemon.endpoint(), "Who.Example.org.", LDNS_RR_TYPE_A, QueryOptions{}.Over(GetParam()));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(ldns_pkt_aa(reply->pkt()));
  EXPECT_EQ(reply->answer_count(), 0u);
  ldns_rr_list* extra = ldns_pkt_additional(reply->pkt());
  ASSERT_EQ(ldns_rr_list_rr_count(extra), 2u) << reply->ToString();
  ldns_rr* address = ldns_rr_list_rr(extra, 0);
  ldns_rr* srv = ldns_rr_list_rr(extra, 1);
  char* owner = ldns_rdf2str(ldns_rr_owner(address));
  EXPECT_STREQ(owner, "Who.Example.org.");
  free(owner);
  EXPECT_EQ(ldns_rr_get_type(address), LDNS_RR_TYPE_A);
  EXPECT_EQ(ldns_rr_ttl(address), 0u);
  char* ip = ldns_rdf2str(ldns_rr_rdf(address, 0));
  EXPECT_STREQ(ip, "127.0.0.1");
  free(ip);
  ASSERT_EQ(ldns_rr_get_type(srv), LDNS_RR_TYPE_SRV);
  char* srv_owner = ldns_rdf2str(ldns_rr_owner(srv));
  EXPECT_EQ(std::string(srv_owner), tcp ? "_tcp.Who.Example.org." : "_udp.Who.Example.org.");
  free(srv_owner);
  const std::uint16_t port = ldns_rdf2native_int16(ldns_rr_rdf(srv, 2));
  EXPECT_NE(port, 0) << "the client's source port";
  EXPECT_NE(port, daemon.endpoint().port);
  ExitStatus st = daemon.Stop();
  EXPECT_TRUE(st.exited && st.code == 0) << st.Describe();
}

INSTANTIATE_TEST_SUITE_P(Transports, WhoamiThroughDaemon, ::testing::Values(Transport::kUdp, Transport::kTcp),
                         [](const auto& info) { return std::string(info.param == Transport::kUdp ? "Udp" : "Tcp"); });

}  // namespace
}  // namespace dnsd::it
