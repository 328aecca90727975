// The compiled RuleSet against the specification (EvaluateNaive): random rule sets whose patterns
// are drawn from a tiny alphabet of labels so that they overlap and collide often, random names,
// and the outcome (status, question, applied rules) must be identical. Seeded: a failure prints
// the seed and the rule set.
#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "rule_builders.hpp"

namespace dnsd::rules::test {
namespace {

class Generator {
 public:
  explicit Generator(std::uint32_t seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Int(1, 100) <= percent; }
  template <class T>
  const T& Pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(Int(0, static_cast<int>(v.size()) - 1))]; }

  std::string Label() { return Pick(labels_); }
  std::string Name(int min_labels = 1, int max_labels = 4) {
    std::string name;
    int n = Int(min_labels, max_labels);
    for (int i = 0; i < n; ++i) name += Label() + ".";
    return name.empty() ? "." : name;
  }
  // A random piece of a name: the raw material of prefix/suffix/substring patterns.
  std::string Slice(const std::string& s, bool from_start, bool to_end) {
    std::size_t begin = from_start ? 0 : static_cast<std::size_t>(Int(0, static_cast<int>(s.size())));
    std::size_t end = to_end ? s.size() : static_cast<std::size_t>(Int(static_cast<int>(begin), static_cast<int>(s.size())));
    return s.substr(begin, end - begin);
  }
  std::string To() {
    if (Chance(3)) return std::string(64, 'q') + ".";  // an illegal label
    return Chance(15) ? "." : Name(0, 3);
  }
  std::string Regex() {
    std::string l = Label(), m = Label();
    std::vector<std::string> shapes = {
        "(.*)\\." + l + "\\.", "^" + l + "\\.(.*)", "(a+)b", l, "(.*)\\.(.*)\\." + l + "\\.", "a|b",
        "[ab]+\\." + l, "(" + l + "|" + m + ")\\.(.*)", "^(.*)$", l + "\\.?" + m, "(?i)A\\.", "x*" + l + "{2}",
        "\\." + l + "\\." + m + "\\.$",
    };
    return Pick(shapes);
  }
  std::string RegexTo() {
    std::vector<std::string> shapes = {"{1}.z", "{1}.{2}.q", "x", "{0}", "{1}", "{2}{1}.w.", "{1}.a.b"};
    return Pick(shapes);
  }
  NameMatch Match() {
    std::string base = Name(0, 4);
    switch (Int(0, 9)) {
      case 0: case 1: return {MatchKind::kExact, Name()};
      case 2: case 3: {  // mostly label-aligned, sometimes cut mid-label
        std::string s = Chance(70) ? "." + Name(1, 3) : Slice(base, false, true);
        return {MatchKind::kSuffix, s};
      }
      case 4: case 5: return {MatchKind::kPrefix, Chance(70) ? Name(1, 3) : Slice(base, true, false)};
      case 6: case 7: return {MatchKind::kSubstring, Chance(50) ? "." + Label() + "." : Slice(base, false, false)};
      default: return {MatchKind::kRegex, Regex()};
    }
  }
  Rule RandomRule() {
    Rule rule;
    rule.mode = Chance(50) ? Mode::kContinue : Mode::kStop;
    int kind = Int(0, 99);
    if (kind < 70) {
      NameMatch match = Match();
      std::string to = match.kind == MatchKind::kRegex ? RegexTo() : To();
      rule.body = NameRule{std::move(match), std::move(to), {}};
    } else if (kind < 78) {
      rule.body = TypeRule{Pick(types_), Pick(types_)};
    } else if (kind < 83) {
      rule.body = ClassRule{Pick(classes_), Pick(classes_)};
    } else if (kind < 93) {
      rule.body = TtlRule{Match(), 5, 5};
    } else if (kind < 95) {
      rule.body = RcodeRule{Match(), 3, 0};
    } else if (kind < 98) {
      rule.body = LocalRule{Match(), static_cast<std::uint16_t>(Chance(70) ? 3 : 0)};
    } else {
      rule.body = Edns0Rule{};
    }
    return rule;
  }

 private:
  std::mt19937 rng_;
  std::vector<std::string> labels_ = {"a", "b", "ab", "ba", "aa", "mesos", "m", "a\\.b", "b-a"};
  std::vector<std::uint16_t> types_ = {0, 1, 28, 255};
  std::vector<std::uint16_t> classes_ = {1, 3};
};

