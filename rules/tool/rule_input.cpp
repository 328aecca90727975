#include "rule_input.hpp"

#include <fstream>
#include <sstream>

#include "dnsd/config/corefile.hpp"
#include "rules/parse.hpp"
#include "rules/rule_sources.hpp"

namespace dnsd::rules_tool {
namespace {

bool EndsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string ToString(const config::ConfigError& error) { return error.ToString(); }

Input LoadYaml(const std::string& path) {
  Input input;
  input.is_yaml = true;
  rules::ParsedRules parsed = rules::ParseRuleFile(path);
  if (!parsed.ok()) {
    rules::RuleError error = *parsed.error;
    if (error.pos.file.empty()) error.pos.file = path;
    input.errors.push_back(error.ToString());
    return input;
  }
  rules::RuleSet::Compiled compiled = rules::RuleSet::Compile(std::move(parsed.rules));
  if (!compiled.ok()) input.errors.push_back(compiled.error.ToString());
  else input.lists.push_back({path, std::move(compiled.rule_set)});
  return input;
}

std::string BlockLabel(const config::ServerBlock& block) {
  std::string keys;
  for (const config::Token& key : block.keys) keys += (keys.empty() ? "" : " ") + key.text;
  const config::Position& at = block.keys.empty() ? config::Position{} : block.keys.front().pos;
  return "server block \"" + keys + "\" (" + at.file + ":" + std::to_string(at.line) + ")";
}

// Every rewrite directive is parsed on its own first, so that each bad line is reported; the block
// is then assembled (files read, rules compiled) only when all its lines are good.
void LoadBlock(const config::ServerBlock& block, Input& input) {
  std::vector<const config::Directive*> rewrites;
  for (const config::Directive& directive : block.directives) {
    if (directive.name.text == "rewrite") rewrites.push_back(&directive);
  }
  if (rewrites.empty()) return;
  bool lines_ok = true;
  for (const config::Directive* directive : rewrites) {
    auto one = rules::ParseDirectives({&directive, 1});
    if (!one.ok()) {
      input.errors.push_back(ToString(one.error));
      lines_ok = false;
    }
  }
  if (!lines_ok) return;
  auto sources = rules::ParseDirectives(rewrites);
  rules::RuleSet::Compiled compiled = rules::Assemble(*sources.value);
  if (!compiled.ok()) input.errors.push_back(compiled.error.ToString());
  else input.lists.push_back({BlockLabel(block), std::move(compiled.rule_set)});
}

Input LoadCorefile(const std::string& path) {
  Input input;
  auto corefile = config::ParseCorefileFromPath(path);
  if (!corefile.ok()) {
    input.errors.push_back(ToString(corefile.error));
    return input;
  }
  input.corefile_parsed = true;
  for (const config::ServerBlock& block : corefile.value->blocks) LoadBlock(block, input);
  return input;
}

}  // namespace

bool LooksLikeYaml(const std::string& path, const std::string& text) {
  if (EndsWith(path, ".yaml") || EndsWith(path, ".yml")) return true;
  // A YAML rule set starts with `version:` or `rules:` (after comments); a Corefile with a key.
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') continue;
    if (line.compare(start, 3, "---") == 0) return true;
    return line.compare(start, 8, "version:") == 0 || line.compare(start, 6, "rules:") == 0;
  }
  return false;
}

Input LoadInput(const std::string& path) {
  std::ifstream probe(path);
  if (!probe) {
    Input input;
    input.errors.push_back(path + ": cannot read the file");
    return input;
  }
  return LooksLikeYaml(path, ReadAll(path)) ? LoadYaml(path) : LoadCorefile(path);
}

}  // namespace dnsd::rules_tool
