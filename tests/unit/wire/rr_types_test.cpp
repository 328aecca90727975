// The record type table: mnemonics, where names sit in RDATA (ldns's descriptors as the oracle),
// and locating those names in malformed RDATA without reading past it.
#include <gtest/gtest.h>

#include <vector>

#include "dnsd/wire/message.hpp"
#include "dnsd/wire/record_cursor.hpp"
#include "dnsd/wire/rr_types.hpp"
#include "packet.hpp"

// ldns/common.h may #define bool/true/false for C: include it after every C++ header.
#include <ldns/ldns.h>

namespace dnsd::wire {
namespace {

using testing::Packet;

TEST(RrTypes, MnemonicsAndCodesRoundTrip) {
  for (const RrType& type : RrTypes()) {
    EXPECT_EQ(TypeMnemonic(type.code), type.mnemonic);
    EXPECT_EQ(TypeFromMnemonic(type.mnemonic), type.code) << type.mnemonic;
  }
  EXPECT_EQ(TypeMnemonic(1), "A");
  EXPECT_EQ(TypeMnemonic(28), "AAAA");
  EXPECT_EQ(TypeMnemonic(32769), "DLV");
  EXPECT_EQ(TypeMnemonic(0), "");
  EXPECT_EQ(TypeMnemonic(11), "");     // WKS: not in miekg/dns's Type.String list
  EXPECT_EQ(TypeMnemonic(65280), "");  // printed TYPE65280
  EXPECT_EQ(TypeFromMnemonic("aaaa"), 0);  // exact: callers upper-case first
  EXPECT_EQ(TypeFromMnemonic("TYPE1"), 0);
}

TEST(RrTypes, TypesWithNamesAreTheOnesTheRewriterAndLoadBalancerHandled) {
  std::vector<std::uint16_t> named;
  for (const RrType& type : RrTypes()) {
    if (type.names.count > 0) named.push_back(type.code);
    EXPECT_EQ(RdataNamesOf(type.code).count, type.names.count);
  }
  // NS MD MF CNAME SOA MB MG MR PTR MINFO MX RP AFSDB RT PX SRV NAPTR KX DNAME
  EXPECT_EQ(named, (std::vector<std::uint16_t>{2, 3, 4, 5, 6, 7, 8, 9, 12, 14, 15, 17, 18, 21, 26,
                                                33, 35, 36, 39}));
  EXPECT_EQ(RdataNamesOf(65535).count, 0);
  const RdataNames& soa = RdataNamesOf(type::kSOA);
  EXPECT_EQ(soa.count, 2);
  EXPECT_EQ(soa.tail, 20);
  EXPECT_EQ(RdataNamesOf(type::kMX).prefix, 2);
  EXPECT_EQ(RdataNamesOf(type::kSRV).prefix, 6);
  EXPECT_EQ(RdataNamesOf(type::kNAPTR).prefix, 4);
  EXPECT_EQ(RdataNamesOf(type::kNAPTR).strings, 3);
  EXPECT_EQ(RdataNamesOf(26).count, 2);  // PX: MAP822, MAPX400
}

// ldns's descriptors list the same name fields, in the same place, and compress exactly the
// RFC 1035 ones.
TEST(RrTypes, NameFieldsAgreeWithLdns) {
  for (const RrType& type : RrTypes()) {
    if (type.names.count == 0) continue;
    const ldns_rr_descriptor* d = ldns_rr_descript(type.code);
    ASSERT_NE(d, nullptr) << type.mnemonic;
    std::size_t prefix = 0, strings = 0, names = 0, tail = 0;
    for (std::size_t i = 0; i < ldns_rr_descriptor_minimum(d); ++i) {
      const ldns_rdf_type field = ldns_rr_descriptor_field_type(d, i);
      if (field == LDNS_RDF_TYPE_DNAME) {
        ++names;
      } else if (field == LDNS_RDF_TYPE_STR) {
        ++strings;
      } else {
        const bool four = field == LDNS_RDF_TYPE_INT32 || field == LDNS_RDF_TYPE_PERIOD;  // SOA's
        const std::size_t size = field == LDNS_RDF_TYPE_INT16 ? 2 : four ? 4 : 0;
        ASSERT_NE(size, 0u) << type.mnemonic << " field " << i;
        (names == 0 ? prefix : tail) += size;
      }
    }
    EXPECT_EQ(names, type.names.count) << type.mnemonic;
    EXPECT_EQ(prefix, type.names.prefix) << type.mnemonic;
    EXPECT_EQ(strings, type.names.strings) << type.mnemonic;
    EXPECT_EQ(tail, type.names.tail) << type.mnemonic;
    EXPECT_EQ(d->_compress == LDNS_RR_COMPRESS, type.names.compressible) << type.mnemonic;
  }
}

// A response to "example.org." with one answer of `type` whose RDATA is `rdata` (from offset 41).
struct Answer {
  Packet packet;
  Record record;
};
Answer MakeAnswer(std::uint16_t type, const std::vector<std::uint8_t>& rdata) {
  Answer a;
  a.packet.Head(1, 0x8180, 1, 1).Name("example.org").U16(type).U16(1);
  a.packet.Pointer(12).U16(type).U16(1).U32(60).U16(static_cast<std::uint16_t>(rdata.size()));
  for (std::uint8_t octet : rdata) a.packet.U8(octet);
  EXPECT_EQ(ReadRecord(a.packet, 29, a.record), WireError::kOk);
  return a;
}

WireError Find(const Answer& a, RdataNameOffsets& out) {
  return FindRdataNames(a.packet, a.record.rdata_offset(), a.record.end(), RdataNamesOf(a.record.type),
                        out);
}

TEST(FindRdataNames, LocatesBothSoaNamesAndTheTail) {
  std::vector<std::uint8_t> rdata = {2, 'n', 's', 0xC0, 12, 0xC0, 12};
  rdata.resize(rdata.size() + 20, 0);
  const Answer a = MakeAnswer(type::kSOA, rdata);
  RdataNameOffsets names;
  ASSERT_EQ(Find(a, names), WireError::kOk);
  EXPECT_EQ(names.count, 2);
  EXPECT_EQ(names.name[0], 41u);
  EXPECT_EQ(names.name[1], 46u);
  EXPECT_EQ(names.names_end, 48u);
  EXPECT_EQ(a.record.end() - names.names_end, 20u);
}

TEST(FindRdataNames, SkipsThePreferenceAndNaptrStrings) {
  const Answer mx = MakeAnswer(type::kMX, {0, 10, 0xC0, 12});
  RdataNameOffsets names;
  ASSERT_EQ(Find(mx, names), WireError::kOk);
  EXPECT_EQ(names.name[0], 43u);
  const Answer naptr = MakeAnswer(type::kNAPTR, {0, 1, 0, 2, 1, 'u', 3, 'S', 'I', 'P', 0, 0});
  ASSERT_EQ(Find(naptr, names), WireError::kOk);
  EXPECT_EQ(names.names_begin, 41u + 4 + 2 + 4 + 1);
  EXPECT_EQ(names.names_end, naptr.record.end());
}

TEST(FindRdataNames, RdataTooShortForItsLayoutIsTruncated) {
  RdataNameOffsets names;
  EXPECT_EQ(Find(MakeAnswer(type::kMX, {0}), names), WireError::kTruncated);
  EXPECT_EQ(Find(MakeAnswer(type::kSRV, {0, 1, 0, 2, 0}), names), WireError::kTruncated);
  EXPECT_EQ(Find(MakeAnswer(type::kNAPTR, {0, 1, 0, 2, 9, 'u'}), names), WireError::kTruncated);
  EXPECT_EQ(Find(MakeAnswer(type::kCNAME, {}), names), WireError::kTruncated);
}

// A name running past RDLENGTH is this record's error even when the octets after it would
// complete it: the walk is bounded by the RDATA.
TEST(FindRdataNames, ANameRunningPastTheRdataIsTruncated) {
  Answer a = MakeAnswer(type::kCNAME, {3, 'w', 'w'});
  a.packet.Bytes({'w', 0});
  RdataNameOffsets names;
  EXPECT_EQ(Find(a, names), WireError::kTruncated);
}

TEST(FindRdataNames, PointerLoopsAndForwardPointersAreErrors) {
  RdataNameOffsets names;
  EXPECT_EQ(Find(MakeAnswer(type::kCNAME, {0xC0, 41}), names), WireError::kBadPointer);  // itself
  EXPECT_EQ(Find(MakeAnswer(type::kCNAME, {0xC0, 5}), names), WireError::kBadPointer);   // header
  EXPECT_EQ(Find(MakeAnswer(type::kNS, {0x80, 0}), names), WireError::kBadLabelType);
  // Two pointers into each other: the first one's target is the second, a forward jump.
  EXPECT_EQ(Find(MakeAnswer(14 /* MINFO */, {0xC0, 43, 0xC0, 41}), names), WireError::kBadPointer);
}

}  // namespace
}  // namespace dnsd::wire