std::string Describe(const std::vector<Rule>& rules) {
  static const char* kKinds[] = {"exact", "prefix", "suffix", "substring", "regex"};
  std::ostringstream out;
  for (const Rule& r : rules) {
    out << r.index << (r.mode == Mode::kStop ? " stop " : " continue ");
    if (const auto* n = std::get_if<NameRule>(&r.body)) {
      out << "name " << kKinds[static_cast<int>(n->match.kind)] << " '" << n->match.pattern << "' '" << n->to << "'";
    } else if (const auto* t = std::get_if<TypeRule>(&r.body)) {
      out << "type " << t->from << " " << t->to;
    } else if (const auto* c = std::get_if<ClassRule>(&r.body)) {
      out << "class " << c->from << " " << c->to;
    } else if (const auto* l = std::get_if<TtlRule>(&r.body)) {
      out << "ttl " << kKinds[static_cast<int>(l->match.kind)] << " '" << l->match.pattern << "'";
    } else if (const auto* rc = std::get_if<RcodeRule>(&r.body)) {
      out << "rcode " << kKinds[static_cast<int>(rc->match.kind)] << " '" << rc->match.pattern << "'";
    } else if (const auto* lo = std::get_if<LocalRule>(&r.body)) {
      out << "local " << lo->rcode << " " << kKinds[static_cast<int>(lo->match.kind)] << " '" << lo->match.pattern
          << "'";
    } else {
      out << "edns0";
    }
    out << "\n";
  }
  return out.str();
}

// A name that some rule of the set is likely to match.
std::string NameFor(Generator& gen, const std::vector<Rule>& rules) {
  if (rules.empty() || gen.Chance(35)) return gen.Name(0, 5);
  const Rule& rule = gen.Pick(rules);
  const NameMatch* match = nullptr;
  if (const auto* n = std::get_if<NameRule>(&rule.body)) match = &n->match;
  if (const auto* t = std::get_if<TtlRule>(&rule.body)) match = &t->match;
  if (const auto* l = std::get_if<LocalRule>(&rule.body)) match = &l->match;
  if (match == nullptr || match->kind == MatchKind::kRegex) return gen.Name(0, 5);
  switch (match->kind) {
    case MatchKind::kExact: return match->pattern;
    case MatchKind::kSuffix: return gen.Slice(gen.Name(0, 2), false, true) + match->pattern;
    case MatchKind::kPrefix: return match->pattern + gen.Name(0, 2);
    default: return gen.Name(0, 2) + match->pattern + gen.Name(0, 2);
  }
}

void ExpectSame(const Outcome& fast, const Outcome& naive) {
  EXPECT_EQ(fast.status, naive.status);
  EXPECT_EQ(fast.question.name.view(), naive.question.name.view());
  EXPECT_EQ(fast.question.qtype, naive.question.qtype);
  EXPECT_EQ(fast.question.qclass, naive.question.qclass);
  EXPECT_EQ(Applied(fast), Applied(naive));
}

void RunDifferential(std::uint32_t first_seed, int sets, int max_rules, int names_per_set) {
  for (int s = 0; s < sets; ++s) {
    std::uint32_t seed = first_seed + static_cast<std::uint32_t>(s);
    Generator gen(seed);
    std::vector<Rule> rules;
    int count = gen.Int(0, max_rules);
    for (int i = 0; i < count; ++i) rules.push_back(gen.RandomRule());
    rules = Numbered(std::move(rules));
    auto compiled = RuleSet::Compile(rules);
    ASSERT_TRUE(compiled.ok()) << compiled.error.message;
    for (int n = 0; n < names_per_set; ++n) {
      Question q = QuestionOf(NameFor(gen, rules), gen.Pick(std::vector<std::uint16_t>{1, 28, 255}),
                              gen.Chance(80) ? 1 : 3);
      Outcome fast, naive;
      compiled.rule_set->Evaluate(q, fast);
      EvaluateNaive(rules, q, naive);
      SCOPED_TRACE(::testing::Message() << "seed " << seed << ", name '" << q.name.view() << "' type " << q.qtype
                                        << " class " << q.qclass << "\n" << Describe(rules));
      ExpectSame(fast, naive);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(RuleSetDifferential, SmallOverlappingSetsMatchNaiveEvaluation) { RunDifferential(1, 3000, 12, 12); }

TEST(RuleSetDifferential, LargerSetsMatchNaiveEvaluation) { RunDifferential(100000, 400, 120, 20); }

TEST(RuleSetDifferential, SeesRewrittenOutcomesOften) {
  // Guard against a generator that never matches anything (a vacuous differential test).
  Generator gen(7);
  int rewritten = 0, continued = 0, local = 0, total = 0;
  for (int s = 0; s < 300; ++s) {
    std::vector<Rule> rules;
    for (int i = gen.Int(1, 12); i > 0; --i) rules.push_back(gen.RandomRule());
    rules = Numbered(std::move(rules));
    for (int n = 0; n < 5; ++n, ++total) {
      Outcome out;
      EvaluateNaive(rules, QuestionOf(NameFor(gen, rules)), out);
      rewritten += out.status == Outcome::Status::kRewritten;
      continued += out.applied_count > 1;
      local += out.status == Outcome::Status::kLocal;
    }
  }
  EXPECT_GT(rewritten, total / 4);
  EXPECT_GT(continued, total / 20);
  EXPECT_GT(local, total / 100);  // local answers, after `continue` chains too
}

}  // namespace
}  // namespace dnsd::rules::test
