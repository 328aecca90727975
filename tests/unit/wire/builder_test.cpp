#include "dnsd/wire/builder.hpp"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>

#include "packet.hpp"

// ldns/common.h may #define bool/true/false for C: include it after every C++ header.
#include <ldns/ldns.h>

namespace dnsd::wire {
namespace {

using testing::Packet;

struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using LdnsPkt = std::unique_ptr<ldns_pkt, PktFree>;

LdnsPkt LdnsParse(std::span<const std::uint8_t> wire) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, wire.data(), wire.size()) != LDNS_STATUS_OK) return nullptr;
  return LdnsPkt(pkt);
}

std::string QuestionOwner(ldns_pkt* pkt) {
  ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
  char* text = ldns_rdf2str(ldns_rr_owner(q));
  std::string owner(text);
  free(text);
  return owner;
}

Packet Query(std::uint16_t flags, bool edns, bool dnssec_ok) {
  Packet p = Packet().Head(0xABCD, flags, 1, 0, 0, edns ? 1 : 0).Name("WwW.Example.ORG");
  p.U16(type::kMX).U16(klass::kIN);
  if (edns) p.Opt(4096, dnssec_ok ? 0x8000 : 0);
  return p;
}

TEST(BuildErrorResponse, CopiesIdOpcodeRdCdAndQuestionAndSetsQr) {
  // RD, CD, AD, opcode 0; AD must not be copied.
  Packet query = Query(0x0130, false, false);
  MessageView view;
  ASSERT_EQ(ParseMessage(query, view), WireError::kOk);
  std::array<std::uint8_t, 512> out{};
  const std::size_t n = BuildErrorResponse(query, view, Rcode::kServFail, out);
  ASSERT_GT(n, 0u);
  LdnsPkt pkt = LdnsParse(std::span(out.data(), n));
  ASSERT_TRUE(pkt);
  EXPECT_EQ(ldns_pkt_id(pkt.get()), 0xABCD);
  EXPECT_TRUE(ldns_pkt_qr(pkt.get()));
  EXPECT_TRUE(ldns_pkt_rd(pkt.get()));
  EXPECT_TRUE(ldns_pkt_cd(pkt.get()));
  EXPECT_FALSE(ldns_pkt_ad(pkt.get()));
  EXPECT_FALSE(ldns_pkt_aa(pkt.get()));
  EXPECT_FALSE(ldns_pkt_tc(pkt.get()));
  EXPECT_FALSE(ldns_pkt_ra(pkt.get()));
  EXPECT_EQ(ldns_pkt_get_opcode(pkt.get()), LDNS_PACKET_QUERY);
  EXPECT_EQ(ldns_pkt_get_rcode(pkt.get()), LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(ldns_pkt_qdcount(pkt.get()), 1);
  EXPECT_EQ(ldns_pkt_ancount(pkt.get()), 0);
  EXPECT_EQ(ldns_pkt_nscount(pkt.get()), 0);
  EXPECT_EQ(ldns_pkt_arcount(pkt.get()), 0);
  EXPECT_FALSE(ldns_pkt_edns(pkt.get()));
  EXPECT_EQ(QuestionOwner(pkt.get()), "WwW.Example.ORG.");
  ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0);
  EXPECT_EQ(ldns_rr_get_type(q), LDNS_RR_TYPE_MX);
  EXPECT_EQ(ldns_rr_get_class(q), LDNS_RR_CLASS_IN);
}

TEST(BuildErrorResponse, AddsOptWithOurPayloadAndEchoesDo) {
  for (bool dnssec_ok : {false, true}) {
    Packet query = Query(0x2100, true, dnssec_ok);  // opcode NOTIFY (4), RD
    MessageView view;
    ASSERT_EQ(ParseMessage(query, view), WireError::kOk);
    std::array<std::uint8_t, 512> out{};
    const std::size_t n = BuildErrorResponse(query, view, Rcode::kRefused, out);
    ASSERT_EQ(n, query.size());  // same shape: header, question, 11-octet OPT
    LdnsPkt pkt = LdnsParse(std::span(out.data(), n));
    ASSERT_TRUE(pkt);
    EXPECT_EQ(ldns_pkt_get_opcode(pkt.get()), LDNS_PACKET_NOTIFY);
    EXPECT_EQ(ldns_pkt_get_rcode(pkt.get()), LDNS_RCODE_REFUSED);
    EXPECT_FALSE(ldns_pkt_cd(pkt.get()));
    EXPECT_TRUE(ldns_pkt_edns(pkt.get()));
    EXPECT_EQ(ldns_pkt_edns_udp_size(pkt.get()), kOurUdpPayload);
    EXPECT_EQ(ldns_pkt_edns_do(pkt.get()), dnssec_ok);
    EXPECT_EQ(ldns_pkt_edns_version(pkt.get()), 0);
    EXPECT_EQ(ldns_pkt_edns_extended_rcode(pkt.get()), 0);
    EXPECT_EQ(ldns_pkt_edns_data(pkt.get()), nullptr);
    EXPECT_EQ(out[11], 1);  // ARCOUNT on the wire (ldns subtracts the OPT it consumed)
    MessageView back;
    ASSERT_EQ(ParseMessage(std::span(out.data(), n), back), WireError::kOk);
    EXPECT_EQ(back.edns->dnssec_ok, dnssec_ok);
  }
}

