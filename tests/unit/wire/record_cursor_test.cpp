// The record cursor: every section in order, offsets that point at the right octets, and a
// malformed record (cut short, RDLENGTH overrun, pointer loop) ending the walk with an error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dnsd/wire/message.hpp"
#include "dnsd/wire/octets.hpp"
#include "dnsd/wire/record_cursor.hpp"
#include "packet.hpp"

// ldns/common.h may #define bool/true/false for C: include it after every C++ header.
#include <ldns/ldns.h>

namespace dnsd::wire {
namespace {

using testing::Packet;

// Header and question "example.org. A IN" (question name at 12, question end 29).
Packet Question(std::uint16_t an, std::uint16_t ns, std::uint16_t ar) {
  Packet p;
  p.Head(0x1234, 0x8180, 1, an, ns, ar).Name("example.org").U16(1).U16(1);
  return p;
}

// One answer (A, owner a pointer to the question), one authority (SOA), one additional (OPT).
Packet ThreeSections() {
  Packet p = Question(1, 1, 1);
  p.Pointer(12).U16(1).U16(1).U32(300).U16(4).Bytes({192, 0, 2, 1});
  p.Pointer(12).U16(6).U16(1).U32(3600).U16(2 + 2 + 20).Pointer(12).Pointer(12)
      .U32(1).U32(2).U32(3).U32(4).U32(60);
  p.Opt(1232, 0x8000);
  return p;
}

MessageView Head(std::span<const std::uint8_t> m) {
  MessageView view;
  EXPECT_EQ(ParseHead(m, view), WireError::kOk);
  return view;
}

TEST(RecordCursor, WalksEverySectionInOrder) {
  const Packet p = ThreeSections();
  RecordCursor cursor(p, Head(p));
  ASSERT_TRUE(cursor.Next());
  const Record& a = cursor.record();
  EXPECT_EQ(a.section, Section::kAnswer);
  EXPECT_EQ(cursor.section(), Section::kAnswer);
  EXPECT_EQ(a.offset, 29u);
  EXPECT_EQ(a.fixed, 31u);  // a pointer owner is two octets
  EXPECT_EQ(a.type, type::kA);
  EXPECT_EQ(a.klass, klass::kIN);
  EXPECT_EQ(a.ttl, 300u);
  EXPECT_EQ(Read32(p, a.ttl_offset()), 300u);
  EXPECT_EQ(a.rdata_length, 4);
  EXPECT_EQ(std::vector<std::uint8_t>(a.rdata(p).begin(), a.rdata(p).end()),
            (std::vector<std::uint8_t>{192, 0, 2, 1}));
  EXPECT_EQ(cursor.offset(), a.end());

  ASSERT_TRUE(cursor.Next());
  EXPECT_EQ(cursor.record().section, Section::kAuthority);
  EXPECT_EQ(cursor.record().type, type::kSOA);
  EXPECT_EQ(cursor.record().ttl, 3600u);
  EXPECT_EQ(cursor.record().rdata_length, 24);

  ASSERT_TRUE(cursor.Next());
  const Record& opt = cursor.record();
  EXPECT_EQ(opt.section, Section::kAdditional);
  EXPECT_EQ(opt.type, type::kOPT);
  EXPECT_EQ(opt.klass, 1232);  // an OPT's CLASS is the UDP payload size
  EXPECT_EQ(opt.fixed, opt.offset + 1);
  EXPECT_EQ(opt.rdata_length, 0);

  EXPECT_FALSE(cursor.Next());
  EXPECT_EQ(cursor.error(), WireError::kOk);
  EXPECT_EQ(cursor.offset(), p.size());
  EXPECT_FALSE(cursor.Next());
}

TEST(RecordCursor, SkipsEmptySections) {
  Packet p = Question(0, 0, 2);
  p.Name("x.example.org").U16(16).U16(1).U32(5).U16(2).Bytes({1, 'x'});
  p.Opt(4096);
  RecordCursor cursor(p, Head(p));
  ASSERT_TRUE(cursor.Next());
  EXPECT_EQ(cursor.record().section, Section::kAdditional);
  EXPECT_EQ(cursor.record().type, type::kTXT);
  EXPECT_EQ(cursor.record().fixed, 29u + 15u);
  ASSERT_TRUE(cursor.Next());
  EXPECT_EQ(cursor.record().type, type::kOPT);
  EXPECT_FALSE(cursor.Next());
  EXPECT_EQ(cursor.error(), WireError::kOk);
}

TEST(RecordCursor, NoRecordsIsAnEmptyWalk) {
  const Packet p = Question(0, 0, 0);
  RecordCursor cursor(p, Head(p));
  EXPECT_FALSE(cursor.Next());
  EXPECT_EQ(cursor.error(), WireError::kOk);
  EXPECT_EQ(cursor.offset(), p.size());
}

TEST(RecordCursor, DecodesTheOwnerWhenAsked) {
  const Packet p = ThreeSections();
  RecordCursor cursor(p, Head(p));
  Name owner;
  ASSERT_TRUE(cursor.Next(&owner));
  EXPECT_EQ(owner.ToString(), "example.org.");
  EXPECT_EQ(cursor.record().fixed, 31u);
}

// Every message cut short inside its records ends the walk with an error, at the record that
// was cut, and never reads past the cut (the copy is exactly as long as the cut).
TEST(RecordCursor, EveryTruncationEndsTheWalkWithAnError) {
  const Packet full = ThreeSections();
  const MessageView head = Head(full);
  for (std::size_t size = head.question_end; size < full.size(); ++size) {
    const std::vector<std::uint8_t> cut(full.bytes().begin(), full.bytes().begin() + size);
    RecordCursor cursor(cut, head);
    int records = 0;
    while (cursor.Next()) {
      EXPECT_LE(cursor.record().end(), size);
      ++records;
    }
    EXPECT_EQ(cursor.error(), WireError::kTruncated) << "cut at " << size;
    EXPECT_LT(records, 3);
    EXPECT_FALSE(cursor.Next());
  }
}

TEST(RecordCursor, RdlengthPastTheMessageIsTruncated) {
  Packet p = Question(1, 0, 0);
  p.Pointer(12).U16(1).U16(1).U32(300).U16(5).Bytes({192, 0, 2, 1});
  RecordCursor cursor(p, Head(p));
  EXPECT_FALSE(cursor.Next());
  EXPECT_EQ(cursor.error(), WireError::kTruncated);
  EXPECT_EQ(cursor.section(), Section::kAnswer);
}

TEST(RecordCursor, MoreRecordsCountedThanPresentIsTruncated) {
  Packet p = Question(1, 2, 0);
  p.Pointer(12).U16(1).U16(1).U32(300).U16(4).Bytes({192, 0, 2, 1});
  p.Pointer(12).U16(2).U16(1).U32(300).U16(2).Pointer(12);
  RecordCursor cursor(p, Head(p));
  EXPECT_TRUE(cursor.Next());
  EXPECT_TRUE(cursor.Next());
  EXPECT_FALSE(cursor.Next());
  EXPECT_EQ(cursor.error(), WireError::kTruncated);
  EXPECT_EQ(cursor.section(), Section::kAuthority);
}

TEST(RecordCursor, AnOwnerPointingAtItselfIsAnError) {
  Packet p = Question(1, 0, 0);
  p.Pointer(29).U16(1).U16(1).U32(300).U16(0);  // the pointer sits at 29
  RecordCursor cursor(p, Head(p));
  EXPECT_FALSE(cursor.Next());
  EXPECT_EQ(cursor.error(), WireError::kBadPointer);
}

TEST(RecordCursor, AnOwnerPointingForwardIsAnError) {
  Packet p = Question(2, 0, 0);
  p.Pointer(41).U16(1).U16(1).U32(300).U16(0);  // 41: the next record's owner
  p.Name("a").U16(1).U16(1).U32(300).U16(0);
  RecordCursor cursor(p, Head(p));
  EXPECT_FALSE(cursor.Next());
  EXPECT_EQ(cursor.error(), WireError::kBadPointer);
}

TEST(RecordCursor, APointerChainThroughEarlierOwnersIsFollowed) {
  // Each owner is a label and a pointer to the previous owner: a legal chain, ending at the
  // question.
  Packet p = Question(3, 0, 0);
  std::size_t previous = 12;
  for (int i = 0; i < 3; ++i) {
    const std::size_t at = p.size();
    p.Label("l").Pointer(static_cast<std::uint16_t>(previous)).U16(1).U16(1).U32(1).U16(0);
    previous = at;
  }
  RecordCursor cursor(p, Head(p));
  Name owner;
  int records = 0;
  while (cursor.Next(&owner)) ++records;
  EXPECT_EQ(cursor.error(), WireError::kOk);
  EXPECT_EQ(records, 3);
  EXPECT_EQ(owner.ToString(), "l.l.l.example.org.");
}

TEST(RecordCursor, ABadLabelTypeInAnOwnerIsAnError) {
  Packet p = Question(1, 0, 0);
  p.U8(0x40).U8(0).U16(1).U16(1).U32(300).U16(0);
  RecordCursor cursor(p, Head(p));
  EXPECT_FALSE(cursor.Next());
  EXPECT_EQ(cursor.error(), WireError::kBadLabelType);
}

TEST(ReadRecord, SkipRecordAgreesWithIt) {
  const Packet p = ThreeSections();
  Record record;
  ASSERT_EQ(ReadRecord(p, 29, record), WireError::kOk);
  std::size_t end = 0;
  std::uint16_t rr_type = 0;
  ASSERT_EQ(SkipRecord(p, 29, &end, &rr_type), WireError::kOk);
  EXPECT_EQ(end, record.end());
  EXPECT_EQ(rr_type, record.type);
  EXPECT_EQ(ReadRecord(p, p.size(), record), WireError::kTruncated);
  EXPECT_EQ(ReadRecord(p, p.size() + 7, record), WireError::kTruncated);
}

// ldns as the oracle: records written by ldns_pkt2wire walk back as ldns reads them.
TEST(RecordCursor, AgreesWithLdnsOnItsOwnPackets) {
  const char* const answers[] = {"www.example.org. 300 IN CNAME web.example.org.",
                                 "web.example.org. 60 IN A 192.0.2.7",
                                 "web.example.org. 60 IN AAAA 2001:db8::7"};
  const char* const authority = "example.org. 3600 IN SOA ns.example.org. host.example.org. 1 2 3 4 5";
  const char* const additional = "ns.example.org. 120 IN A 192.0.2.53";
  ldns_rdf* qname = ldns_dname_new_frm_str("www.example.org.");
  ldns_pkt* pkt = ldns_pkt_query_new(qname, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, LDNS_RD);
  const auto push = [&](const char* text, ldns_pkt_section section) {
    ldns_rr* rr = nullptr;
    ASSERT_EQ(ldns_rr_new_frm_str(&rr, text, 0, nullptr, nullptr), LDNS_STATUS_OK) << text;
    ldns_pkt_push_rr(pkt, section, rr);
  };
  for (const char* text : answers) push(text, LDNS_SECTION_ANSWER);
  push(authority, LDNS_SECTION_AUTHORITY);
  push(additional, LDNS_SECTION_ADDITIONAL);
  ldns_pkt_set_edns_udp_size(pkt, 1232);  // ldns writes the OPT last
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  ASSERT_EQ(ldns_pkt2wire(&wire, pkt, &size), LDNS_STATUS_OK);
  const std::vector<std::uint8_t> bytes(wire, wire + size);
  std::free(wire);

  ldns_pkt* parsed = nullptr;
  ASSERT_EQ(ldns_wire2pkt(&parsed, bytes.data(), bytes.size()), LDNS_STATUS_OK);
  const ldns_rr_list* lists[] = {ldns_pkt_answer(parsed), ldns_pkt_authority(parsed),
                                 ldns_pkt_additional(parsed)};
  RecordCursor cursor(bytes, Head(bytes));
  std::size_t index[3] = {};
  int opt = 0;
  Name owner;
  while (cursor.Next(&owner)) {
    const Record& record = cursor.record();
    if (record.type == type::kOPT) {  // ldns keeps the OPT out of its record lists
      ++opt;
      EXPECT_EQ(record.klass, 1232);
      continue;
    }
    const auto s = static_cast<std::size_t>(record.section);
    ASSERT_LT(index[s], ldns_rr_list_rr_count(lists[s]));
    const ldns_rr* rr = ldns_rr_list_rr(lists[s], index[s]++);
    EXPECT_EQ(record.type, ldns_rr_get_type(rr));
    EXPECT_EQ(record.klass, ldns_rr_get_class(rr));
    EXPECT_EQ(record.ttl, ldns_rr_ttl(rr));
    char* text = ldns_rdf2str(ldns_rr_owner(rr));
    EXPECT_EQ(owner.ToString(), std::string(text));
    std::free(text);
    std::size_t rdata_size = 0;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) rdata_size += ldns_rdf_size(ldns_rr_rdf(rr, i));
    // ldns decompresses names in RDATA; only uncompressed RDATA has the same length.
    if (record.type == type::kA || record.type == type::kAAAA) {
      EXPECT_EQ(record.rdata_length, rdata_size);
    }
  }
  EXPECT_EQ(cursor.error(), WireError::kOk);
  EXPECT_EQ(cursor.offset(), bytes.size());
  EXPECT_EQ(opt, 1);
  for (std::size_t s = 0; s < 3; ++s) EXPECT_EQ(index[s], ldns_rr_list_rr_count(lists[s]));
  ldns_pkt_free(parsed);
  ldns_pkt_free(pkt);
}

}  // namespace
}  // namespace dnsd::wire
