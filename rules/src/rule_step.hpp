// One rule's match and rewrite applied to a question: the single definition of what a rule does,
// shared by EvaluateNaive (the specification) and the compiled RuleSet (which only finds the
// candidate faster). Never allocates (RE2 may, internally, for submatch extraction).
#pragma once

#include <cstdint>
#include <string_view>

#include "rules/ast.hpp"
#include "rules/question.hpp"

namespace re2 {
class RE2;
}

namespace dnsd::rules::detail {

// The NameMatch a rule matches the query name with (name, ttl, rcode, local rules), or null (type,
// class, edns0, cname rules).
const NameMatch* QueryNameMatch(const Rule& rule);

// Does `match` accept `name`? `regex` is the compiled pattern for kRegex (must be non-null then).
bool NameMatches(const NameMatch& match, const re2::RE2* regex, std::string_view name);

// A regex rule's TO template as CoreDNS normalises it: lower case, fully qualified.
std::string NormaliseTemplate(std::string_view to);

// kLocal: a LocalRule matched; evaluation ends there (Outcome::Status::kLocal).
enum class StepResult : std::uint8_t { kNoMatch, kApplied, kBadName, kLocal };

// Matches `rule` against `q` and applies it. `regex` is the compiled FROM of a regex name/ttl/rcode
// rule; `regex_to` the normalised TO template of a regex name rule. On kBadName `q` is unspecified.
StepResult ApplyStep(const Rule& rule, const re2::RE2* regex, std::string_view regex_to, Question& q);

// For rules that do not look at the name (type, class, edns0, cname): does `rule` apply to `q`?
bool QuestionMatches(const Rule& rule, const Question& q);

// dns.IsDomainName plus "fully qualified": labels 1..63 octets, wire length <= 255, escapes
// (\. \\ \DDD) honoured; "." is legal.
bool IsLegalFqdn(std::string_view name);

}  // namespace dnsd::rules::detail
