// Internal: a bounds-checked DNS message writer over a caller's buffer, used to write the upstream
// query and the reverted response.
//
// Hand-written rather than ldns because ldns allocates per record and per rdf (ldns_wire2pkt and
// ldns_pkt2wire malloc every rr), and the reverter runs once per forwarded query on the hot path.
// Errors are sticky: after the first write that does not fit, every write is a no-op and ok() is
// false, so callers check once at the end.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "dnsd/wire/octets.hpp"

namespace dnsd::rules::detail {

class MessageWriter {
 public:
  explicit MessageWriter(std::span<std::uint8_t> out) : out_(out) {}

  bool ok() const { return ok_; }
  std::size_t size() const { return pos_; }
  void Fail() { ok_ = false; }

  void U8(std::uint8_t v) {
    if (Room(1)) out_[pos_++] = v;
  }
  void U16(std::uint16_t v) {
    if (!Room(2)) return;
    wire::Write16(out_.data() + pos_, v);
    pos_ += 2;
  }
  void U32(std::uint32_t v) {
    U16(static_cast<std::uint16_t>(v >> 16));
    U16(static_cast<std::uint16_t>(v));
  }
  void Bytes(std::span<const std::uint8_t> bytes) {
    if (bytes.empty() || !Room(bytes.size())) return;
    std::memcpy(out_.data() + pos_, bytes.data(), bytes.size());
    pos_ += bytes.size();
  }
  // Overwrites a 16-bit field written earlier (counts, RDLENGTH).
  void PatchU16(std::size_t at, std::uint16_t v) {
    if (!ok_ || at + 2 > pos_) return;
    wire::Write16(out_.data() + at, v);
  }

  // Remembers the question name just written at `offset` (uncompressed, `wire`) so later names can
  // point to it. Only the question is a compression target: nearly every answer's owner is the
  // question name (or a name sharing its zone), so this gets most of the gain of full
  // compression for a fraction of the work.
  void SetCompressionTarget(std::size_t offset, std::span<const std::uint8_t> wire) {
    target_count_ = 0;
    if (offset > 0x3FFF) return;
    for (std::size_t pos = 0; pos < wire.size() && wire[pos] != 0 && target_count_ < kMaxTargets;
         pos += wire[pos] + 1u) {
      targets_[target_count_++] = {static_cast<std::uint16_t>(offset + pos),
                                   static_cast<std::uint16_t>(wire.size() - pos)};
    }
    target_wire_ = wire.data();  // the caller keeps the question alive while writing
    target_length_ = wire.size();
  }

  // Writes an uncompressed wire name; with `compress`, its longest suffix that is byte-identical
  // (case included, so no letter changes) to a suffix of the question becomes a pointer.
  void Name(std::span<const std::uint8_t> wire, bool compress) {
    if (compress && target_count_ > 0) {
      for (std::size_t pos = 0; pos < wire.size() && wire[pos] != 0; pos += wire[pos] + 1u) {
        const std::size_t rest = wire.size() - pos;
        const Target* t = Find(rest);
        if (t != nullptr &&
            std::memcmp(wire.data() + pos, target_wire_ + (target_length_ - rest), rest) == 0) {
          Bytes(wire.first(pos));
          U16(static_cast<std::uint16_t>(0xC000 | t->offset));
          return;
        }
      }
    }
    Bytes(wire);
  }

 private:
  struct Target {
    std::uint16_t offset;  // where this suffix of the question name starts in the output
    std::uint16_t length;  // its wire length, root included
  };
  static constexpr std::size_t kMaxTargets = 128;

  const Target* Find(std::size_t length) const {
    for (std::size_t i = 0; i < target_count_; ++i) {
      if (targets_[i].length == length) return &targets_[i];
      if (targets_[i].length < length) return nullptr;  // lengths decrease
    }
    return nullptr;
  }
  bool Room(std::size_t n) {
    if (ok_ && n <= out_.size() - pos_) return true;
    ok_ = false;
    return false;
  }

  std::span<std::uint8_t> out_;
  std::size_t pos_ = 0;
  bool ok_ = true;
  std::array<Target, kMaxTargets> targets_;
  std::size_t target_count_ = 0;
  const std::uint8_t* target_wire_ = nullptr;
  std::size_t target_length_ = 0;
};

}  // namespace dnsd::rules::detail
