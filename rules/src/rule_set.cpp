// The compiled RuleSet: each query name rule lives in the index that can find it in O(name):
// exact and suffix rules in a trie over reversed parts, prefix rules in a trie over forward parts,
// substring rules and the required literals of regex rules in literal indexes (Aho-Corasick once
// there are more than a few), regex rules without a literal in a scan; rules that
// do not look at the name (type, class, edns0, cname) in a short "always" list. From the current
// question the evaluator takes the lowest-index match after the last applied rule across all of
// them, so the outcome is exactly EvaluateNaive's.
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "evaluation_loop.hpp"
#include "literal_index.hpp"
#include "part_trie.hpp"
#include "regex_literal.hpp"
#include "rule_step.hpp"
#include "rules/rule_set.hpp"

namespace dnsd::rules {
namespace {

enum class Placement : std::uint8_t {
  kExactTrie, kSuffixTrie, kPrefixIndex, kSubstringScan, kRegexPrefiltered, kRegexScan, kAlways
};

constexpr std::string_view kPlacementNames[] = {"exact-trie",     "suffix-trie",       "prefix-index",
                                                "substring-scan", "regex-prefiltered", "regex-scan",
                                                "always"};

// The parts of `s` between '.' characters: "a.b." -> {"a", "b", ""}.
std::vector<std::string_view> SplitParts(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t dot; (dot = s.find('.', start)) != std::string_view::npos; start = dot + 1) {
    parts.push_back(s.substr(start, dot - start));
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::size_t HeapBytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }

}  // namespace

struct RuleSet::Impl {
  struct Regex {
    std::uint32_t rule;
    std::unique_ptr<re2::RE2> re;
    std::string literal;  // every match contains it; "" = no prefilter
    std::string to;       // normalised TO template (name rules)
  };

  std::vector<Rule> rules;
  std::vector<Placement> placement;
  detail::PartTrie reversed;  // exact + suffix
  detail::PartTrie forward;   // prefix
  detail::LiteralIndex substrings;      // pattern occurs in the name: a match
  std::vector<Regex> regexes;           // every regex rule, by rule index
  detail::LiteralIndex regex_literals;  // required literal occurs in the name: a candidate
  std::vector<std::uint32_t> unfiltered_regexes;  // rule indices of regexes without a literal
  std::vector<std::uint32_t> always;

  std::optional<RuleError> Add(const Rule& rule);
  // The regex rules whose prefilter literal is in the current question name, collected once per
  // name rather than rescanned for each candidate that fails (the DC/OS preset keys a dozen
  // regexes on "marathon.mesos": bench/rules_bench BM_EvaluatePreset). Per Evaluate call, on the stack.
  struct RegexCandidates {
    std::array<std::uint32_t, 32> rules;
    std::size_t count = 0;
    bool valid = false;     // collected for the current name
    bool overflow = false;  // more than fit: fall back to LiteralIndex::Lowest
  };
  std::uint32_t FindFirst(const Question& q, std::uint32_t from, RegexCandidates* cache = nullptr) const;
  std::uint32_t BestNamed(std::string_view name, std::uint32_t from, std::uint32_t best,
                          RegexCandidates* cache = nullptr) const;
  const Regex* RegexOf(std::uint32_t rule) const;
};

std::optional<RuleError> RuleSet::Impl::Add(const Rule& rule) {
  const NameMatch* match = detail::QueryNameMatch(rule);
  if (match == nullptr) {
    always.push_back(rule.index);
    placement.push_back(Placement::kAlways);
    return std::nullopt;
  }
  const std::string& pattern = match->pattern;
  if (match->kind != MatchKind::kRegex && pattern.size() > QuestionName::kCapacity) {
    // Longer than any query name: it can never match, so it is placed in no index (this also
    // keeps every trie key within PartTable's 16-bit key length).
    placement.push_back(match->kind == MatchKind::kExact    ? Placement::kExactTrie
                        : match->kind == MatchKind::kSuffix ? Placement::kSuffixTrie
                        : match->kind == MatchKind::kPrefix ? Placement::kPrefixIndex
                                                            : Placement::kSubstringScan);
    return std::nullopt;
  }
  switch (match->kind) {
    case MatchKind::kExact: {
      std::vector<std::string_view> parts = SplitParts(pattern);
      std::uint32_t node = detail::PartTrie::root();
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) node = reversed.AddChild(node, *it);
      reversed.AddWhole(node, rule.index);
      placement.push_back(Placement::kExactTrie);
      break;
    }
    case MatchKind::kSuffix: {
      std::vector<std::string_view> parts = SplitParts(pattern);
      std::uint32_t node = detail::PartTrie::root();
      for (std::size_t i = parts.size() - 1; i >= 1; --i) node = reversed.AddChild(node, parts[i]);
      reversed.AddTail(node, parts[0], rule.index);
      placement.push_back(Placement::kSuffixTrie);
      break;
    }
    case MatchKind::kPrefix: {
      std::vector<std::string_view> parts = SplitParts(pattern);
      std::uint32_t node = detail::PartTrie::root();
      for (std::size_t i = 0; i + 1 < parts.size(); ++i) node = forward.AddChild(node, parts[i]);
      forward.AddTail(node, parts.back(), rule.index);
      placement.push_back(Placement::kPrefixIndex);
      break;
    }
    case MatchKind::kSubstring:
      substrings.Add(pattern, rule.index);
      placement.push_back(Placement::kSubstringScan);
      break;
    case MatchKind::kRegex: {
      re2::RE2::Options options;
      options.set_log_errors(false);
      auto re = std::make_unique<re2::RE2>(pattern, options);
      if (!re->ok()) {
        return RuleError{rule.pos, "invalid regex \"" + pattern + "\": " + re->error()};
      }
      std::string to;
      if (const auto* name = std::get_if<NameRule>(&rule.body)) to = detail::NormaliseTemplate(name->to);
      std::string literal = detail::RequiredLiteral(pattern);
      placement.push_back(literal.empty() ? Placement::kRegexScan : Placement::kRegexPrefiltered);
      if (literal.empty()) {
        unfiltered_regexes.push_back(rule.index);
      } else {
        regex_literals.Add(literal, rule.index);
      }
      regexes.push_back(Regex{rule.index, std::move(re), std::move(literal), std::move(to)});
      break;
    }
  }
  return std::nullopt;
}

