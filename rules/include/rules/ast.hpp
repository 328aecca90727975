// The rewrite rule AST: one Rule per CoreDNS `rewrite` line (or YAML rule), in file order.
// Parsers produce it; the compiler (RuleSet) and the naive evaluator consume it. No daemon types here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace dnsd::rules {

struct SourcePosition {
  std::string file;
  int line = 0;
  int column = 0;
};

// "file:line:column: message" — every parser and compiler error.
struct RuleError {
  SourcePosition pos;
  std::string message;
  std::string ToString() const;
};

enum class Mode : std::uint8_t { kStop, kContinue };  // CoreDNS default: stop
enum class MatchKind : std::uint8_t { kExact, kPrefix, kSuffix, kSubstring, kRegex };

// How a rule matches the (current, lower-case, fully qualified, presentation-form) query name.
// For exact/prefix/suffix/substring `pattern` is already normalised as CoreDNS does it: lower case
// with a trailing dot (`old` -> `old.`, `.marathon.mesos` -> `.marathon.mesos.`). For regex it is the
// RE2 (Go syntax) source as written.
struct NameMatch {
  MatchKind kind = MatchKind::kExact;
  std::string pattern;
};

// A response option of a name rule.
struct AnswerOption {
  enum class Kind : std::uint8_t { kAuto, kName, kValue };
  Kind kind = Kind::kAuto;
  std::string from;  // regex (kName, kValue)
  std::string to;    // template with {1}, {2}... (kName, kValue)
};

// rewrite name [TYPE] FROM TO [answer auto | answer name FROM TO | answer value FROM TO]...
struct NameRule {
  NameMatch match;
  std::string to;  // normalised like the pattern for exact/prefix/suffix/substring; template for regex
  std::vector<AnswerOption> answers;
};

// rewrite type FROM TO / rewrite class FROM TO (numeric codes).
struct TypeRule {
  std::uint16_t from = 0, to = 0;
};
struct ClassRule {
  std::uint16_t from = 0, to = 0;
};

// rewrite ttl [TYPE] NAME SECONDS|MIN-MAX|MIN-|-MAX : every record of the response gets its TTL
// clamped into [min, max] (a single value sets both).
struct TtlRule {
  NameMatch match;
  std::uint32_t min = 0, max = 0;
};

// rewrite rcode [TYPE] NAME FROM TO : a response with rcode FROM gets rcode TO.
struct RcodeRule {
  NameMatch match;
  std::uint16_t from = 0, to = 0;
};

// rewrite edns0 local|nsid|subnet ACTION ... [revert]
struct Edns0Rule {
  enum class Option : std::uint8_t { kLocal, kNsid, kSubnet };
  enum class Action : std::uint8_t { kSet, kAppend, kReplace, kUnset };
  Option option = Option::kLocal;
  Action action = Action::kSet;
  std::uint16_t code = 0;       // kLocal: option code
  std::string data;             // kLocal: raw bytes (decoded from 0x... or text) or a {placeholder}
  bool data_is_placeholder = false;
  std::uint8_t v4_bits = 0, v6_bits = 0;  // kSubnet
  bool revert = false;
};

// rewrite cname [TYPE] FROM TO : CNAME targets in the response matching FROM become TO (and the
// new target is resolved), as CoreDNS's cname target rewrite.
struct CnameRule {
  NameMatch match;
  std::string to;
};

// Synthesized SOA of a zone dnsd answers for (the legacy zones mesos., thisdcos.directory., ...).
struct SoaParams {
  std::string zone;   // "mesos." lower case, fully qualified
  std::string mname;  // "ns1.mesos."
  std::string rname;  // "root.ns1.mesos."
  std::uint32_t serial = 1, refresh = 60, retry = 600, expire = 86400, minimum = 60;
  std::uint32_t ttl = 60;  // TTL of the SOA record itself
};

// dnsd's own (no CoreDNS field): answer locally, nothing goes upstream.
//  rcode NXDOMAIN (3): NXDOMAIN, authority = the rule's SOA (Rule::soa) when set.
//  rcode NOERROR (0): NODATA with the SOA in authority, except qname == soa zone and qtype SOA (or ANY):
//  then the SOA is the answer (zone apex).
// Always ends evaluation (Outcome::Status::kLocal), whatever the rule's mode.
struct LocalRule {
  NameMatch match;
  std::uint16_t rcode = 3;
};

using RuleBody =
    std::variant<NameRule, TypeRule, ClassRule, TtlRule, RcodeRule, Edns0Rule, CnameRule, LocalRule>;

struct Rule {
  std::uint32_t index = 0;  // position in file order, 0-based; evaluation order
  Mode mode = Mode::kStop;
  RuleBody body;
  SourcePosition pos;       // where the rule starts
  std::string text;         // the rule as written, for `dnsd-rules explain/test` and logs
  std::string set_name;     // rule set it came from ("Corefile" block or YAML file), for metrics
  // Null for user rules. On a name rule: a negative upstream answer (NXDOMAIN, or NOERROR with no
  // answer records) gets this SOA in its authority section in place of the upstream's SOA (RFC 2308:
  // the negative answer for a legacy name is cached under the legacy zone); its TTL =
  // min(soa->ttl, upstream SOA TTL), MINIMUM = min(soa->minimum, upstream SOA MINIMUM) (no upstream
  // SOA: soa->ttl / soa->minimum). On a LocalRule: the SOA of the local answer.
  std::shared_ptr<const SoaParams> soa;
  // Preset family label ("marathon", "srv", "slave", "leader", ...); "" for user rules. For the
  // legacy-name report and `dnsd-rules explain`.
  std::string family;
};

}  // namespace dnsd::rules
