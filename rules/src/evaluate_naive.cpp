// The specification: every rule tried in file order, regexes compiled on the spot.
#include <re2/re2.h>

#include <memory>

#include "evaluation_loop.hpp"
#include "rule_step.hpp"
#include "rules/rule_set.hpp"

namespace dnsd::rules {
namespace {

std::unique_ptr<re2::RE2> CompileIfRegex(const Rule& rule) {
  const NameMatch* match = detail::QueryNameMatch(rule);
  if (match == nullptr || match->kind != MatchKind::kRegex) return nullptr;
  re2::RE2::Options options;
  options.set_log_errors(false);
  return std::make_unique<re2::RE2>(match->pattern, options);
}

detail::StepResult Apply(const Rule& rule, Question& q) {
  std::unique_ptr<re2::RE2> regex = CompileIfRegex(rule);
  if (regex != nullptr && !regex->ok()) return detail::StepResult::kNoMatch;
  std::string to;
  if (const auto* name = std::get_if<NameRule>(&rule.body); name && regex) {
    to = detail::NormaliseTemplate(name->to);
  }
  return detail::ApplyStep(rule, regex.get(), to, q);
}

}  // namespace

bool ApplyRule(const Rule& rule, Question& q, Outcome::Status& out_status) {
  switch (Apply(rule, q)) {
    case detail::StepResult::kNoMatch: return false;
    case detail::StepResult::kBadName: out_status = Outcome::Status::kBadName; return true;
    case detail::StepResult::kApplied: return true;
    case detail::StepResult::kLocal: out_status = Outcome::Status::kLocal; return true;
  }
  return false;
}

void EvaluateNaive(std::span<const Rule> rules, const Question& in, Outcome& out) {
  detail::RunRules(
      rules, in, out, [](const Question&, std::uint32_t from) { return from; },
      [&](std::uint32_t index, Question& q) { return Apply(rules[index], q); });
}

}  // namespace dnsd::rules
