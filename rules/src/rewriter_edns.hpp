// Internal: the EDNS0 options of one OPT record as a fixed-size list, and the edns0 rules applied
// to it (CoreDNS 1.11 rewrite/edns0.go: local, nsid, subnet with set/append/replace/unset).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "rules/ast.hpp"
#include "rules/question.hpp"
#include "rules/rewriter.hpp"
#include "rewriter_writer.hpp"

namespace dnsd::rules::detail {

inline constexpr std::uint16_t kOptionNsid = 3;
inline constexpr std::uint16_t kOptionSubnet = 8;

struct EdnsOption {
  std::uint16_t code = 0;
  std::span<const std::uint8_t> data;  // refers to the message, a rule, or EdnsScratch
};

// Data made up while applying rules (addresses, ports, ECS); one slot per applied rule.
struct EdnsScratch {
  static constexpr std::size_t kSlotSize = 20;  // ECS: family, prefix, scope, 16 octets
  std::array<std::array<std::uint8_t, kSlotSize>, kMaxAppliedRules> slots{};
  std::size_t used = 0;
};

class OptionList {
 public:
  static constexpr std::size_t kMaxOptions = 64;

  // Splits OPT RDATA into options. False when an option runs past the RDATA or there are too many.
  bool Parse(std::span<const std::uint8_t> rdata);
  bool Append(std::uint16_t code, std::span<const std::uint8_t> data);
  EdnsOption* Find(std::uint16_t code);
  bool RemoveAll(std::uint16_t code);  // true when something was removed
  void Write(MessageWriter& w) const;  // the options, each as CODE LENGTH DATA
  std::size_t WireLength() const;

 private:
  std::array<EdnsOption, kMaxOptions> items_{};
  std::size_t count_ = 0;
};

// Applies one edns0 rule to the options of the upstream query (RequestContext gives the
// placeholder values, `question` the rewritten question for {qname}/{qtype}). False only when the
// option list overflows.
bool ApplyEdns0Rule(const Edns0Rule& rule, const RequestContext& context, const Question& question,
                    OptionList& options, EdnsScratch& scratch);

// The option code an edns0 rule with `revert` takes back out of the response (0: none).
std::uint16_t RevertedOptionCode(const Edns0Rule& rule);

}  // namespace dnsd::rules::detail
