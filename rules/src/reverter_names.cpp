#include "reverter_names.hpp"

#include <re2/re2.h>

#include <cstring>
#include <string>
#include <variant>

#include "dnsd/wire/name.hpp"
#include "rewriter_regex_cache.hpp"
#include "rule_step.hpp"

namespace dnsd::rules::detail {
namespace {

constexpr char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Same escaping as dnsd::wire::Name::ToString (ldns's presentation form).
constexpr bool NeedsBackslash(std::uint8_t c) {
  return c == '.' || c == ';' || c == '(' || c == ')' || c == '\\';
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// `a` + `b` into `buf`; 0 when it does not fit.
std::size_t Concat(std::string_view a, std::string_view b, char* buf, std::size_t cap) {
  if (a.size() + b.size() > cap || a.size() + b.size() == 0) return 0;
  if (!a.empty()) std::memcpy(buf, a.data(), a.size());
  if (!b.empty()) std::memcpy(buf + a.size(), b.data(), b.size());
  return a.size() + b.size();
}

// Replaces the client-facing part of a mapped name with the client's own octets when the name is
// the client's query name or below it: the question keeps the client's case, so do the answers.
void ApplyClientCase(std::uint8_t* name, std::size_t length, std::span<const std::uint8_t> client) {
  if (client.empty() || length < client.size()) return;
  const std::size_t offset = length - client.size();
  std::size_t pos = 0;
  while (pos < offset && name[pos] != 0) pos += name[pos] + 1u;
  if (pos != offset) return;  // not on a label boundary
  if (!wire::WireNamesEqual(std::span<const std::uint8_t>(name + offset, client.size()), client)) return;
  std::memcpy(name + offset, client.data(), client.size());
}

}  // namespace

std::size_t WireToLowerText(std::span<const std::uint8_t> wire, char* buf, std::size_t cap) {
  std::size_t n = 0;
  if (wire.empty() || wire[0] == 0) {
    if (cap < 1) return 0;
    buf[0] = '.';
    return 1;
  }
  for (std::size_t pos = 0; pos < wire.size() && wire[pos] != 0;) {
    const std::size_t label_end = pos + 1 + wire[pos];
    if (label_end > wire.size()) return 0;
    if (n + 4 * (label_end - pos - 1) + 1 > cap) return 0;  // worst case for this label
    for (std::size_t i = pos + 1; i < label_end; ++i) {
      const std::uint8_t c = wire[i];
      if (NeedsBackslash(c)) {
        buf[n++] = '\\';
        buf[n++] = static_cast<char>(c);
      } else if (c > 0x20 && c < 0x7f) {
        buf[n++] = LowerAscii(static_cast<char>(c));
      } else {
        buf[n++] = '\\';
        buf[n++] = static_cast<char>('0' + c / 100);
        buf[n++] = static_cast<char>('0' + c / 10 % 10);
        buf[n++] = static_cast<char>('0' + c % 10);
      }
    }
    buf[n++] = '.';
    pos = label_end;
  }
  return n;
}

std::size_t ExpandTemplate(std::string_view templ, std::span<const std::string_view> groups,
                           char* buf, std::size_t cap) {
  std::size_t n = 0;
  const auto put = [&](std::string_view s) {
    if (n + s.size() > cap) return false;
    for (char c : s) buf[n++] = LowerAscii(c);
    return true;
  };
  for (std::size_t i = 0; i < templ.size();) {
    if (templ[i] == '{') {
      std::size_t j = i + 1;
      std::size_t index = 0;
      while (j < templ.size() && templ[j] >= '0' && templ[j] <= '9' && j - i <= 3) {
        index = index * 10 + static_cast<std::size_t>(templ[j] - '0');
        ++j;
      }
      if (j > i + 1 && j < templ.size() && templ[j] == '}' && index < groups.size()) {
        if (!put(groups[index])) return 0;
        i = j + 1;
        continue;
      }
    }
    if (!put(templ.substr(i, 1))) return 0;
    ++i;
  }
  if (n == 0 || buf[n - 1] != '.') {
    if (n + 1 > cap) return 0;
    buf[n++] = '.';
  }
  return n;
}

std::size_t RegexFind(const re2::RE2& regex, std::string_view text,
                      std::span<std::string_view> groups) {
  constexpr std::size_t kMaxGroups = 32;
  re2::StringPiece pieces[kMaxGroups];
  std::size_t count = static_cast<std::size_t>(regex.NumberOfCapturingGroups()) + 1;
  if (count > kMaxGroups) count = kMaxGroups;
  if (count > groups.size()) count = groups.size();
  const re2::StringPiece input(text.data(), text.size());
  if (!regex.Match(input, 0, input.size(), re2::RE2::UNANCHORED, pieces, static_cast<int>(count))) {
    return 0;
  }
  for (std::size_t i = 0; i < count; ++i) {
    groups[i] = pieces[i].data() == nullptr ? std::string_view{}
                                             : std::string_view(pieces[i].data(), pieces[i].size());
  }
  return count;
}

std::string_view NamePlan::Store(const char* text, std::size_t length) {
  if (length == 0 || length > kPoolSize - pool_used_) return {};
  std::memcpy(pool_.data() + pool_used_, text, length);
  const std::string_view stored(pool_.data() + pool_used_, length);
  pool_used_ += length;
  return stored;
}

bool NamePlan::AddOp(const Op& op) {
  if (op_count_ == kMaxOps) return false;
  ops_[op_count_++] = op;
  if (op.owner) ++owner_ops_;
  if (op.value) ++value_ops_;
  return true;
}

bool NamePlan::AddRuleOps(const NameRule& rule, std::string_view before, std::string_view after) {
  bool automatic = rule.match.kind == MatchKind::kExact;  // CoreDNS: exact rules always revert
  for (const AnswerOption& answer : rule.answers) {
    if (answer.kind == AnswerOption::Kind::kAuto) automatic = true;
  }
  if (automatic) {
    Op op;
    op.owner = true;
    if (rule.match.kind == MatchKind::kSuffix) {
      op.value = true;  // suffix auto maps every name under TO back, targets included
      op.kind = Op::Kind::kSuffix;
      op.from = rule.to;
      op.to = rule.match.pattern;
    } else {
      op.kind = Op::Kind::kRemap;
      op.from = after;
      op.to = before;
    }
    if (op.from.empty() || op.to.empty() || !AddOp(op)) return false;
  }
  for (const AnswerOption& answer : rule.answers) {
    if (answer.kind == AnswerOption::Kind::kAuto) continue;
    Op op;
    op.kind = Op::Kind::kRegex;
    op.owner = answer.kind == AnswerOption::Kind::kName;
    op.value = answer.kind == AnswerOption::Kind::kValue;
    op.regex = CachedRegex(answer.from);
    op.to = answer.to;
    if (op.regex == nullptr || !AddOp(op)) return false;
  }
  return true;
}

bool NamePlan::Build(std::span<const Rule> rules, const Outcome& outcome,
                     std::string_view client_name) {
  std::array<const Rule*, kMaxAppliedRules> applied{};
  std::size_t count = 0;
  for (std::size_t i = 0; i < outcome.applied_count && i < kMaxAppliedRules; ++i) {
    const std::uint32_t index = outcome.applied[i];
    if (index >= rules.size()) return false;
    if (std::holds_alternative<NameRule>(rules[index].body)) applied[count++] = &rules[index];
  }
  if (count == 0) return true;

  // The name each rule saw (before) and produced (after). One name rule is the common case and
  // needs no replay; a `continue` chain is replayed with the rule engine's own step (so the names
  // are exactly the ones it produced) to recover the names in between.
  std::array<std::string_view, kMaxAppliedRules> before{}, after{};
  before[0] = client_name;
  if (count > 1) {
    Question q;
    if (!q.name.Assign(client_name)) return false;
    for (std::size_t j = 0; j + 1 < count; ++j) {
      const NameRule& rule = std::get<NameRule>(applied[j]->body);
      const re2::RE2* regex = nullptr;
      std::string regex_to;  // only continue chains through regex rules get here: may allocate
      if (rule.match.kind == MatchKind::kRegex) {
        regex = CachedRegex(rule.match.pattern);
        if (regex == nullptr) return false;
        regex_to = NormaliseTemplate(rule.to);
      }
      if (ApplyStep(*applied[j], regex, regex_to, q) != StepResult::kApplied) return false;
      after[j] = Store(q.name.view().data(), q.name.size());
      if (after[j].empty()) return false;
      before[j + 1] = after[j];
    }
  }
  after[count - 1] = outcome.question.name.view();
  for (std::size_t j = count; j-- > 0;) {
    if (!AddRuleOps(std::get<NameRule>(applied[j]->body), before[j], after[j])) return false;
  }
  return true;
}

NamePlan::Result NamePlan::Map(std::span<const std::uint8_t> in, bool value,
                               std::span<const std::uint8_t> client_qname, std::uint8_t* out,
                               std::size_t* out_length) const {
  if ((value ? value_ops_ : owner_ops_) == 0) return Result::kUnchanged;
  char a[kNameTextCapacity], b[kNameTextCapacity];
  char* cur = a;
  char* next = b;
  std::size_t length = WireToLowerText(in, cur, kNameTextCapacity);
  if (length == 0) return Result::kError;
  bool changed = false;
  for (std::size_t i = 0; i < op_count_; ++i) {
    const Op& op = ops_[i];
    if (!(value ? op.value : op.owner)) continue;
    const std::string_view text(cur, length);
    std::size_t n = 0;
    bool matched = false;
    switch (op.kind) {
      case Op::Kind::kRemap:
        // Observed CoreDNS 1.10.1 (spec): exact rules, and `answer auto` on the other non-suffix
        // kinds, revert only owner names equal to the queried name; CNAME targets and names below
        // keep the upstream names.
        if (text == op.from) {
          matched = true;
          n = Concat(op.to, {}, next, kNameTextCapacity);
        }
        break;
      case Op::Kind::kSuffix:
        if (EndsWith(text, op.from)) {
          matched = true;
          n = Concat(text.substr(0, text.size() - op.from.size()), op.to, next, kNameTextCapacity);
        }
        break;
      case Op::Kind::kRegex: {
        std::array<std::string_view, 32> groups;
        const std::size_t count = RegexFind(*op.regex, text, groups);
        if (count > 0) {
          matched = true;
          n = ExpandTemplate(op.to, std::span(groups.data(), count), next, kNameTextCapacity);
        }
        break;
      }
    }
    if (!matched) continue;
    if (n == 0) return Result::kError;
    std::swap(cur, next);
    length = n;
    changed = true;
  }
  if (!changed) return Result::kUnchanged;
  wire::Name name;
  if (wire::Name::FromString(std::string_view(cur, length), name) != wire::WireError::kOk) {
    return Result::kError;
  }
  const auto mapped = name.Wire();
  std::memcpy(out, mapped.data(), mapped.size());
  *out_length = mapped.size();
  ApplyClientCase(out, mapped.size(), client_qname);
  return Result::kMapped;
}

}  // namespace dnsd::rules::detail
