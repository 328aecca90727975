// A zero-allocation walk over the resource records of a message, section by section. Each record
// is checked as it is reached (owner name as Name::Parse checks it, fixed fields and RDATA inside
// the message); the first malformed one ends the walk with an error, never a read out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "dnsd/wire/error.hpp"
#include "dnsd/wire/message.hpp"
#include "dnsd/wire/name_walk.hpp"
#include "dnsd/wire/octets.hpp"

namespace dnsd::wire {

inline constexpr std::size_t kRecordFixedSize = 10;  // TYPE, CLASS, TTL, RDLENGTH

// One record, as offsets into its message.
struct Record {
  Section section = Section::kAnswer;
  std::size_t offset = 0;  // the owner name
  std::size_t fixed = 0;   // TYPE: just past the owner's encoding
  std::uint16_t type = 0;
  std::uint16_t klass = 0;
  std::uint32_t ttl = 0;
  std::uint16_t rdata_length = 0;

  std::size_t ttl_offset() const { return fixed + 4; }
  std::size_t rdata_offset() const { return fixed + kRecordFixedSize; }
  std::size_t end() const { return rdata_offset() + rdata_length; }
  std::span<const std::uint8_t> rdata(std::span<const std::uint8_t> message) const {
    return message.subspan(rdata_offset(), rdata_length);
  }
};

namespace detail {

// The fixed fields and RDATA bounds of the record whose owner name ends at `fixed`.
inline WireError ReadRecordAfterOwner(std::span<const std::uint8_t> message, std::size_t offset,
                                      std::size_t fixed, Record& out) {
  if (message.size() - fixed < kRecordFixedSize) return WireError::kTruncated;
  const std::uint8_t* p = message.data() + fixed;
  const std::uint16_t rdata_length = Read16(p + 8);
  if (message.size() - fixed - kRecordFixedSize < rdata_length) return WireError::kTruncated;
  out.offset = offset;
  out.fixed = fixed;
  out.type = Read16(p);
  out.klass = Read16(p + 2);
  out.ttl = Read32(p + 4);
  out.rdata_length = rdata_length;
  return WireError::kOk;
}

}  // namespace detail

// Reads the record at `offset` into `out` (its section is left as it was). kTruncated when the
// fixed fields or the RDATA run past the message; the owner name's errors as Name::Parse.
// Without a decoded owner: the walk ParseMessage does for every record. A separate overload, not
// a null `owner`, so that walk carries no Name::Parse branch (wire_bench BM_BuildTruncated).
inline WireError ReadRecord(std::span<const std::uint8_t> message, std::size_t offset, Record& out) {
  std::size_t fixed = 0;
  if (auto error = detail::WalkName<false>(message, offset, nullptr, nullptr, &fixed);
      error != WireError::kOk) {
    return error;
  }
  return detail::ReadRecordAfterOwner(message, offset, fixed, out);
}

// The same, with the owner name decoded into `owner` (for callers that copy it).
inline WireError ReadRecord(std::span<const std::uint8_t> message, std::size_t offset, Record& out,
                            Name& owner) {
  std::size_t fixed = 0;
  if (auto error = Name::Parse(message, offset, owner, &fixed); error != WireError::kOk) return error;
  return detail::ReadRecordAfterOwner(message, offset, fixed, out);
}

class RecordCursor {
 public:
  // The records after the question of `message`, whose head `head` is (from ParseHead).
  RecordCursor(std::span<const std::uint8_t> message, const MessageView& head)
      : RecordCursor(message, head.question_end, head.header.ancount, head.header.nscount,
                     head.header.arcount) {}
  // `answers` + `authorities` + `additionals` records starting at `offset`.
  RecordCursor(std::span<const std::uint8_t> message, std::size_t offset, std::uint16_t answers,
               std::uint16_t authorities, std::uint16_t additionals)
      : message_(message), offset_(offset), left_{answers, authorities, additionals} {}

  // Moves to the next record, decoding its owner into `*owner` when given; false after the last
  // one (error() is kOk) or at a malformed one (error() says why, and every later call is false).
  bool Next(Name* owner = nullptr) {
    if (error_ != WireError::kOk) return false;
    while (section_ < 3 && left_[section_] == 0) ++section_;
    if (section_ == 3) return false;
    error_ = owner != nullptr ? ReadRecord(message_, offset_, record_, *owner)
                              : ReadRecord(message_, offset_, record_);
    if (error_ != WireError::kOk) return false;
    record_.section = static_cast<Section>(section_);
    --left_[section_];
    offset_ = record_.end();
    return true;
  }

  // The record Next() moved to.
  const Record& record() const { return record_; }
  // The section of that record; after a false Next(), of the malformed record (kAdditional at
  // the end).
  Section section() const { return static_cast<Section>(section_ < 3 ? section_ : 2); }
  WireError error() const { return error_; }
  // Where the next record starts; after the last record, the end of the records.
  std::size_t offset() const { return offset_; }
  // The message walked over.
  std::span<const std::uint8_t> message() const { return message_; }

 private:
  std::span<const std::uint8_t> message_;
  std::size_t offset_;
  std::uint16_t left_[3];
  std::uint8_t section_ = 0;
  WireError error_ = WireError::kOk;
  Record record_;
};

}  // namespace dnsd::wire