// Lowest rule >= from (and < best) whose name match accepts `name`, over the name indexes; a
// prefiltered regex rule is returned as a candidate when its literal is in the name.
std::uint32_t RuleSet::Impl::BestNamed(std::string_view name, std::uint32_t from, std::uint32_t best,
                                       RegexCandidates* cache) const {
  // Reversed parts: suffix tails at every depth, exact rules where the whole name is consumed.
  std::uint32_t node = detail::PartTrie::root();
  for (std::size_t end = name.size();;) {
    std::size_t dot = end == 0 ? std::string_view::npos : name.rfind('.', end - 1);
    std::string_view part =
        dot == std::string_view::npos ? name.substr(0, end) : name.substr(dot + 1, end - dot - 1);
    best = reversed.BestTail<true>(node, part, from, best);
    node = reversed.Child(node, part);
    if (node == detail::kNoNode) break;
    if (dot == std::string_view::npos) {
      best = reversed.BestWhole(node, from, best);
      break;
    }
    end = dot;
  }
  // Forward parts: prefix tails.
  node = detail::PartTrie::root();
  for (std::size_t start = 0;;) {
    std::size_t dot = name.find('.', start);
    std::string_view part = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    best = forward.BestTail<false>(node, part, from, best);
    if (dot == std::string_view::npos) break;
    node = forward.Child(node, part);
    if (node == detail::kNoNode) break;
    start = dot + 1;
  }
  best = substrings.Lowest(name, from, best);
  // A regex whose literal is in the name is a candidate: applying it runs the regex once (with
  // groups), and if it does not match after all the loop goes on from the next index. Regexes
  // without a literal are run here, in order, up to that candidate.
  std::uint32_t candidate = best;
  if (cache != nullptr && !cache->valid) {
    const std::size_t n = regex_literals.Collect(name, cache->rules);
    cache->overflow = n > cache->rules.size();
    cache->count = cache->overflow ? 0 : n;
    cache->valid = true;
  }
  if (cache != nullptr && !cache->overflow) {
    const std::uint32_t* begin = cache->rules.data();
    const std::uint32_t* end = begin + cache->count;
    const std::uint32_t* it = std::lower_bound(begin, end, from);
    if (it != end && *it < best) candidate = *it;
  } else {
    candidate = regex_literals.Lowest(name, from, best);
  }
  for (auto it = std::lower_bound(unfiltered_regexes.begin(), unfiltered_regexes.end(), from);
       it != unfiltered_regexes.end() && *it < candidate; ++it) {
    if (detail::NameMatches(*detail::QueryNameMatch(rules[*it]), RegexOf(*it)->re.get(), name)) {
      candidate = *it;
      break;
    }
  }
  return candidate;
}