TEST(BuildErrorResponse, CopiesACompressedQuestionThatStaysValid) {
  // 12: label [1 'a' 0], then a pointer to 13 where "a." lies wholly before the pointer.
  Packet query = Packet().Head(9, 0x0100, 1).U8(3).U8(1).U8('a').U8(0).Pointer(13);
  query.U16(type::kA).U16(klass::kIN);
  MessageView view;
  ASSERT_EQ(ParseMessage(query, view), WireError::kOk);
  EXPECT_EQ(view.qname.ToString(), "\\001a\\000.a.");
  std::array<std::uint8_t, 512> out{};
  const std::size_t n = BuildErrorResponse(query, view, Rcode::kNxDomain, out);
  ASSERT_EQ(n, query.size());
  MessageView back;
  ASSERT_EQ(ParseMessage(std::span(out.data(), n), back), WireError::kOk);
  EXPECT_TRUE(back.qname.IdenticalTo(view.qname));
  LdnsPkt pkt = LdnsParse(std::span(out.data(), n));
  ASSERT_TRUE(pkt);
  EXPECT_EQ(QuestionOwner(pkt.get()), view.qname.ToString());
}

TEST(BuildErrorResponse, ReturnsZeroWhenOutputTooSmall) {
  Packet query = Query(0x0100, true, false);
  MessageView view;
  ASSERT_EQ(ParseMessage(query, view), WireError::kOk);
  std::array<std::uint8_t, 512> out{};
  EXPECT_EQ(BuildErrorResponse(query, view, Rcode::kFormErr, std::span(out.data(), query.size() - 1)),
            0u);
  EXPECT_EQ(BuildErrorResponse(query, view, Rcode::kFormErr, std::span(out.data(), query.size())),
            query.size());
}

TEST(BuildHeaderOnlyResponse, CopiesIdOpcodeAndRdWithoutQuestion) {
  Packet garbage = Packet().U16(0x4242).U16(0x0900 | 0x0010).U16(7).Bytes({0xFF, 0xFF});
  std::array<std::uint8_t, 64> out{};
  ASSERT_EQ(BuildHeaderOnlyResponse(garbage, Rcode::kFormErr, out), kHeaderSize);
  LdnsPkt pkt = LdnsParse(std::span(out.data(), kHeaderSize));
  ASSERT_TRUE(pkt);
  EXPECT_EQ(ldns_pkt_id(pkt.get()), 0x4242);
  EXPECT_TRUE(ldns_pkt_qr(pkt.get()));
  EXPECT_TRUE(ldns_pkt_rd(pkt.get()));
  EXPECT_EQ(ldns_pkt_get_opcode(pkt.get()), LDNS_PACKET_IQUERY);
  EXPECT_EQ(ldns_pkt_get_rcode(pkt.get()), LDNS_RCODE_FORMERR);
  EXPECT_EQ(ldns_pkt_qdcount(pkt.get()), 0);
  EXPECT_EQ(ldns_pkt_arcount(pkt.get()), 0);
}

TEST(BuildHeaderOnlyResponse, TreatsMissingFlagOctetsAsZero) {
  const std::uint8_t two[] = {0x01, 0x02};
  std::array<std::uint8_t, kHeaderSize> out{};
  out.fill(0xFF);
  ASSERT_EQ(BuildHeaderOnlyResponse(two, Rcode::kFormErr, out), kHeaderSize);
  const Header h = Header::Decode(out.data());
  EXPECT_EQ(h.id, 0x0102);
  EXPECT_EQ(h.flags, 0x8001);
  EXPECT_EQ(h.qdcount + h.ancount + h.nscount + h.arcount, 0);
}

