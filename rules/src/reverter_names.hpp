// Internal: how the reverter maps names in a response back to the client's side, derived from the
// name rules an Outcome applied (CoreDNS 1.11 rewrite/name.go semantics):
//   exact (always) and `answer auto` on prefix/substring/regex: the name the rule produced maps back
//     to the name it was given, and so do names below it (owner names and RDATA targets);
//   `answer auto` on suffix: every name ending in TO gets FROM instead (owner names and targets);
//   `answer name FROM TO`: regex over owner names; `answer value FROM TO`: regex over targets.
// Rules are undone last-applied first (CoreDNS applies them in application order, which breaks
// `continue` chains of auto rules; see docs/compatibility.md). Matching is on the lower-case
// presentation form, as CoreDNS does with the names miekg/dns gives it. A name that was mapped
// and lands on (or below) the client's query name takes the client's letter case.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "rules/ast.hpp"
#include "rules/question.hpp"

namespace re2 {
class RE2;
}

namespace dnsd::rules::detail {

// Room for the presentation form of any 255-octet name (every octet as \DDD) and a little more.
inline constexpr std::size_t kNameTextCapacity = 1100;

// Lower-case presentation form of an uncompressed wire name, with a trailing dot and the escapes
// of dnsd::wire::Name::ToString. Returns the length, or 0 when `cap` is too small.
std::size_t WireToLowerText(std::span<const std::uint8_t> wire, char* buf, std::size_t cap);

// Expands {0}, {1}, ... in `templ` with `groups` (missing groups expand to nothing, as in Go's
// FindStringSubmatch/Replace for unmatched optional groups), lower-cases and makes the result
// fully qualified. Returns the length, or 0 when it does not fit in `cap`.
std::size_t ExpandTemplate(std::string_view templ, std::span<const std::string_view> groups,
                           char* buf, std::size_t cap);

// Unanchored (Go FindStringSubmatch) match of `regex` in `text`; on a match writes the groups
// ({0} is the whole match) into `groups` and returns their count, else returns 0.
std::size_t RegexFind(const re2::RE2& regex, std::string_view text,
                      std::span<std::string_view> groups);

class NamePlan {
 public:
  enum class Result : std::uint8_t { kUnchanged, kMapped, kError };

  // Derives the mapping from the applied name rules. `client_name` is the client's query name
  // (lower-case presentation form). False when a regex does not compile or the names of a long
  // `continue` chain do not fit the internal pool: the response then cannot be reverted.
  bool Build(std::span<const Rule> rules, const Outcome& outcome, std::string_view client_name);

  bool maps_owners() const { return owner_ops_ > 0; }
  bool maps_values() const { return value_ops_ > 0; }

  // Maps the uncompressed wire name `in` found as an owner name (value == false) or an RDATA
  // target (value == true). On kMapped the new wire name is in `out`/`*out_length`, in the
  // client's case where it lands on `client_qname` (wire). kError: the mapped name is not a legal
  // domain name (over 255 octets, a label over 63, ...).
  Result Map(std::span<const std::uint8_t> in, bool value, std::span<const std::uint8_t> client_qname,
             std::uint8_t* out, std::size_t* out_length) const;

 private:
  struct Op {
    enum class Kind : std::uint8_t { kRemap, kSuffix, kRegex };
    Kind kind = Kind::kRemap;
    bool owner = false, value = false;
    std::string_view from, to;  // kRemap: names; kSuffix: suffixes; kRegex: `to` is the template
    const re2::RE2* regex = nullptr;
  };
  static constexpr std::size_t kMaxOps = 64;
  static constexpr std::size_t kPoolSize = 4096;

  bool AddOp(const Op& op);
  bool AddRuleOps(const NameRule& rule, std::string_view before, std::string_view after);
  std::string_view Store(const char* text, std::size_t length);

  std::array<Op, kMaxOps> ops_;
  std::size_t op_count_ = 0;
  std::size_t owner_ops_ = 0, value_ops_ = 0;
  std::array<char, kPoolSize> pool_;
  std::size_t pool_used_ = 0;
};

}  // namespace dnsd::rules::detail
