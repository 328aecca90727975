#include "dnsd/plugins/rewrite/setup.hpp"

#include "dnsd/metrics/labels.hpp"
#include "dnsd/plugins/rewrite/factory.hpp"
#include "rules/rule_sources.hpp"

namespace dnsd::plugins::rewrite {

pipeline::SetupResult SetupAll(std::span<const config::Directive* const> directives, const pipeline::SetupContext& ctx) {
  pipeline::SetupResult result;
  auto sources = rules::ParseDirectives(directives);
  if (!sources.ok()) {
    result.error = sources.error;
    return result;
  }
  std::vector<rules::FileStamp> stamps;
  rules::RuleSet::Compiled compiled = rules::Assemble(*sources.value, &stamps);
  if (!compiled.ok()) {
    // Rule errors already carry "file:line:column"; keep them as the config error's position.
    const rules::RuleError& error = compiled.error;
    result.error = config::ConfigError{{error.pos.file, error.pos.line, error.pos.column}, error.message};
    return result;
  }
  std::shared_ptr<const rules::RuleSet> shadow;
  if (sources.value->shadow) {
    rules::RuleSet::Compiled shadow_compiled = rules::AssembleShadow(*sources.value->shadow);
    if (!shadow_compiled.ok()) {
      const rules::RuleError& error = shadow_compiled.error;
      result.error = config::ConfigError{{error.pos.file, error.pos.line, error.pos.column}, error.message};
      return result;
    }
    shadow = std::move(shadow_compiled.rule_set);
  }
  auto factory = std::make_unique<RewriteFactory>(std::move(*sources.value), std::move(compiled.rule_set),
                                                  std::move(stamps), std::move(shadow));
  factory->SetZonesLabel(metrics::ZonesLabel(ctx.zones));
  result.value = std::move(factory);
  return result;
}

}  // namespace dnsd::plugins::rewrite
