// What dnsd-rules reads: a Corefile (the rewrite lines of every server block, with their
// `dnsd_rules` files) or a YAML rule set, told apart by extension or content.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rules/rule_set.hpp"

namespace dnsd::rules_tool {

// One rule list: a Corefile server block or the YAML file itself.
struct RuleList {
  std::string label;  // "Corefile block \".:53\" (line 1)" or the YAML path
  std::shared_ptr<const rules::RuleSet> rule_set;
};

struct Input {
  std::vector<RuleList> lists;    // only lists that compiled
  std::vector<std::string> errors;  // "file:line:column: message", every one found
  bool is_yaml = false;
  bool corefile_parsed = false;  // a Corefile whose syntax is sound (its plugins may still be wrong)
};

bool LooksLikeYaml(const std::string& path, const std::string& text);
Input LoadInput(const std::string& path);

}  // namespace dnsd::rules_tool
