// Building Rule ASTs directly (no parser) for the RuleSet tests.
#pragma once

#include <string>
#include <vector>

#include "rules/ast.hpp"
#include "rules/question.hpp"
#include "rules/rule_set.hpp"

namespace dnsd::rules::test {

inline Rule NameRuleOf(MatchKind kind, std::string pattern, std::string to, Mode mode = Mode::kStop) {
  Rule rule;
  rule.mode = mode;
  rule.body = NameRule{NameMatch{kind, std::move(pattern)}, std::move(to), {}};
  return rule;
}
inline Rule TypeRuleOf(std::uint16_t from, std::uint16_t to, Mode mode = Mode::kStop) {
  Rule rule;
  rule.mode = mode;
  rule.body = TypeRule{from, to};
  return rule;
}
inline Rule ClassRuleOf(std::uint16_t from, std::uint16_t to, Mode mode = Mode::kStop) {
  Rule rule;
  rule.mode = mode;
  rule.body = ClassRule{from, to};
  return rule;
}
inline Rule TtlRuleOf(MatchKind kind, std::string pattern, std::uint32_t ttl, Mode mode = Mode::kStop) {
  Rule rule;
  rule.mode = mode;
  rule.body = TtlRule{NameMatch{kind, std::move(pattern)}, ttl, ttl};
  return rule;
}
inline Rule LocalRuleOf(MatchKind kind, std::string pattern, std::uint16_t rcode = 3, Mode mode = Mode::kStop) {
  Rule rule;
  rule.mode = mode;
  rule.body = LocalRule{NameMatch{kind, std::move(pattern)}, rcode};
  return rule;
}
inline Rule Edns0RuleOf(Mode mode = Mode::kStop) {
  Rule rule;
  rule.mode = mode;
  rule.body = Edns0Rule{};
  return rule;
}

// Numbers the rules 0..n-1 (file order).
inline std::vector<Rule> Numbered(std::vector<Rule> rules) {
  for (std::size_t i = 0; i < rules.size(); ++i) rules[i].index = static_cast<std::uint32_t>(i);
  return rules;
}

inline Question QuestionOf(std::string_view name, std::uint16_t qtype = 1, std::uint16_t qclass = 1) {
  Question q;
  q.name.Assign(name);
  q.qtype = qtype;
  q.qclass = qclass;
  return q;
}

inline std::vector<std::uint32_t> Applied(const Outcome& out) {
  return {out.applied.begin(), out.applied.begin() + static_cast<std::ptrdiff_t>(out.applied_count)};
}

}  // namespace dnsd::rules::test
