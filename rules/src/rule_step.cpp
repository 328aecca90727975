#include "rule_step.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <type_traits>

namespace dnsd::rules::detail {
namespace {

// A fixed buffer that remembers overflow instead of growing: the hot path never allocates.
class NameBuffer {
 public:
  static constexpr std::size_t kCapacity = 2 * QuestionName::kCapacity;
  void Append(std::string_view s) {
    if (overflow_ || s.size() > kCapacity - length_) {
      overflow_ = true;
      return;
    }
    s.copy(text_.data() + length_, s.size());
    length_ += s.size();
  }
  void Clear() { length_ = 0, overflow_ = false; }
  void MarkOverflow() { overflow_ = true; }
  bool overflow() const { return overflow_; }
  std::string_view view() const { return {text_.data(), length_}; }

 private:
  std::array<char, kCapacity> text_;
  std::size_t length_ = 0;
  bool overflow_ = false;
};

// Go's strings.Replace(s, from, to, -1) into `out`.
void ReplaceAll(std::string_view s, std::string_view from, std::string_view to, NameBuffer& out) {
  if (from.empty()) {  // Go inserts `to` before every character and at the end
    for (char c : s) out.Append(to), out.Append(std::string_view(&c, 1));
    out.Append(to);
    return;
  }
  std::size_t pos = 0;
  for (std::size_t hit; (hit = s.find(from, pos)) != std::string_view::npos; pos = hit + from.size()) {
    out.Append(s.substr(pos, hit - pos));
    out.Append(to);
  }
  out.Append(s.substr(pos));
}

constexpr int kMaxGroups = 32;  // {0}..{31}; groups beyond are not substituted

// Go's FindStringSubmatch + the sequential "{i}" substitution CoreDNS does.
bool RegexRewrite(const re2::RE2& re, std::string_view name, std::string_view to, NameBuffer& out) {
  std::array<re2::StringPiece, kMaxGroups> groups;
  int count = std::min(re.NumberOfCapturingGroups() + 1, kMaxGroups);
  // Ask first without captures: RE2 then answers from its DFA, while a Match with captures on a
  // short text goes straight to the slower BitState engine even when nothing matches. Most
  // prefiltered candidates fail (the DC/OS preset keys a dozen regexes on "marathon.mesos"):
  // bench/rules_bench BM_EvaluatePreset, docs/benchmarks.md.
  const re2::StringPiece text(name.data(), name.size());
  if (!re.Match(text, 0, name.size(), re2::RE2::UNANCHORED, nullptr, 0)) return false;
  if (!re.Match(re2::StringPiece(name.data(), name.size()), 0, name.size(), re2::RE2::UNANCHORED,
                groups.data(), count)) {
    return false;
  }
  NameBuffer other;
  NameBuffer* current = &out;
  NameBuffer* next = &other;
  current->Append(to);
  if (to.find('{') != std::string_view::npos) {
    for (int i = 0; i < count; ++i) {
      char token[8];
      int n = 0;
      token[n++] = '{';
      if (i >= 10) token[n++] = static_cast<char>('0' + i / 10);
      token[n++] = static_cast<char>('0' + i % 10);
      token[n++] = '}';
      if (current->view().find(std::string_view(token, n)) == std::string_view::npos) continue;
      next->Clear();
      ReplaceAll(current->view(), std::string_view(token, n),
                 std::string_view(groups[i].data(), groups[i].size()), *next);
      std::swap(current, next);
    }
  }
  if (current != &out) {
    out.Clear();
    out.Append(current->view());
    if (current->overflow()) out.MarkOverflow();
  }
  return true;
}

bool NameRewrite(const NameRule& rule, const re2::RE2* regex, std::string_view regex_to,
                 std::string_view name, NameBuffer& out) {
  const std::string& pattern = rule.match.pattern;
  switch (rule.match.kind) {
    case MatchKind::kExact:
      if (name != pattern) return false;
      out.Append(rule.to);
      return true;
    case MatchKind::kPrefix:
      if (!name.starts_with(pattern)) return false;
      out.Append(rule.to);
      out.Append(name.substr(pattern.size()));
      return true;
    case MatchKind::kSuffix:
      if (!name.ends_with(pattern)) return false;
      out.Append(name.substr(0, name.size() - pattern.size()));
      out.Append(rule.to);
      return true;
    case MatchKind::kSubstring:
      if (name.find(pattern) == std::string_view::npos) return false;
      ReplaceAll(name, pattern, rule.to, out);
      return true;
    case MatchKind::kRegex:
      return RegexRewrite(*regex, name, regex_to, out);
  }
  return false;
}

bool IsFqdn(std::string_view s) {
  if (s.empty() || s.back() != '.') return false;
  std::size_t backslashes = 0;
  for (std::size_t i = s.size() - 1; i > 0 && s[i - 1] == '\\'; --i) ++backslashes;
  return backslashes % 2 == 0;
}

}  // namespace

const NameMatch* QueryNameMatch(const Rule& rule) {
  if (const auto* r = std::get_if<NameRule>(&rule.body)) return &r->match;
  if (const auto* r = std::get_if<TtlRule>(&rule.body)) return &r->match;
  if (const auto* r = std::get_if<RcodeRule>(&rule.body)) return &r->match;
  if (const auto* r = std::get_if<LocalRule>(&rule.body)) return &r->match;
  return nullptr;
}

bool NameMatches(const NameMatch& match, const re2::RE2* regex, std::string_view name) {
  switch (match.kind) {
    case MatchKind::kExact: return name == match.pattern;
    case MatchKind::kPrefix: return name.starts_with(match.pattern);
    case MatchKind::kSuffix: return name.ends_with(match.pattern);
    case MatchKind::kSubstring: return name.find(match.pattern) != std::string_view::npos;
    case MatchKind::kRegex:
      return regex->Match(re2::StringPiece(name.data(), name.size()), 0, name.size(),
                          re2::RE2::UNANCHORED, nullptr, 0);
  }
  return false;
}

std::string NormaliseTemplate(std::string_view to) {
  std::string out(to);
  if (!IsFqdn(out)) out.push_back('.');
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsLegalFqdn(std::string_view name) {
  if (name == ".") return true;
  std::size_t wire = 1, label = 0;  // 1: the root label
  for (std::size_t i = 0; i < name.size();) {
    char c = name[i];
    if (c == '.') {
      if (label == 0 || label > 63) return false;
      wire += label + 1;
      label = 0;
      ++i;
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= name.size()) return false;
      if (std::isdigit(static_cast<unsigned char>(name[i + 1]))) {
        if (i + 3 >= name.size() || !std::isdigit(static_cast<unsigned char>(name[i + 2])) ||
            !std::isdigit(static_cast<unsigned char>(name[i + 3]))) {
          return false;
        }
        int value = (name[i + 1] - '0') * 100 + (name[i + 2] - '0') * 10 + (name[i + 3] - '0');
        if (value > 255) return false;
        i += 4;
      } else {
        i += 2;
      }
      ++label;
      continue;
    }
    ++label;
    ++i;
  }
  return !name.empty() && label == 0 && wire <= 255;
}

bool QuestionMatches(const Rule& rule, const Question& q) {
  if (const auto* r = std::get_if<TypeRule>(&rule.body)) return r->from && r->to && q.qtype == r->from;
  if (const auto* r = std::get_if<ClassRule>(&rule.body)) return r->from && r->to && q.qclass == r->from;
  if (std::holds_alternative<Edns0Rule>(rule.body)) return true;
  if (const auto* r = std::get_if<CnameRule>(&rule.body)) return !r->match.pattern.empty() && !r->to.empty();
  return false;
}

StepResult ApplyStep(const Rule& rule, const re2::RE2* regex, std::string_view regex_to, Question& q) {
  return std::visit(
      [&](const auto& body) -> StepResult {
        using Body = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<Body, LocalRule>) {
          return NameMatches(body.match, regex, q.name.view()) ? StepResult::kLocal
                                                               : StepResult::kNoMatch;
        } else if constexpr (!std::is_same_v<Body, NameRule> && !std::is_same_v<Body, TtlRule> &&
                             !std::is_same_v<Body, RcodeRule>) {
          if (!QuestionMatches(rule, q)) return StepResult::kNoMatch;
          if constexpr (std::is_same_v<Body, TypeRule>) q.qtype = body.to;
          if constexpr (std::is_same_v<Body, ClassRule>) q.qclass = body.to;
          return StepResult::kApplied;  // edns0 and cname act on the messages, not the question
        } else if constexpr (std::is_same_v<Body, NameRule>) {
          NameBuffer out;
          if (!NameRewrite(body, regex, regex_to, q.name.view(), out)) return StepResult::kNoMatch;
          if (out.overflow() || !IsLegalFqdn(out.view()) || !q.name.Assign(out.view())) {
            return StepResult::kBadName;
          }
          return StepResult::kApplied;
        } else {  // ttl, rcode: match on the name, change nothing in the question
          return NameMatches(body.match, regex, q.name.view()) ? StepResult::kApplied
                                                               : StepResult::kNoMatch;
        }
      },
      rule.body);
}

}  // namespace dnsd::rules::detail
