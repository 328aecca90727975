#include "describe_rule.hpp"

#include <variant>

namespace dnsd::rules_tool {
namespace {

const char* KindName(rules::MatchKind kind) {
  switch (kind) {
    case rules::MatchKind::kExact: return "exact";
    case rules::MatchKind::kPrefix: return "prefix";
    case rules::MatchKind::kSuffix: return "suffix";
    case rules::MatchKind::kSubstring: return "substring";
    case rules::MatchKind::kRegex: return "regex";
  }
  return "?";
}

constexpr std::uint16_t kSoa = 6, kAny = 255;

}  // namespace

std::string RcodeName(std::uint16_t rcode) {
  static const char* const kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
  return rcode < std::size(kNames) ? kNames[rcode] : "RCODE" + std::to_string(rcode);
}

std::string SoaText(const rules::SoaParams& soa) {
  return soa.zone + " " + std::to_string(soa.ttl) + " IN SOA " + soa.mname + " " + soa.rname + " " +
         std::to_string(soa.serial) + " " + std::to_string(soa.refresh) + " " + std::to_string(soa.retry) + " " +
         std::to_string(soa.expire) + " " + std::to_string(soa.minimum);
}

std::string RuleText(const rules::Rule& rule) {
  std::string text = rule.text;
  if (const auto* local = std::get_if<rules::LocalRule>(&rule.body)) {
    text = "local " + RcodeName(local->rcode) + " " + KindName(local->match.kind) + " " + local->match.pattern;
    if (rule.soa != nullptr) text += " (soa " + rule.soa->zone + ")";
  }
  if (!rule.family.empty()) text += "  (family " + rule.family + ")";
  return text;
}

std::string LocalAnswer(const rules::Rule& rule, const rules::Question& question) {
  const auto* local = std::get_if<rules::LocalRule>(&rule.body);
  if (local == nullptr) return "";
  std::string out = "answered locally: " + RcodeName(local->rcode);
  if (rule.soa == nullptr) return out + " (no SOA)\n";
  const bool apex = local->rcode == 0 && question.name.view() == rule.soa->zone &&
                    (question.qtype == kSoa || question.qtype == kAny);
  return out + "\n  " + (apex ? "answer: " : "authority: ") + SoaText(*rule.soa) + "\n";
}

}  // namespace dnsd::rules_tool