std::uint32_t RuleSet::Impl::FindFirst(const Question& q, std::uint32_t from, RegexCandidates* cache) const {
  std::uint32_t best = detail::kNoRule;
  for (auto it = std::lower_bound(always.begin(), always.end(), from); it != always.end(); ++it) {
    if (detail::QuestionMatches(rules[*it], q)) {
      best = *it;
      break;
    }
  }
  return BestNamed(q.name.view(), from, best, cache);
}

const RuleSet::Impl::Regex* RuleSet::Impl::RegexOf(std::uint32_t rule) const {
  auto it = std::lower_bound(regexes.begin(), regexes.end(), rule,
                             [](const Regex& r, std::uint32_t index) { return r.rule < index; });
  return it != regexes.end() && it->rule == rule ? &*it : nullptr;
}

RuleSet::Compiled RuleSet::Compile(std::vector<Rule> rules) {
  auto impl = std::make_unique<Impl>();
  impl->placement.reserve(rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].index != i) {
      return {nullptr, RuleError{rules[i].pos, "rule index " + std::to_string(rules[i].index) +
                                                   " out of order (want " + std::to_string(i) + ")"}};
    }
    if (auto error = impl->Add(rules[i])) return {nullptr, std::move(*error)};
  }
  impl->reversed.Finish();
  impl->forward.Finish();
  impl->substrings.Finish();
  impl->regex_literals.Finish();
  impl->rules = std::move(rules);
  return {std::shared_ptr<const RuleSet>(new RuleSet(std::move(impl))), RuleError{}};
}

RuleSet::RuleSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleSet::~RuleSet() = default;

void RuleSet::Evaluate(const Question& in, Outcome& out) const {
  const Impl& impl = *impl_;
  Impl::RegexCandidates candidates;
  detail::RunRules(
      impl.rules, in, out,
      [&](const Question& q, std::uint32_t from) { return impl.FindFirst(q, from, &candidates); },
      [&](std::uint32_t index, Question& q) {
        const Impl::Regex* regex = nullptr;
        const NameMatch* match = detail::QueryNameMatch(impl.rules[index]);
        if (match != nullptr && match->kind == MatchKind::kRegex) regex = impl.RegexOf(index);
        const detail::StepResult result = detail::ApplyStep(
            impl.rules[index], regex ? regex->re.get() : nullptr,
            regex ? std::string_view(regex->to) : std::string_view(), q);
        if (result != detail::StepResult::kNoMatch) candidates.valid = false;  // the name may have changed
        return result;
      });
}

std::span<const Rule> RuleSet::rules() const { return impl_->rules; }

std::string_view RuleSet::IndexKind(std::uint32_t rule_index) const {
  if (rule_index >= impl_->placement.size()) return {};
  return kPlacementNames[static_cast<std::size_t>(impl_->placement[rule_index])];
}

std::size_t RuleSet::MemoryBytes() const {
  const Impl& impl = *impl_;
  std::size_t bytes = sizeof(Impl) + impl.rules.capacity() * sizeof(Rule) +
                      impl.placement.capacity() + impl.reversed.MemoryBytes() +
                      impl.forward.MemoryBytes() +
                      impl.substrings.MemoryBytes() + impl.regex_literals.MemoryBytes() +
                      (impl.unfiltered_regexes.capacity() + impl.always.capacity()) * sizeof(std::uint32_t) +
                      impl.regexes.capacity() * sizeof(Impl::Regex);
  for (const Rule& rule : impl.rules) {
    bytes += HeapBytes(rule.text) + HeapBytes(rule.set_name) + HeapBytes(rule.pos.file);
    if (const NameMatch* match = detail::QueryNameMatch(rule)) bytes += HeapBytes(match->pattern);
    if (const auto* name = std::get_if<NameRule>(&rule.body)) {
      bytes += HeapBytes(name->to) + name->answers.capacity() * sizeof(AnswerOption);
    }
  }
  for (const Impl::Regex& regex : impl.regexes) {
    bytes += sizeof(re2::RE2) + static_cast<std::size_t>(regex.re->ProgramSize()) * 16 +
             HeapBytes(regex.literal) + HeapBytes(regex.to);
  }
  return bytes;
}

}  // namespace dnsd::rules
