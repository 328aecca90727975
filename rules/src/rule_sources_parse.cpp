// The rule parsers of rules/parse.hpp, adapted to rule_sources.hpp's types.
#include "rules/rule_sources.hpp"

#include "rules/parse.hpp"

namespace dnsd::rules {

FileRules LoadRulesFile(const std::string& path) {
  ParsedRules parsed = ParseRuleFile(path);
  FileRules out;
  if (!parsed.ok()) out.error = std::move(parsed.error);
  else out.rules = std::move(parsed.rules);
  return out;
}

LineRules ParseRewriteLine(const config::Directive& directive) {
  // Indices are assigned when all pieces are joined (Assemble); 0 here.
  ParsedRules parsed = ParseRewriteDirective(directive, 0, directive.name.pos.file);
  LineRules out;
  if (!parsed.ok()) {
    const RuleError& error = *parsed.error;
    out.error = config::ConfigError{{error.pos.file, error.pos.line, error.pos.column}, error.message};
  } else {
    out.rules = std::move(parsed.rules);
  }
  return out;
}

}  // namespace dnsd::rules
