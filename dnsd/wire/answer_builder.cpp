#include "dnsd/wire/answer_builder.hpp"

#include <cstring>

#include "dnsd/wire/builder.hpp"
#include "dnsd/wire/octets.hpp"

namespace dnsd::wire {
namespace {

constexpr std::uint16_t kQr = 0x8000, kAa = 0x0400, kRd = 0x0100, kCd = 0x0010, kOpcodeMask = 0x7800;

}  // namespace

AnswerBuilder::AnswerBuilder(std::span<const std::uint8_t> query, const MessageView& view,
                             std::span<std::uint8_t> out, std::uint8_t rcode, bool authoritative)
    : view_(view), out_(out),
      rcode_flags_(static_cast<std::uint16_t>((authoritative ? kAa : 0) | (rcode & 0xF))) {
  const std::size_t question_length = view.question_end - view.question_offset;
  if (view.question_end > query.size() || !Room(kHeaderSize + question_length)) return;
  std::memcpy(out.data() + kHeaderSize, query.data() + view.question_offset, question_length);
  pos_ = kHeaderSize + question_length;
}

bool AnswerBuilder::Room(std::size_t n) {
  if (failed_ || pos_ + n > out_.size()) failed_ = true;
  return !failed_;
}

void AnswerBuilder::BeginRecord(Section section, std::span<const std::uint8_t> owner, std::uint16_t type,
                                std::uint16_t klass, std::uint32_t ttl) {
  if (section < section_) failed_ = true;
  section_ = section;
  Append(owner);
  Append16(type);
  Append16(klass);
  Append32(ttl);
  Append16(0);  // RDLENGTH, set by EndRecord
  rdata_ = pos_;
}

void AnswerBuilder::Append(std::span<const std::uint8_t> bytes) {
  if (!Room(bytes.size())) return;
  if (!bytes.empty()) std::memcpy(out_.data() + pos_, bytes.data(), bytes.size());
  pos_ += bytes.size();
}

void AnswerBuilder::Append8(std::uint8_t value) { Append({&value, 1}); }

void AnswerBuilder::Append16(std::uint16_t value) {
  std::uint8_t bytes[2];
  Write16(bytes, value);
  Append(bytes);
}

void AnswerBuilder::Append32(std::uint32_t value) {
  Append16(static_cast<std::uint16_t>(value >> 16));
  Append16(static_cast<std::uint16_t>(value));
}

void AnswerBuilder::EndRecord() {
  if (failed_) return;
  const std::size_t length = pos_ - rdata_;
  if (length > 0xFFFF) {
    failed_ = true;
    return;
  }
  Write16(out_.data() + rdata_ - 2, static_cast<std::uint16_t>(length));
  ++counts_[static_cast<int>(section_)];
}

void AnswerBuilder::WriteEdeOpt() {
  constexpr std::uint16_t kEdeOption = 15, kCoreDnsPayload = 4096, kDo = 0x8000;
  Append8(0);  // root owner
  Append16(type::kOPT);
  Append16(view_.edns ? view_.edns->udp_size : kCoreDnsPayload);
  Append16(0);  // extended rcode, version
  Append16(kDo);
  const std::size_t option_length = 2 + ede_text_.size();
  Append16(static_cast<std::uint16_t>(4 + option_length));
  Append16(kEdeOption);
  Append16(static_cast<std::uint16_t>(option_length));
  Append16(ede_code_);
  Append({reinterpret_cast<const std::uint8_t*>(ede_text_.data()), ede_text_.size()});
}

std::size_t AnswerBuilder::Finish() {
  const bool edns = view_.edns.has_value() || has_ede_;
  if (has_ede_) {
    WriteEdeOpt();
  } else if (edns && Room(kOptSize)) {
    WriteOpt(out_.data() + pos_, view_.edns->dnssec_ok);
    pos_ += kOptSize;
  }
  if (failed_) return 0;
  Header header;
  header.id = view_.header.id;
  header.flags = static_cast<std::uint16_t>(kQr | (view_.header.flags & (kOpcodeMask | kRd | kCd)) |
                                            rcode_flags_);
  header.qdcount = 1;
  header.ancount = counts_[0];
  header.nscount = counts_[1];
  header.arcount = static_cast<std::uint16_t>(counts_[2] + (edns ? 1 : 0));
  header.Encode(out_.data());
  return pos_;
}

}  // namespace dnsd::wire
