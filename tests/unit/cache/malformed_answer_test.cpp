// Answers and queries that fuzzing (tests/fuzz/cache_fuzz.cpp) found the cache mishandled; each
// input is also in tests/fuzz/corpus/cache/ as repro-*.
#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "dnsd/plugins/cache/answer.hpp"
#include "dnsd/wire/message.hpp"

namespace dnsd::plugins::cache {
namespace {

using Bytes = std::vector<std::uint8_t>;

// ID 0x1234, RD, one question "a\000b." (a label holding a zero octet) of type A, class IN, written
// compressed: the label, then a pointer to the zero octet inside it, which ends the name.
const Bytes kCompressedQuery = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                                3, 'a', 0, 'b', 0xC0, 14, 0, 1, 0, 1};

// A response to that question, its question written `question`, with one A record whose owner is
// `owner` (two octets: a pointer).
Bytes Response(const Bytes& question, std::uint8_t owner_high, std::uint8_t owner_low) {
  Bytes r = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0};
  r.insert(r.end(), question.begin(), question.end());
  const Bytes record = {owner_high, owner_low, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1};
  r.insert(r.end(), record.begin(), record.end());
  return r;
}

const Bytes kPlainQuestion = {3, 'a', 0, 'b', 0, 0, 1, 0, 1};

wire::MessageView Parse(const Bytes& message) {
  wire::MessageView view;
  EXPECT_EQ(wire::ParseMessage(message, view), wire::WireError::kOk);
  return view;
}

TEST(CacheMalformedAnswer, ARecordOwnerPointingIntoTheHeaderIsNotCached) {
  const wire::MessageView query = Parse(kCompressedQuery);
  std::vector<std::uint16_t> offsets(kMaxRecords);
  EXPECT_FALSE(Analyse(Response(kPlainQuestion, 0xC0, 0x00), query, offsets).cacheable);
  EXPECT_TRUE(Analyse(Response(kPlainQuestion, 0xC0, 0x0C), query, offsets).cacheable);
}

TEST(CacheMalformedAnswer, AResponseWithACompressedQuestionIsNotCached) {
  const wire::MessageView query = Parse(kCompressedQuery);
  const Bytes compressed_question = {3, 'a', 0, 'b', 0xC0, 14, 0, 1, 0, 1};
  std::vector<std::uint16_t> offsets(kMaxRecords);
  EXPECT_FALSE(Analyse(Response(compressed_question, 0xC0, 0x0C), query, offsets).cacheable);
}

TEST(CacheMalformedAnswer, AClientsCompressedQuestionIsAnsweredWithTheNameUncompressed) {
  const wire::MessageView query = Parse(kCompressedQuery);
  const Bytes response = Response(kPlainQuestion, 0xC0, 0x0C);
  std::vector<std::uint16_t> offsets(kMaxRecords);
  const Analysis analysis = Analyse(response, query, offsets);
  ASSERT_TRUE(analysis.cacheable);
  Bytes buffer(response.size() + kBareOptSize);
  const std::size_t stored = BuildStoredForm(response, analysis, buffer);
  ReplyPatch patch;
  patch.client_query = kCompressedQuery;
  patch.client_view = &query;
  patch.ttl_offsets = {offsets.data(), analysis.ttl_count};
  patch.ttl = 30;
  buffer.resize(PatchReply(buffer, stored, patch));
  const wire::MessageView reply = Parse(buffer);
  EXPECT_EQ(reply.header.id, 0x1234);
  EXPECT_TRUE(reply.qname.IdenticalTo(query.qname));
  EXPECT_EQ(reply.header.ancount, 1);
}

// cname.svc.cluster.local A: a CNAME to svc1.ns1-default (then a pointer to the question's
// "svc.cluster.local"), then an A record whose owner is a pointer to `owner_target`.
Bytes CnameThenA(std::uint8_t owner_target) {
  Bytes r = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0};
  for (const char* label : {"cname", "svc", "cluster", "local"}) {
    r.push_back(static_cast<std::uint8_t>(std::string_view(label).size()));
    r.insert(r.end(), label, label + std::string_view(label).size());
  }
  const Bytes rest = {0, 0, 1, 0, 1,
                      0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 30, 0, 19,  // CNAME, TTL 30 at offset 47
                      4, 's', 'v', 'c', '1', 11, 'n', 's', '1', '-', 'd', 'e', 'f', 'a', 'u', 'l', 't',
                      0xC0, 18,
                      0xC0, owner_target, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 10, 1, 0, 1};
  r.insert(r.end(), rest.begin(), rest.end());
  return r;
}

TEST(CacheMalformedAnswer, ANamePointingIntoATtlFieldIsNotCached) {
  Bytes query = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  const Bytes response = CnameThenA(53);
  query.insert(query.end(), response.begin() + 12, response.begin() + 41);  // the question
  const wire::MessageView view = Parse(query);
  std::vector<std::uint16_t> offsets(kMaxRecords);
  // The A record's owner is the CNAME's target (offset 53): fine. At offset 47, the first octet
  // of the CNAME's TTL (0, the root), it would change with the TTL a hit writes.
  EXPECT_TRUE(Analyse(CnameThenA(53), view, offsets).cacheable);
  EXPECT_FALSE(Analyse(CnameThenA(47), view, offsets).cacheable);
}

// Every type in wire/rr_types.cpp with names in its RDATA is checked, not only the common ones:
// an AFSDB whose hostname is a pointer to `target`, here its own TTL field at offset 27.
Bytes Afsdb(std::uint8_t target) {
  Bytes r = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0};
  r.insert(r.end(), kPlainQuestion.begin(), kPlainQuestion.end());
  const Bytes record = {0xC0, 12, 0, 18, 0, 1, 0, 0, 0, 60, 0, 4, 0, 1, 0xC0, target};
  r.insert(r.end(), record.begin(), record.end());
  return r;
}

TEST(CacheMalformedAnswer, ANameInAnyTypesRdataPointingIntoATtlFieldIsNotCached) {
  Bytes query = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  query.insert(query.end(), kPlainQuestion.begin(), kPlainQuestion.end());
  const wire::MessageView view = Parse(query);
  std::vector<std::uint16_t> offsets(kMaxRecords);
  EXPECT_TRUE(Analyse(Afsdb(12), view, offsets).cacheable);
  EXPECT_FALSE(Analyse(Afsdb(27), view, offsets).cacheable);
}

}  // namespace
}  // namespace dnsd::plugins::cache
