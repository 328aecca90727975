// The rule parsers of rules/parse.hpp, adapted to rule_sources.hpp's types.
#include "dnsd/plugins/rewrite/rule_sources.hpp"
#include "rules/parse.hpp"

namespace dnsd::plugins::rewrite {

FileRules LoadRulesFile(const std::string& path) {
  rules::ParsedRules parsed = rules::ParseRuleFile(path);
  FileRules out;
  if (!parsed.ok()) out.error = std::move(parsed.error);
  else out.rules = std::move(parsed.rules);
  return out;
}

LineRules ParseRewriteLine(const config::Directive& directive) {
  // Indices are assigned when all pieces are joined (Assemble); 0 here.
  rules::ParsedRules parsed = rules::ParseRewriteDirective(directive, 0, directive.name.pos.file);
  LineRules out;
  if (!parsed.ok()) {
    const rules::RuleError& error = *parsed.error;
    out.error = config::ConfigError{{error.pos.file, error.pos.line, error.pos.column}, error.message};
  } else {
    out.rules = std::move(parsed.rules);
  }
  return out;
}

}  // namespace dnsd::plugins::rewrite
