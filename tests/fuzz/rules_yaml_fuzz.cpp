// Fuzzes the YAML rule-set parser (rules/src/parse_yaml.cpp, on yaml-cpp): the input is a rule
// file. Parsed rules are compiled and the RuleSet must evaluate exactly as EvaluateNaive
// (rules_check.hpp); an error must say something.
#include <cstdint>
#include <string_view>

#include "rules/parse.hpp"
#include "rules_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  dnsd::rules::ParsedRules parsed = dnsd::rules::ParseRuleYaml(text, "rules.yaml");
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.rules.empty() && !parsed.error->message.empty());
    return 0;
  }
  for (std::size_t i = 0; i < parsed.rules.size(); ++i) FUZZ_CHECK(parsed.rules[i].index == i);
  dnsd::fuzz::CompileAndCompare(std::move(parsed.rules));
  return 0;
}
