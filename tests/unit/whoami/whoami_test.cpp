// whoami as CoreDNS 1.11: `whoami` takes nothing; every query is answered with AA set, no answer
// section, and the client's address and an SRV carrying its port in the additional section.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dnsd/plugins/whoami/handler.hpp"
#include "dnsd/plugins/whoami/setup.hpp"
#include "../log/support.hpp"

namespace dnsd::plugins::whoami {
namespace {

using cache::testing::Bytes;
using cache::testing::Query;

struct Bad {
  const char* name;
  const char* text;
  const char* error;
};

class WhoamiSetupRefuses : public ::testing::TestWithParam<Bad> {};

TEST_P(WhoamiSetupRefuses, WithAnErrorThatPoints) {
  auto directives = log::testing::Directives(std::string(". {\n") + GetParam().text + "\n}\n");
  ASSERT_FALSE(directives.empty());
  auto error = Check(directives[0]);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->ToString(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Lines, WhoamiSetupRefuses,
    ::testing::Values(Bad{"AnArgument", "whoami foo", "Corefile:2:8: whoami: unexpected argument \"foo\" (want whoami)"},
                      Bad{"ABlock", "whoami {\n x\n}", "Corefile:3:2: whoami: unexpected block (want whoami)"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(WhoamiSetup, AcceptsTheBareDirective) {
  auto directives = log::testing::Directives(". {\n whoami\n}\n");
  ASSERT_FALSE(directives.empty());
  EXPECT_FALSE(Check(directives[0]).has_value());
}

struct Case {
  const char* name;
  const char* qname;
  std::uint16_t qtype;
  bool tcp;
  const char* client;
  std::uint16_t port;
  bool edns;
  std::vector<std::string> additional;  // presentation form, as ldns prints it
};

class WhoamiAnswer : public ::testing::TestWithParam<Case> {};

TEST_P(WhoamiAnswer, CarriesTheClientAddressAndPort) {
  const Case& c = GetParam();
  log::testing::ClientTransaction client(Query(c.qname, c.qtype, {.edns = c.edns}), c.tcp,
                                         boost::asio::ip::make_address(c.client), c.port);
  WhoamiHandler handler;
  handler.Serve(client);
  ASSERT_EQ(client.responses, 1);
  cache::testing::Parsed reply(client.answer);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply.id(), 0x1234);
  EXPECT_EQ(reply.rcode(), 0);
  EXPECT_TRUE(ldns_pkt_aa(reply.pkt()));
  EXPECT_TRUE(ldns_pkt_qr(reply.pkt()));
  EXPECT_TRUE(ldns_pkt_rd(reply.pkt()));
  EXPECT_EQ(reply.answers(), 0u);
  EXPECT_EQ(ldns_pkt_nscount(reply.pkt()), 0u);
  EXPECT_EQ(reply.Question(), c.qname);
  EXPECT_EQ(reply.has_edns(), c.edns);
  std::vector<std::string> additional;
  ldns_rr_list* list = ldns_pkt_additional(reply.pkt());
  for (std::size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    char* text = ldns_rr2str(ldns_rr_list_rr(list, i));
    additional.emplace_back(text);
    free(text);
    additional.back().pop_back();  // newline
  }
  EXPECT_EQ(additional, c.additional);
}

INSTANTIATE_TEST_SUITE_P(
    Queries, WhoamiAnswer,
    ::testing::Values(
        Case{"IPv4OverUdp", "example.org.", 1, false, "127.0.0.1", 40212, false,
             {"example.org.\t0\tIN\tA\t127.0.0.1", "_udp.example.org.\t0\tIN\tSRV\t0 0 40212 ."}},
        Case{"IPv6OverTcp", "example.org.", 28, true, "::1", 5353, true,
             {"example.org.\t0\tIN\tAAAA\t::1", "_tcp.example.org.\t0\tIN\tSRV\t0 0 5353 ."}},
        Case{"AMappedIPv4ClientGetsAnA", "example.org.", 1, false, "::ffff:192.0.2.7", 1, false,
             {"example.org.\t0\tIN\tA\t192.0.2.7", "_udp.example.org.\t0\tIN\tSRV\t0 0 1 ."}},
        Case{"TheClientsCaseIsKept", "WhoAmI.Example.ORG.", 16, false, "10.0.0.1", 53, false,
             {"WhoAmI.Example.ORG.\t0\tIN\tA\t10.0.0.1", "_udp.WhoAmI.Example.ORG.\t0\tIN\tSRV\t0 0 53 ."}},
        Case{"TheRootName", ".", 2, false, "10.0.0.1", 53, false,
             {".\t0\tIN\tA\t10.0.0.1", "_udp.\t0\tIN\tSRV\t0 0 53 ."}}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace dnsd::plugins::whoami
