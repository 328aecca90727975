// Shared by the rule-parser fuzz targets: parsed rules are compiled into a RuleSet and evaluated
// on a few questions (fixed names and each rule's own pattern), and the compiled result must
// equal EvaluateNaive's, the specification.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fuzz_support.hpp"
#include "rules/rule_set.hpp"

namespace dnsd::fuzz {

inline void CheckSameOutcome(const rules::Outcome& a, const rules::Outcome& b) {
  FUZZ_CHECK(a.status == b.status);
  FUZZ_CHECK(a.applied_count == b.applied_count);
  for (std::size_t i = 0; i < a.applied_count && i < rules::kMaxAppliedRules; ++i) {
    FUZZ_CHECK(a.applied[i] == b.applied[i]);
  }
  if (a.status == rules::Outcome::Status::kRewritten) {
    FUZZ_CHECK(a.question.name.view() == b.question.name.view());
    FUZZ_CHECK(a.question.qtype == b.question.qtype && a.question.qclass == b.question.qclass);
  }
}

inline void Evaluate(const rules::RuleSet& set, std::span<const rules::Rule> rules, std::string_view name) {
  rules::Question question;
  if (!question.name.Assign(name)) return;
  for (std::uint16_t qtype : {std::uint16_t{1}, std::uint16_t{28}}) {
    question.qtype = qtype;
    question.qclass = 1;
    rules::Outcome compiled, naive;
    set.Evaluate(question, compiled);
    rules::EvaluateNaive(rules, question, naive);
    CheckSameOutcome(compiled, naive);
  }
}

// A rule's own pattern as a question: a literal one matches by construction.
inline std::string_view PatternOf(const rules::Rule& rule) {
  return std::visit(
      [](const auto& body) -> std::string_view {
        if constexpr (requires { body.match.pattern; }) return body.match.pattern;
        else return {};
      },
      rule.body);
}

inline void CompileAndCompare(std::vector<rules::Rule> parsed) {
  const std::vector<rules::Rule> copy = parsed;
  const rules::RuleSet::Compiled compiled = rules::RuleSet::Compile(std::move(parsed));
  if (!compiled.ok()) {
    FUZZ_CHECK(!compiled.error.message.empty());
    return;
  }
  const rules::RuleSet& set = *compiled.rule_set;
  FUZZ_CHECK(set.rules().size() == copy.size());
  for (std::uint32_t i = 0; i < copy.size(); ++i) FUZZ_CHECK(!set.IndexKind(i).empty());
  for (std::string_view name : {".", "foo.bar.marathon.mesos.", "a.b.c.d.e.f.", "example.org."}) {
    Evaluate(set, copy, name);
  }
  std::size_t patterns = 0;
  for (const rules::Rule& rule : copy) {
    const std::string_view pattern = PatternOf(rule);
    if (pattern.empty() || ++patterns > 16) continue;
    Evaluate(set, copy, pattern);
    if (pattern.front() == '.') Evaluate(set, copy, std::string("x") + std::string(pattern));
  }
}

}  // namespace dnsd::fuzz
