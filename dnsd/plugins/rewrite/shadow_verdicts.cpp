#include "dnsd/plugins/rewrite/shadow_verdicts.hpp"

#include <algorithm>
#include <cstring>

#include "dnsd/plugins/rewrite/legacy_report.hpp"

namespace dnsd::plugins::rewrite {

std::string_view VerdictText(std::size_t verdict) {
  static constexpr std::string_view kText[kVerdicts] = {"pending", "resolves", "nxdomain", "nodata", "servfail", "timeout"};
  return verdict < kVerdicts ? kText[verdict] : "pending";
}

ShadowVerdicts::ShadowVerdicts() = default;

std::size_t ShadowVerdicts::Home(std::span<const std::uint8_t> name, std::uint16_t qtype) const {
  return (HashName(name) ^ (static_cast<std::uint64_t>(qtype) * 0x9e3779b97f4a7c15ULL)) % kSlots;
}

bool ShadowVerdicts::Same(const Entry& e, std::span<const std::uint8_t> name, std::uint16_t qtype) {
  return e.qtype == qtype && e.name_length == name.size() && std::memcmp(e.name.data(), name.data(), name.size()) == 0;
}

ShadowVerdicts::Entry* ShadowVerdicts::Find(std::span<const std::uint8_t> name, std::uint16_t qtype) {
  const std::size_t home = Home(name, qtype);
  for (std::size_t i = 0; i < kWindow; ++i) {
    Entry& e = entries_[(home + i) % kSlots];
    if (e.name_length == 0) return nullptr;  // slots only ever fill up: the name is not further on
    if (Same(e, name, qtype)) return &e;
  }
  return nullptr;
}

ShadowVerdicts::Entry& ShadowVerdicts::Touch(std::span<const std::uint8_t> name, std::uint16_t qtype,
                                             std::span<const std::uint8_t> rewritten, std::int64_t now_ns) {
  const std::size_t home = Home(name, qtype);
  Entry* victim = nullptr;
  for (std::size_t i = 0; i < kWindow; ++i) {
    Entry& e = entries_[(home + i) % kSlots];
    if (e.name_length == 0 || Same(e, name, qtype)) {
      victim = &e;
      break;
    }
    if (victim == nullptr || e.touched_ns < victim->touched_ns) victim = &e;  // least recently asked
  }
  Entry& e = *victim;
  if (e.name_length == 0 || !Same(e, name, qtype)) {
    e = Entry{};
    std::memcpy(e.name.data(), name.data(), name.size());
    e.name_length = static_cast<std::uint8_t>(name.size());
    e.qtype = qtype;
  }
  if (e.rewritten_length != rewritten.size() ||
      std::memcmp(e.rewritten.data(), rewritten.data(), rewritten.size()) != 0) {
    std::memcpy(e.rewritten.data(), rewritten.data(), rewritten.size());
    e.rewritten_length = static_cast<std::uint8_t>(rewritten.size());
    e.verdict = Verdict::kPending;  // another target (the shadow set was reloaded): learn it anew
    e.learnt_ns = 0;
  }
  e.touched_ns = now_ns;
  ++e.queries;
  return e;
}

void ShadowVerdicts::CopyEntries(std::vector<Entry>& out) const {
  for (const Entry& e : entries_) {
    if (e.name_length != 0) out.push_back(e);
  }
}

}  // namespace dnsd::plugins::rewrite
