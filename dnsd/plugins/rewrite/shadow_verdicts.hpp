// One worker's shadow verdicts: for each name the shadow rules rewrote, the rewritten name and
// whether it resolves (from a probe), with when that was learnt. Fixed size (kSlots entries, names
// inline); when a neighbourhood is full the entry learnt longest ago gives way. No allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::rewrite {

enum class Verdict : std::uint8_t { kPending, kResolves, kNxDomain, kNoData, kServFail, kTimeout };
inline constexpr std::size_t kVerdicts = 6;
std::string_view VerdictText(std::size_t verdict);  // "pending", "resolves", ...

class ShadowVerdicts {
 public:
  static constexpr std::size_t kSlots = 1024;
  static constexpr std::size_t kWindow = 8;  // probes per lookup

  struct Entry {
    std::array<std::uint8_t, wire::kMaxNameLength> name{};       // the client's name, wire, lower case
    std::array<std::uint8_t, wire::kMaxNameLength> rewritten{};  // what the shadow rules made of it
    std::uint8_t name_length = 0, rewritten_length = 0;
    std::uint16_t qtype = 0;
    Verdict verdict = Verdict::kPending;
    bool probing = false;            // a probe is in flight
    std::int64_t learnt_ns = 0;      // when `verdict` was set (steady clock); 0: never
    std::int64_t touched_ns = 0;     // last query
    std::uint64_t queries = 0;
    std::span<const std::uint8_t> Name() const { return {name.data(), name_length}; }
    std::span<const std::uint8_t> Rewritten() const { return {rewritten.data(), rewritten_length}; }
  };

  ShadowVerdicts();
  // The entry of (`name`, `qtype`), made (verdict pending) if absent; the rewritten name is updated.
  Entry& Touch(std::span<const std::uint8_t> name, std::uint16_t qtype, std::span<const std::uint8_t> rewritten,
               std::int64_t now_ns);
  // The entry of (`name`, `qtype`) or nullptr (a probe's answer whose entry gave way meanwhile).
  Entry* Find(std::span<const std::uint8_t> name, std::uint16_t qtype);
  void CopyEntries(std::vector<Entry>& out) const;

 private:
  std::size_t Home(std::span<const std::uint8_t> name, std::uint16_t qtype) const;
  static bool Same(const Entry& e, std::span<const std::uint8_t> name, std::uint16_t qtype);

  std::array<Entry, kSlots> entries_;
};

}  // namespace dnsd::plugins::rewrite
