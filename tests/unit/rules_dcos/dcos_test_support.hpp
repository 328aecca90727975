// Loading a Corefile's rewrite lines the way the plugin does (ParseDirectives, then Assemble),
// and evaluating names through the compiled rule set.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "rules/rule_set.hpp"
#include "rules/rule_sources.hpp"

namespace dnsd::rules::dcos_test {

// The first server block's rewrite directives of `text` ("Corefile" as the file name).
struct Loaded {
  std::optional<config::ConfigError> parse_error;  // Corefile syntax or rewrite line
  std::optional<RuleError> compile_error;          // expansion / compile
  std::shared_ptr<const RuleSet> rule_set;
};

inline Loaded LoadCorefile(const std::string& text, const std::string& file = "Corefile") {
  Loaded loaded;
  auto corefile = config::ParseCorefile(text, file);
  if (!corefile.ok()) {
    loaded.parse_error = corefile.error;
    return loaded;
  }
  std::vector<const config::Directive*> rewrites;
  for (const config::Directive& d : corefile.value->blocks.at(0).directives) {
    if (d.name.text == "rewrite") rewrites.push_back(&d);
  }
  auto sources = ParseDirectives(rewrites);
  if (!sources.ok()) {
    loaded.parse_error = sources.error;
    return loaded;
  }
  RuleSet::Compiled compiled = Assemble(*sources.value);
  if (!compiled.ok()) {
    loaded.compile_error = compiled.error;
    return loaded;
  }
  loaded.rule_set = compiled.rule_set;
  return loaded;
}

// A block with the preset and `options` (lines inside dnsd_dcos { }), or `rewrite dnsd_dcos` alone.
inline std::string PresetCorefile(const std::string& options = "") {
  std::string text = ".:53 {\n";
  text += options.empty() ? "    rewrite dnsd_dcos\n" : "    rewrite dnsd_dcos {\n" + options + "    }\n";
  return text + "    forward . 127.0.0.1\n}\n";
}

// What the rule set does with one question: "rewritten NAME", "local NXDOMAIN (soa ZONE)",
// "local NOERROR (soa ZONE)", "no match", plus the family of the last applied rule.
struct Result {
  std::string what;
  std::string family;
  std::string soa;  // zone of the last applied rule's SOA, "" when none
};

inline Result Evaluate(const RuleSet& rules, std::string_view name, std::uint16_t qtype = 1) {
  Question q;
  q.name.Assign(name);
  q.qtype = qtype;
  q.qclass = 1;
  auto out = std::make_unique<Outcome>();
  rules.Evaluate(q, *out);
  Result result;
  if (out->applied_count > 0) {
    const Rule& last = rules.rules()[out->applied[out->applied_count - 1]];
    result.family = last.family;
    if (last.soa) result.soa = last.soa->zone;
    if (const auto* local = std::get_if<LocalRule>(&last.body)) {
      result.what = std::string("local ") + (local->rcode == 0 ? "NOERROR" : "NXDOMAIN");
    }
  }
  switch (out->status) {
    case Outcome::Status::kNoMatch: result.what = "no match"; break;
    case Outcome::Status::kRewritten: result.what = "rewritten " + std::string(out->question.name.view()); break;
    case Outcome::Status::kLocal: break;
    case Outcome::Status::kBadName: result.what = "bad name"; break;
    case Outcome::Status::kTooManyRules: result.what = "too many rules"; break;
  }
  return result;
}

// Whether this build's rule engine answers LocalRules (h/engine lands their evaluation after their
// AST). Cases that need it skip, saying so, until it does.
inline bool LocalRulesEvaluated() {
  static const bool evaluated = [] {
    Rule rule;
    rule.body = LocalRule{NameMatch{MatchKind::kExact, "x."}, 3};
    const std::vector<Rule> rules{rule};
    Question q;
    q.name.Assign("x.");
    q.qtype = 1;
    q.qclass = 1;
    auto out = std::make_unique<Outcome>();
    EvaluateNaive(rules, q, *out);
    return out->status == Outcome::Status::kLocal;
  }();
  return evaluated;
}
#define DCOS_NEEDS_LOCAL_RULES()                                                               \
  do {                                                                                         \
    if (!::dnsd::rules::dcos_test::LocalRulesEvaluated()) {                                    \
      GTEST_SKIP() << "LocalRule evaluation is not in this build of the rule engine (h/engine)"; \
    }                                                                                          \
  } while (false)

// A temporary folder removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/dnsd-dcos-test.XXXXXX";
    if (::mkdtemp(pattern) != nullptr) path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    const auto path = path_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace dnsd::rules::dcos_test
