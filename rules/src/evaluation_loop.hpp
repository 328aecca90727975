// The rule-processing loop both evaluators share (CoreDNS's ServeDNS loop): from the current
// question, take the lowest-index matching rule after the last applied one, apply it, stop or go on
// (a LocalRule always stops: the answer is made locally).
// Only "find the next candidate" differs between the naive and the compiled evaluator.
#pragma once

#include <cstdint>
#include <span>

#include "rule_step.hpp"
#include "rules/ast.hpp"
#include "rules/question.hpp"

namespace dnsd::rules::detail {

inline constexpr std::uint32_t kNoRule = UINT32_MAX;

// Copies only the used part of the name: a Question is mostly spare capacity.
inline void CopyQuestion(const Question& from, Question& to) {
  to.name.Assign(from.name.view());
  to.qtype = from.qtype;
  to.qclass = from.qclass;
}

// find(question, from) -> lowest index >= from that may match (kNoRule when none);
// apply(index, question) -> StepResult (kNoMatch when the candidate did not match after all).
template <class Find, class Apply>
void RunRules(std::span<const Rule> rules, const Question& in, Outcome& out, Find&& find,
              Apply&& apply) {
  out.status = Outcome::Status::kNoMatch;
  CopyQuestion(in, out.question);
  out.applied_count = 0;
  std::uint32_t from = 0;
  for (;;) {
    std::uint32_t index = find(static_cast<const Question&>(out.question), from);
    if (index == kNoRule || index >= rules.size()) return;
    StepResult result = apply(index, out.question);
    from = index + 1;
    if (result == StepResult::kNoMatch) continue;
    if (out.applied_count == kMaxAppliedRules) {
      out.status = Outcome::Status::kTooManyRules;
      CopyQuestion(in, out.question);
      return;
    }
    out.applied[out.applied_count++] = index;
    if (result == StepResult::kBadName) {
      out.status = Outcome::Status::kBadName;  // CoreDNS restores the original question
      CopyQuestion(in, out.question);
      return;
    }
    if (result == StepResult::kLocal) {  // a local answer ends the chain, whatever the mode
      out.status = Outcome::Status::kLocal;
      return;
    }
    out.status = Outcome::Status::kRewritten;
    if (rules[index].mode == Mode::kStop) return;
  }
}

}  // namespace dnsd::rules::detail
