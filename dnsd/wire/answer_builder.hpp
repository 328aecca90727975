// Writing an answer of our own (whoami, template) into a caller's buffer, without heap: the
// header and question from the query, then records section by section (answer, authority,
// additional, in that order), then our OPT when the query had EDNS. Every write is bounds-checked;
// once one does not fit the builder is failed and Finish() returns 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "dnsd/wire/message.hpp"

namespace dnsd::wire {

class AnswerBuilder {
 public:
  // Header as miekg/dns SetReply (ID, opcode, RD, CD copied; QR set), with AA and `rcode`; the
  // question copied verbatim from `query` to offset 12 (so a pointer 0xC00C names the qname).
  AnswerBuilder(std::span<const std::uint8_t> query, const MessageView& view, std::span<std::uint8_t> out,
                std::uint8_t rcode, bool authoritative);

  // Starts a record in `section` (not before the one of the previous record): owner in wire form
  // (may end in a pointer), TYPE, CLASS, TTL. RDATA follows with the Append calls; EndRecord
  // fills in RDLENGTH.
  void BeginRecord(Section section, std::span<const std::uint8_t> owner, std::uint16_t type,
                   std::uint16_t klass, std::uint32_t ttl);
  void Append(std::span<const std::uint8_t> bytes);
  void Append8(std::uint8_t value);
  void Append16(std::uint16_t value);
  void Append32(std::uint32_t value);
  void EndRecord();

  // Adds an Extended DNS Error (RFC 8914) to the answer's OPT record, which then exists even
  // without EDNS in the query, as CoreDNS's template writes it: payload 4096 (the client's when
  // it sent one), DO set. `text` must outlive Finish().
  void SetExtendedError(std::uint16_t code, std::string_view text) {
    ede_code_ = code;
    ede_text_ = text;
    has_ede_ = true;
  }

  // Writes the counts (and the OPT record); the answer's length, or 0 when it did not fit.
  std::size_t Finish();
  bool failed() const { return failed_; }

 private:
  bool Room(std::size_t n);
  void WriteEdeOpt();

  const MessageView& view_;
  std::span<std::uint8_t> out_;
  std::uint16_t rcode_flags_;
  std::size_t pos_ = 0;
  std::size_t rdata_ = 0;  // where the current record's RDATA starts
  std::uint16_t counts_[3] = {};
  Section section_ = Section::kAnswer;
  bool failed_ = false;
  bool has_ede_ = false;
  std::uint16_t ede_code_ = 0;
  std::string_view ede_text_;
};

}  // namespace dnsd::wire
