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
  auto factory = std::make_unique<RewriteFactory>(std::move(*sources.value), std::move(compiled.rule_set),
                                                  std::move(stamps));
  factory->SetZonesLabel(metrics::ZonesLabel(ctx.zones));
  result.value = std::move(factory);
  return result;
}

}  // namespace dnsd::plugins::rewrite
