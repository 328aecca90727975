#include "dnsd/wire/message.hpp"

#include <gtest/gtest.h>

#include "packet.hpp"

namespace dnsd::wire {
namespace {

using testing::Packet;

Packet Query(std::uint16_t qd = 1, std::uint16_t ar = 0) {
  Packet p = Packet().Head(0x1234, 0x0110, qd, 0, 0, ar);  // RD + CD
  if (qd > 0) p.Name("Www.Example.ORG").U16(type::kAAAA).U16(klass::kIN);
  return p;
}

TEST(ParseHead, DecodesHeaderAndQuestion) {
  Packet p = Query();
  MessageView view;
  ASSERT_EQ(ParseHead(p, view), WireError::kOk);
  EXPECT_EQ(view.header.id, 0x1234);
  EXPECT_TRUE(view.header.rd());
  EXPECT_TRUE(view.header.cd());
  EXPECT_FALSE(view.header.qr());
  EXPECT_EQ(view.header.opcode(), Opcode::kQuery);
  EXPECT_EQ(view.qname.ToString(), "Www.Example.ORG.");  // case preserved
  EXPECT_EQ(view.qtype, type::kAAAA);
  EXPECT_EQ(view.qclass, klass::kIN);
  EXPECT_EQ(view.question_offset, kHeaderSize);
  EXPECT_EQ(view.question_end, p.size());
  EXPECT_FALSE(view.edns);
  EXPECT_EQ(view.MaxUdpPayload(), 512);
}

TEST(ParseHead, DoesNotCheckTheQrBit) {
  Packet p = Packet().Head(1, 0x8180, 1).Name("a").U16(1).U16(1);
  MessageView view;
  ASSERT_EQ(ParseHead(p, view), WireError::kOk);
  EXPECT_TRUE(view.header.qr());
  EXPECT_TRUE(view.header.ra());
}

TEST(ParseHead, RejectsShortHeader) {
  Packet p = Packet().U16(1).U16(0).U16(1).U16(0).U16(0);  // 10 octets
  MessageView view;
  EXPECT_EQ(ParseHead(p, view), WireError::kTruncated);
  EXPECT_EQ(ParseMessage(p, view), WireError::kTruncated);
  EXPECT_EQ(ParseMessage(std::span<const std::uint8_t>{}, view), WireError::kTruncated);
}

TEST(ParseHead, RejectsQuestionCountZeroAndTwo) {
  MessageView view;
  EXPECT_EQ(ParseHead(Query(0), view), WireError::kBadQuestionCount);
  Packet two = Query(2).Name("b").U16(1).U16(1);
  EXPECT_EQ(ParseHead(two, view), WireError::kBadQuestionCount);
  EXPECT_EQ(ParseMessage(two, view), WireError::kBadQuestionCount);
}

TEST(ParseHead, RejectsTruncatedQuestion) {
  const Packet full = Query();
  MessageView view;
  for (std::size_t size = kHeaderSize; size < full.size(); ++size) {
    std::span<const std::uint8_t> cut(full.bytes().data(), size);
    EXPECT_EQ(ParseHead(cut, view), WireError::kTruncated) << size;
  }
}

TEST(ParseMessage, ReadsEdnsFields) {
  // ext rcode 1, version 0, DO set.
  Packet p = Query(1, 1).Opt(4096, 0x01008000);
  MessageView view;
  ASSERT_EQ(ParseMessage(p, view), WireError::kOk);
  ASSERT_TRUE(view.edns);
  EXPECT_EQ(view.edns->udp_size, 4096);
  EXPECT_EQ(view.edns->extended_rcode, 1);
  EXPECT_EQ(view.edns->version, 0);
  EXPECT_TRUE(view.edns->dnssec_ok);
  EXPECT_EQ(view.edns->record_offset, view.question_end);
  EXPECT_EQ(view.edns->rdata_offset, view.question_end + 11);
  EXPECT_EQ(view.edns->rdata_length, 0);
  EXPECT_EQ(view.MaxUdpPayload(), 4096);
}

TEST(ParseMessage, ClampsSmallPayloadTo512) {
  Packet p = Query(1, 1).Opt(100);
  MessageView view;
  ASSERT_EQ(ParseMessage(p, view), WireError::kOk);
  EXPECT_EQ(view.edns->udp_size, 100);  // as sent
  EXPECT_FALSE(view.edns->dnssec_ok);
  EXPECT_EQ(view.MaxUdpPayload(), 512);
}

TEST(ParseMessage, FindsOptAfterOtherRecordsAndReportsOptions) {
  Packet p = Packet().Head(7, 0, 1, 1, 1, 2).Name("example.org").U16(1).U16(1);
  p.Pointer(12).U16(type::kA).U16(1).U32(60).U16(4).Bytes({192, 0, 2, 1});   // answer
  p.Pointer(12).U16(type::kNS).U16(1).U32(60).U16(5).Label("ns").Pointer(12);  // authority
  p.Label("x").Pointer(12).U16(type::kTXT).U16(1).U32(0).U16(2).Bytes({1, 'a'});  // additional
  const std::size_t opt = p.size();
  p.U8(0).U16(41).U16(1232).U32(0).U16(8).U16(10).U16(4).Bytes({1, 2, 3, 4});  // cookie option
  MessageView view;
  ASSERT_EQ(ParseMessage(p, view), WireError::kOk);
  ASSERT_TRUE(view.edns);
  EXPECT_EQ(view.edns->record_offset, opt);
  EXPECT_EQ(view.edns->rdata_offset, opt + 11);
  EXPECT_EQ(view.edns->rdata_length, 8);
}

TEST(ParseMessage, ToleratesTrailingGarbage) {
  Packet p = Query(1, 1).Opt(1232).Bytes({0xDE, 0xAD, 0xBE, 0xEF});
  MessageView view;
  ASSERT_EQ(ParseMessage(p, view), WireError::kOk);
  EXPECT_TRUE(view.edns);
}

TEST(ParseMessage, RejectsTruncatedOpt) {
  const Packet full = Query(1, 1).Opt(1232);
  MessageView view;
  for (std::size_t size = full.size() - 11; size < full.size(); ++size) {
    std::span<const std::uint8_t> cut(full.bytes().data(), size);
    EXPECT_EQ(ParseMessage(cut, view), WireError::kTruncated) << size;
  }
  // RDLENGTH larger than what follows.
  Packet long_rdata = Query(1, 1).U8(0).U16(41).U16(1232).U32(0).U16(4).U16(10);
  EXPECT_EQ(ParseMessage(long_rdata, view), WireError::kTruncated);
}

TEST(ParseMessage, RejectsTwoOptRecords) {
  Packet p = Query(1, 2).Opt(1232).Opt(4096);
  MessageView view;
  EXPECT_EQ(ParseMessage(p, view), WireError::kBadEdns);
}

TEST(ParseMessage, RejectsOptWithNonRootOwner) {
  Packet p = Query(1, 1).Name("x").U16(41).U16(1232).U32(0).U16(0);
  MessageView view;
  EXPECT_EQ(ParseMessage(p, view), WireError::kBadEdns);
  Packet compressed_root = Query(1, 1).Pointer(static_cast<std::uint16_t>(Query().size() - 5))
                               .U16(41).U16(1232).U32(0).U16(0);  // points at the qname's root
  EXPECT_EQ(ParseMessage(compressed_root, view), WireError::kBadEdns);
}

TEST(ParseMessage, RejectsMissingCountedRecords) {
  MessageView view;
  EXPECT_EQ(ParseMessage(Query(1, 1), view), WireError::kTruncated);
  Packet answers = Packet().Head(1, 0x8000, 1, 2).Name("a").U16(1).U16(1);
  answers.Pointer(12).U16(1).U16(1).U32(0).U16(4).Bytes({1, 2, 3, 4});
  EXPECT_EQ(ParseMessage(answers, view), WireError::kTruncated);
}

TEST(ParseMessage, RejectsBadNamesInSkippedRecords) {
  Packet p = Packet().Head(1, 0x8000, 1, 1).Name("a").U16(1).U16(1);
  p.Pointer(static_cast<std::uint16_t>(p.size() + 2)).U16(1).U16(1).U32(0).U16(0);
  MessageView view;
  EXPECT_EQ(ParseMessage(p, view), WireError::kBadPointer);
}

TEST(SkipRecord, ReturnsEndAndType) {
  Packet p = Query().Pointer(12).U16(type::kCNAME).U16(1).U32(300).U16(3).Bytes({1, 'x', 0});
  std::size_t end = 0;
  std::uint16_t rr_type = 0;
  ASSERT_EQ(SkipRecord(p, Query().size(), &end, &rr_type), WireError::kOk);
  EXPECT_EQ(end, p.size());
  EXPECT_EQ(rr_type, type::kCNAME);
}

TEST(HeaderCodec, RoundTrips) {
  Header h;
  h.id = 0xBEEF;
  h.flags = 0x8583;
  h.qdcount = 1;
  h.ancount = 2;
  h.nscount = 3;
  h.arcount = 4;
  std::uint8_t raw[kHeaderSize];
  h.Encode(raw);
  const Header back = Header::Decode(raw);
  EXPECT_EQ(back.id, 0xBEEF);
  EXPECT_EQ(back.flags, 0x8583);
  EXPECT_EQ(back.arcount, 4);
  EXPECT_TRUE(back.qr());
  EXPECT_TRUE(back.aa());
  EXPECT_TRUE(back.rd());
  EXPECT_EQ(back.rcode(), 3);
}

TEST(WireErrorText, NamesEveryError) {
  for (int e = 0; e <= static_cast<int>(WireError::kNoSpace); ++e) {
    EXPECT_NE(ToString(static_cast<WireError>(e)), "unknown wire error");
  }
}

}  // namespace
}  // namespace dnsd::wire
