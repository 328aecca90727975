#include "commands.hpp"

#include <optional>

#include "daemon_check.hpp"
#include "describe_rule.hpp"
#include "dnsd/wire/name.hpp"
#include "dnsd/wire/rr_types.hpp"
#include "rule_input.hpp"
#include "rules/parse.hpp"
#include "rules/question_name.hpp"

namespace dnsd::rules_tool {
namespace {

// The mnemonic of wire/rr_types' table (miekg/dns's names, as CoreDNS prints them), else TYPEn.
std::string TypeName(std::uint16_t type) {
  const std::string_view mnemonic = wire::TypeMnemonic(type);
  return mnemonic.empty() ? "TYPE" + std::to_string(type) : std::string(mnemonic);
}

std::string ClassName(std::uint16_t klass) {
  switch (klass) {
    case 1: return "IN";
    case 3: return "CH";
    case 4: return "HS";
    case 254: return "NONE";
    case 255: return "ANY";
    default: return "CLASS" + std::to_string(klass);
  }
}

std::string Where(const rules::Rule& rule) {
  return rule.pos.file + ":" + std::to_string(rule.pos.line) + ":" + std::to_string(rule.pos.column);
}

std::string Describe(const rules::Question& q) {
  return std::string(q.name.view()) + " " + ClassName(q.qclass) + " " + TypeName(q.qtype);
}

bool Loaded(const Input& input, std::ostream& err) {
  for (const std::string& error : input.errors) err << error << "\n";
  return input.errors.empty();
}

}  // namespace

int Check(const std::string& file, std::ostream& out, std::ostream& err) {
  Input input = LoadInput(file);
  if (!input.is_yaml && input.corefile_parsed) {
    // The daemon judges the whole Corefile (its rewrite lines included): its errors are the list.
    if (std::optional<DaemonCheck> daemon = RunDaemonCheck(file)) {
      for (const std::string& error : daemon->errors) err << error << "\n";
      if (!daemon->ok) {
        err << file << ": " << daemon->errors.size() << (daemon->errors.size() == 1 ? " error" : " errors")
            << " (" << daemon->binary << " -check)\n";
        return 1;
      }
    } else {
      err << "dnsd-rules: warning: no dnsd binary found (beside dnsd-rules, on PATH or in $DNSD_BINARY): "
             "only the rewrite lines were checked\n";
    }
  }
  if (!Loaded(input, err)) return 1;
  std::size_t count = 0;
  for (const RuleList& list : input.lists) count += list.rule_set->rules().size();
  out << "ok: " << count << " rules";
  if (!input.is_yaml) out << " in " << input.lists.size() << " server block(s)";
  out << "\n";
  return 0;
}

int Test(const std::string& file, const std::string& name, const std::string& type, std::ostream& out,
         std::ostream& err) {
  rules::Question question;
  question.qclass = 1;
  question.qtype = 1;
  if (!type.empty()) {
    auto code = rules::TypeFromString(type);
    if (!code) {
      err << "dnsd-rules: unknown record type \"" << type << "\"\n";
      return 2;
    }
    question.qtype = *code;
  }
  wire::Name parsed;
  if (wire::Name::FromString(name, parsed) != wire::WireError::kOk ||
      !rules::ToQuestionName(parsed, question.name)) {
    err << "dnsd-rules: \"" << name << "\" is not a domain name\n";
    return 2;
  }
  Input input = LoadInput(file);
  if (!Loaded(input, err)) return 1;
  out << "question: " << Describe(question) << "\n";
  if (input.lists.empty()) out << "no rewrite rules in " << file << ": sent upstream unchanged\n";
  for (const RuleList& list : input.lists) {
    if (input.lists.size() > 1) out << "in " << list.label << ":\n";
    auto outcome = std::make_unique<rules::Outcome>();
    list.rule_set->Evaluate(question, *outcome);
    switch (outcome->status) {
      case rules::Outcome::Status::kNoMatch: out << "no rule matched: sent upstream unchanged\n"; break;
      case rules::Outcome::Status::kRewritten: out << "rewritten: " << Describe(outcome->question) << "\n"; break;
      case rules::Outcome::Status::kBadName:
        out << "SERVFAIL: a rule produced a name that is not a legal domain name\n";
        break;
      case rules::Outcome::Status::kTooManyRules:
        out << "SERVFAIL: more than " << rules::kMaxAppliedRules << " rules applied in one chain\n";
        break;
      case rules::Outcome::Status::kLocal:  // its last applied rule is the LocalRule
        out << LocalAnswer(list.rule_set->rules()[outcome->applied[outcome->applied_count - 1]],
                           outcome->question);
        break;
    }
    auto all = list.rule_set->rules();
    for (std::size_t i = 0; i < outcome->applied_count; ++i) {
      const rules::Rule& rule = all[outcome->applied[i]];
      out << "  applied rule " << rule.index << " at " << Where(rule) << ": " << RuleText(rule) << "\n";
    }
  }
  return 0;
}

int Explain(const std::string& file, std::ostream& out, std::ostream& err) {
  Input input = LoadInput(file);
  if (!Loaded(input, err)) return 1;
  for (const RuleList& list : input.lists) {
    out << list.label << ": " << list.rule_set->rules().size() << " rules, match order:\n";
    for (const rules::Rule& rule : list.rule_set->rules()) {
      out << "  " << rule.index << "  " << list.rule_set->IndexKind(rule.index) << "  "
          << (rule.mode == rules::Mode::kContinue ? "continue" : "stop") << "  " << Where(rule) << "  "
          << RuleText(rule) << "\n";
    }
  }
  return 0;
}

}  // namespace dnsd::rules_tool
