// Test helpers: a canonical one-line description of a Rule's AST (so tables compare strings and a
// failure shows the whole rule), and a one-directive Corefile parse.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <variant>

#include "dnsd/config/corefile.hpp"
#include "rules/parse.hpp"

namespace dnsd::rules::testing {

inline const char* KindName(MatchKind kind) {
  switch (kind) {
    case MatchKind::kExact: return "exact";
    case MatchKind::kPrefix: return "prefix";
    case MatchKind::kSuffix: return "suffix";
    case MatchKind::kSubstring: return "substring";
    case MatchKind::kRegex: return "regex";
  }
  return "?";
}

inline std::string Printable(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

inline std::string Describe(const Rule& rule) {
  std::string out = rule.mode == Mode::kContinue ? "continue " : "stop ";
  const auto match = [](const NameMatch& m) { return std::string(KindName(m.kind)) + " " + m.pattern; };
  if (const auto* n = std::get_if<NameRule>(&rule.body)) {
    out += "name " + match(n->match) + " -> " + n->to;
    for (const AnswerOption& a : n->answers) {
      switch (a.kind) {
        case AnswerOption::Kind::kAuto: out += " [auto]"; break;
        case AnswerOption::Kind::kName: out += " [name " + a.from + " -> " + a.to + "]"; break;
        case AnswerOption::Kind::kValue: out += " [value " + a.from + " -> " + a.to + "]"; break;
      }
    }
  } else if (const auto* t = std::get_if<TypeRule>(&rule.body)) {
    out += "type " + std::to_string(t->from) + " -> " + std::to_string(t->to);
  } else if (const auto* c = std::get_if<ClassRule>(&rule.body)) {
    out += "class " + std::to_string(c->from) + " -> " + std::to_string(c->to);
  } else if (const auto* ttl = std::get_if<TtlRule>(&rule.body)) {
    out += "ttl " + match(ttl->match) + " " + std::to_string(ttl->min) + "-" + std::to_string(ttl->max);
  } else if (const auto* r = std::get_if<RcodeRule>(&rule.body)) {
    out += "rcode " + match(r->match) + " " + std::to_string(r->from) + " -> " + std::to_string(r->to);
  } else if (const auto* cn = std::get_if<CnameRule>(&rule.body)) {
    out += "cname " + match(cn->match) + " -> " + cn->to;
  } else if (const auto* l = std::get_if<LocalRule>(&rule.body)) {
    out += "local " + match(l->match) + " rcode " + std::to_string(l->rcode);
  } else if (const auto* e = std::get_if<Edns0Rule>(&rule.body)) {
    static const char* kOptions[] = {"local", "nsid", "subnet"};
    static const char* kActions[] = {"set", "append", "replace", "unset"};
    out += std::string("edns0 ") + kOptions[static_cast<int>(e->option)] + " " + kActions[static_cast<int>(e->action)];
    if (e->option == Edns0Rule::Option::kLocal) {
      out += " code=" + std::to_string(e->code);
      if (e->action != Edns0Rule::Action::kUnset)
        out += (e->data_is_placeholder ? " var=" : " data=") + Printable(e->data);
    }
    if (e->option == Edns0Rule::Option::kSubnet && e->action != Edns0Rule::Action::kUnset)
      out += " v4=" + std::to_string(e->v4_bits) + " v6=" + std::to_string(e->v6_bits);
    if (e->revert) out += " revert";
  }
  return out;
}

// Parses `text` (one or more Corefile lines; a `rewrite` directive first) inside a server block
// that starts on line 1, so the first rule line is line 2 of "Corefile".
inline ParsedRules ParseLines(const std::string& text, std::uint32_t first_index = 0) {
  const auto corefile = config::ParseCorefile(". {\n" + text + "\n}\n", "Corefile");
  if (!corefile.ok()) {
    ADD_FAILURE() << "Corefile did not parse: " << corefile.error.ToString();
    return {};
  }
  ParsedRules all;
  std::uint32_t index = first_index;
  for (const config::Directive& d : corefile.value->blocks.at(0).directives) {
    ParsedRules one = ParseRewriteDirective(d, index, "Corefile");
    if (!one.ok()) return one;
    for (Rule& r : one.rules) all.rules.push_back(std::move(r));
    ++index;
  }
  return all;
}

inline std::string DescribeAll(const ParsedRules& parsed) {
  if (!parsed.ok()) return "error: " + parsed.error->ToString();
  std::string out;
  for (const Rule& r : parsed.rules) out += (out.empty() ? "" : "\n") + Describe(r);
  return out;
}

}  // namespace dnsd::rules::testing
