#include "dnsd/plugins/prometheus/setup.hpp"

#include <variant>

#include "dnsd/plugins/prometheus/factory.hpp"
#include "dnsd/plugins/prometheus/series.hpp"

namespace dnsd::plugins::prometheus {

config::Parsed<std::string> ParseAddress(const config::Directive& directive) {
  config::Parsed<std::string> result;
  std::vector<const config::Token*> args;
  for (const config::Token& token : directive.args) {
    if (token.text == "{") {
      result.error = config::ErrorAt(token, "prometheus: a block is not supported (want prometheus [ADDRESS])");
      return result;
    }
    args.push_back(&token);
  }
  if (!directive.block.empty()) {
    result.error = config::ErrorAt(directive.block.front().name,
                                   "prometheus: a block is not supported (want prometheus [ADDRESS])");
    return result;
  }
  if (args.size() > 1) {
    result.error = config::ErrorAt(*args[1], "prometheus: unexpected argument \"" + args[1]->text +
                                                 "\" (want prometheus [ADDRESS])");
    return result;
  }
  std::string address = args.empty() ? kDefaultAddress : args[0]->text;
  if (BindSpec(address).empty()) {
    result.error = config::ErrorAt(args.empty() ? directive.name : *args[0],
                                   "prometheus: invalid address \"" + address + "\" (want HOST:PORT, e.g. :9153)");
    return result;
  }
  result.value = std::move(address);
  return result;
}

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx) {
  pipeline::SetupResult result;
  auto address = ParseAddress(directive);
  if (!address.ok()) {
    result.error = address.error;
    return result;
  }
  auto exporter = AcquireExporter(*address.value);
  if (auto* why = std::get_if<std::string>(&exporter)) {
    const config::Token& at = directive.args.empty() ? directive.name : directive.args.front();
    result.error = config::ErrorAt(at, "prometheus: " + *why);
    return result;
  }
  auto factory = std::make_unique<MetricsFactory>(std::get<std::shared_ptr<Exporter>>(std::move(exporter)),
                                                  ctx.zones);
  if (!ctx.plugins.empty()) factory->SetPlugins(ctx.plugins);
  // coredns_plugin_enabled from the start, as CoreDNS sets it when it builds its servers (the
  // handlers add the same series on a zone's first query, for factories made without a context).
  for (std::size_t i = 0; i < ctx.zones.size() && i < ctx.ports.size(); ++i) {
    for (const std::string& name : ctx.plugins) {
      factory->collector().EnablePlugin(metrics::ServerLabel(ctx.ports[i]), ctx.zones[i], name);
    }
  }
  result.value = std::move(factory);
  return result;
}

}  // namespace dnsd::plugins::prometheus
