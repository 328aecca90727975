// Fuzzes the hand-written wire parser (dnsd/wire): the input is one DNS message as it would
// arrive from a client or an upstream. Besides "no crash, no UB, no leak" it checks that what
// the builders make from a parsed message parses again with the same ID and question, and that
// names survive a round trip through their presentation form, and that the record cursor and the
// RDATA name locator stay inside the message and agree with ParseMessage.
#include <array>
#include <cstdint>
#include <span>

#include "dnsd/wire/builder.hpp"
#include "dnsd/wire/message.hpp"
#include "dnsd/wire/name.hpp"
#include "dnsd/wire/record_cursor.hpp"
#include "dnsd/wire/rr_types.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace dnsd::wire;

void CheckNameRoundTrip(const Name& name) {
  Name again;
  FUZZ_CHECK(Name::FromString(name.ToString(), again) == WireError::kOk);
  FUZZ_CHECK(again.IdenticalTo(name));
  Name lower = name;
  lower.ToLower();
  FUZZ_CHECK(lower == name);
  FUZZ_CHECK(name.IsSubdomainOf(Name()));
  FUZZ_CHECK(name.IsSubdomainOf(name));
}

// The same question (name identical, case included) and ID as `query`.
void CheckSameQuestion(std::span<const std::uint8_t> reply, const MessageView& query) {
  MessageView view;
  FUZZ_CHECK(ParseMessage(reply, view) == WireError::kOk);
  FUZZ_CHECK(view.header.id == query.header.id);
  FUZZ_CHECK(view.header.qr());
  FUZZ_CHECK(view.qname.IdenticalTo(query.qname));
  FUZZ_CHECK(view.qtype == query.qtype && view.qclass == query.qclass);
}

void CheckBuilders(std::span<const std::uint8_t> message, const MessageView& view) {
  std::array<std::uint8_t, kHeaderSize + 4 + kMaxNameLength + 11> small;
  const std::size_t error_length = BuildErrorResponse(message, view, Rcode::kServFail, small);
  FUZZ_CHECK(error_length > 0);
  CheckSameQuestion(std::span(small).first(error_length), view);

  static std::array<std::uint8_t, 65535> big;
  const std::size_t truncated = BuildTruncated(message, big);
  FUZZ_CHECK(truncated > 0);
  MessageView tc;
  FUZZ_CHECK(ParseMessage(std::span(big).first(truncated), tc) == WireError::kOk);
  FUZZ_CHECK(tc.header.tc() && tc.header.id == view.header.id);
  FUZZ_CHECK(tc.header.ancount == 0 && tc.header.nscount == 0);
  FUZZ_CHECK(tc.qname.IdenticalTo(view.qname));
  FUZZ_CHECK(tc.edns.has_value() == view.edns.has_value());
  if (tc.edns) FUZZ_CHECK(tc.edns->udp_size == view.edns->udp_size);
}

// Walks every record after a good head: each lies inside the message after the previous one, the
// names in its RDATA inside its RDATA, and the walk ends cleanly exactly when ParseMessage accepts.
void CheckRecordWalk(std::span<const std::uint8_t> message, const MessageView& head,
                     WireError parse_error) {
  RecordCursor cursor(message, head);
  std::size_t previous_end = head.question_end;
  std::size_t records = 0;
  while (cursor.Next()) {
    const Record& r = cursor.record();
    FUZZ_CHECK(r.offset == previous_end && r.fixed > r.offset && r.end() <= message.size());
    FUZZ_CHECK(r.rdata(message).size() == r.rdata_length);
    std::size_t end = 0;
    FUZZ_CHECK(SkipRecord(message, r.offset, &end) == WireError::kOk && end == r.end());
    RdataNameOffsets names;
    if (FindRdataNames(message, r.rdata_offset(), r.end(), RdataNamesOf(r.type), names) == WireError::kOk) {
      FUZZ_CHECK(names.count == RdataNamesOf(r.type).count);
      FUZZ_CHECK(names.names_begin >= r.rdata_offset() && names.names_end <= r.end());
      for (std::uint8_t i = 0; i < names.count; ++i) {
        Name name;
        FUZZ_CHECK(Name::Parse(message, names.name[i], name, &end) == WireError::kOk && end <= r.end());
      }
    }
    previous_end = r.end();
    ++records;
  }
  FUZZ_CHECK(cursor.offset() == previous_end);
  const std::size_t total = std::size_t{head.header.ancount} + head.header.nscount + head.header.arcount;
  if (cursor.error() == WireError::kOk) {
    FUZZ_CHECK(records == total);
    FUZZ_CHECK(parse_error == WireError::kOk || parse_error == WireError::kBadEdns);
  } else {
    // ParseMessage stops at a second OPT before reaching a malformed record after it.
    FUZZ_CHECK(records < total);
    FUZZ_CHECK(parse_error == cursor.error() || parse_error == WireError::kBadEdns);
    FUZZ_CHECK(!cursor.Next());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> message(data, size);

  MessageView view;
  const WireError error = ParseMessage(message, view);
  if (error == WireError::kOk) {
    FUZZ_CHECK(view.question_end <= size);
    FUZZ_CHECK(view.MaxUdpPayload() >= kClassicUdpSize);
    CheckNameRoundTrip(view.qname);
    CheckBuilders(message, view);
    MessageView head;
    FUZZ_CHECK(ParseHead(message, head) == WireError::kOk);
    FUZZ_CHECK(head.qname.IdenticalTo(view.qname) && head.question_end == view.question_end);
  } else {
    // The head may still parse (a bad record after a good question): then it agrees.
    MessageView head;
    if (ParseHead(message, head) == WireError::kOk) CheckNameRoundTrip(head.qname);
  }
  if (MessageView head; ParseHead(message, head) == WireError::kOk) CheckRecordWalk(message, head, error);

  if (size >= 2) {
    std::array<std::uint8_t, kHeaderSize> header;
    FUZZ_CHECK(BuildHeaderOnlyResponse(message, Rcode::kFormErr, header) == kHeaderSize);
    FUZZ_CHECK(ReadId(header) == ReadId(message));
  }

  // Names anywhere: the first octets say where to start (pointers may lead anywhere before it).
  if (size >= 14) {
    const std::size_t offset = 12 + (static_cast<std::size_t>(data[0] << 8 | data[1]) % (size - 12));
    Name name;
    std::size_t end = 0;
    if (Name::Parse(message, offset, name, &end) == WireError::kOk) {
      FUZZ_CHECK(end > offset && end <= size);
      FUZZ_CHECK(name.WireLength() <= kMaxNameLength);
      CheckNameRoundTrip(name);
      std::size_t record_end = 0;
      std::uint16_t type = 0;
      if (SkipRecord(message, offset, &record_end, &type) == WireError::kOk) {
        FUZZ_CHECK(record_end >= end + 10 && record_end <= size);
      }
    }
  }

  // The input as a name in presentation form.
  Name text_name;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (Name::FromString(text, text_name) == WireError::kOk) CheckNameRoundTrip(text_name);
  return 0;
}
