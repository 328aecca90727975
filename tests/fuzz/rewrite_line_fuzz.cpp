// Fuzzes the Corefile `rewrite` line parser (rules/src/parse_corefile.cpp): the input is a
// Corefile (parsed in the import sandbox, fuzz_support.hpp); every `rewrite` directive of a block
// is parsed into rules, the block's rules are compiled, and the compiled RuleSet must evaluate
// exactly as EvaluateNaive (rules_check.hpp). An error must point at a line.
#include <cstdint>
#include <string>
#include <string_view>

#include "dnsd/config/corefile.hpp"
#include "rules/parse.hpp"
#include "rules_check.hpp"

namespace {

using namespace dnsd;

void CheckBlock(const config::ServerBlock& block) {
  std::vector<rules::Rule> all;
  for (const config::Directive& directive : block.directives) {
    if (directive.name.text != "rewrite") continue;
    rules::ParsedRules parsed =
        rules::ParseRewriteDirective(directive, static_cast<std::uint32_t>(all.size()), "Corefile");
    if (!parsed.ok()) {
      FUZZ_CHECK(parsed.rules.empty() && !parsed.error->message.empty());
      FUZZ_CHECK(parsed.error->pos.line >= 1);
      continue;
    }
    FUZZ_CHECK(parsed.rules.size() == 1);
    for (rules::Rule& rule : parsed.rules) all.push_back(std::move(rule));
  }
  if (!all.empty()) fuzz::CompileAndCompare(std::move(all));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto corefile = config::ParseCorefile(text, fuzz::SandboxDir() + "/Corefile");
  if (!corefile.ok()) return 0;
  for (const config::ServerBlock& block : corefile.value->blocks) CheckBlock(block);
  return 0;
}
