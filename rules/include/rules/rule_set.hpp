// A compiled, immutable set of rewrite rules. Matching costs O(length of the name), not O(rules):
// exact and suffix rules live in a trie over reversed labels, prefix rules in a prefix index, regex
// rules behind a literal prefilter (most queries never run a regex). The result is exactly what
// EvaluateNaive (rules one by one in file order) gives: that is the specification.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "rules/ast.hpp"
#include "rules/question.hpp"

namespace dnsd::rules {

class RuleSet {
 public:
  // Compiles rules (their `index` must be 0..n-1 in order). Errors (e.g. a regex RE2 rejects) name
  // the rule's position.
  struct Compiled;
  static Compiled Compile(std::vector<Rule> rules);

  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  // Applies the rules to `in` in file order (first match, `continue` goes on with the rewritten
  // question). Never allocates, never throws. Thread-safe (const).
  void Evaluate(const Question& in, Outcome& out) const;

  std::span<const Rule> rules() const;
  // For `dnsd-rules explain`: the index kind each rule was placed in ("exact-trie", "suffix-trie",
  // "prefix-index", "substring-scan", "regex-prefiltered", "regex-scan", "always" for non-name rules).
  std::string_view IndexKind(std::uint32_t rule_index) const;
  std::size_t MemoryBytes() const;  // approximate, for the benchmark's memory-per-rule report

  struct Impl;

 private:
  explicit RuleSet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct RuleSet::Compiled {
  std::shared_ptr<const RuleSet> rule_set;  // null on error
  RuleError error;
  bool ok() const { return rule_set != nullptr; }
};

// The reference semantics: rules evaluated one by one in order, as CoreDNS does. Slow, obviously
// correct; the differential test compares RuleSet::Evaluate against it. Regexes are compiled per
// call here on purpose (no shared state).
void EvaluateNaive(std::span<const Rule> rules, const Question& in, Outcome& out);

// Implementation detail shared by EvaluateNaive and the compiled path (its owner may reshape it):
// one rule.s match + rewrite applied to a question,
// once a candidate is found. Returns false when the rule does not match `q`. On match, may set
// out_status to kBadName (or kLocal for a LocalRule).
bool ApplyRule(const Rule& rule, Question& q, Outcome::Status& out_status);

}  // namespace dnsd::rules