// A response with answers, authority, a glue record and an OPT with an option.
Packet BigResponse(bool with_opt) {
  Packet p = Packet().Head(0x5555, 0x8580, 1, 3, 1, with_opt ? 2 : 1).Name("Big.Example.ORG");
  p.U16(type::kA).U16(klass::kIN);
  for (std::uint8_t i = 0; i < 3; ++i) {
    p.Pointer(12).U16(type::kA).U16(1).U32(60).U16(4).Bytes({192, 0, 2, i});
  }
  p.Pointer(16).U16(type::kNS).U16(1).U32(60).U16(5).Label("ns").Pointer(16);
  p.Label("ns").Pointer(16).U16(type::kA).U16(1).U32(60).U16(4).Bytes({192, 0, 2, 53});
  if (with_opt) p.U8(0).U16(41).U16(1400).U32(0x8000).U16(6).U16(3).U16(2).Bytes({'n', '1'});
  return p;
}

TEST(BuildTruncated, KeepsHeaderQuestionAndOptVerbatim) {
  Packet response = BigResponse(true);
  std::array<std::uint8_t, 512> out{};
  const std::size_t n = BuildTruncated(response, out);
  ASSERT_GT(n, 0u);
  LdnsPkt pkt = LdnsParse(std::span(out.data(), n));
  ASSERT_TRUE(pkt);
  EXPECT_EQ(ldns_pkt_id(pkt.get()), 0x5555);
  EXPECT_TRUE(ldns_pkt_qr(pkt.get()));
  EXPECT_TRUE(ldns_pkt_aa(pkt.get()));
  EXPECT_TRUE(ldns_pkt_tc(pkt.get()));
  EXPECT_TRUE(ldns_pkt_rd(pkt.get()));
  EXPECT_TRUE(ldns_pkt_ra(pkt.get()));
  EXPECT_EQ(ldns_pkt_qdcount(pkt.get()), 1);
  EXPECT_EQ(ldns_pkt_ancount(pkt.get()), 0);
  EXPECT_EQ(ldns_pkt_nscount(pkt.get()), 0);
  EXPECT_TRUE(ldns_pkt_edns(pkt.get()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(pkt.get()), 1400);
  EXPECT_TRUE(ldns_pkt_edns_do(pkt.get()));
  ASSERT_NE(ldns_pkt_edns_data(pkt.get()), nullptr);
  EXPECT_EQ(ldns_rdf_size(ldns_pkt_edns_data(pkt.get())), 6u);
  EXPECT_EQ(QuestionOwner(pkt.get()), "Big.Example.ORG.");
  EXPECT_EQ(out[11], 1);
  // The OPT record is the response's, octet for octet.
  const std::size_t opt_size = 11 + 6;
  EXPECT_TRUE(std::equal(out.begin() + n - opt_size, out.begin() + n,
                         response.bytes().end() - opt_size));
}

TEST(BuildTruncated, WithoutOptHasNoAdditionalRecords) {
  Packet response = BigResponse(false);
  std::array<std::uint8_t, 512> out{};
  const std::size_t n = BuildTruncated(response, out);
  ASSERT_EQ(n, kHeaderSize + 17 + 4);
  LdnsPkt pkt = LdnsParse(std::span(out.data(), n));
  ASSERT_TRUE(pkt);
  EXPECT_TRUE(ldns_pkt_tc(pkt.get()));
  EXPECT_FALSE(ldns_pkt_edns(pkt.get()));
  EXPECT_EQ(ldns_pkt_arcount(pkt.get()), 0);
}

TEST(BuildTruncated, ReturnsZeroForSmallOutputOrBadResponse) {
  Packet response = BigResponse(true);
  std::array<std::uint8_t, 512> out{};
  const std::size_t n = BuildTruncated(response, out);
  ASSERT_GT(n, 0u);
  EXPECT_EQ(BuildTruncated(response, std::span(out.data(), n - 1)), 0u);
  EXPECT_EQ(BuildTruncated(std::span(response.bytes().data(), response.size() - 1), out), 0u);
  EXPECT_EQ(BuildTruncated(std::span<const std::uint8_t>{}, out), 0u);
}

}  // namespace
}  // namespace dnsd::wire
