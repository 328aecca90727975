#include "dnsd/plugins/loop/setup.hpp"

#include "dnsd/plugins/loop/factory.hpp"

namespace dnsd::plugins::loop {
namespace {

constexpr const char* kSyntax = " (want loop)";

// The host the block's servers listen on first, as CoreDNS's conf.ListenHosts[0]: the first `bind`
// address, or "" for the wildcard (CoreDNS's default).
std::string FirstListenHost(const pipeline::SetupContext& ctx) {
  return ctx.listen_hosts.empty() ? std::string() : ctx.listen_hosts.front();
}

}  // namespace

config::Parsed<LoopOptions> ParseOptions(const config::Directive& directive, const pipeline::SetupContext& ctx) {
  config::Parsed<LoopOptions> result;
  if (!directive.args.empty()) {
    result.error = config::ErrorAt(directive.args[0], "loop: unexpected argument \"" +
                                                          directive.args[0].text + "\"" + kSyntax);
    return result;
  }
  if (directive.has_block) {
    const config::Token& where = directive.block.empty() ? directive.name : directive.block.front().name;
    result.error = config::ErrorAt(where, std::string("loop: unexpected block") + kSyntax);
    return result;
  }
  LoopOptions options;
  if (!ctx.zones.empty()) options.zone = ctx.zones.front();
  if (!ctx.ports.empty()) options.port = ctx.ports.front();
  options.listen_host = FirstListenHost(ctx);
  result.value = std::move(options);
  return result;
}

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx) {
  pipeline::SetupResult result;
  auto options = ParseOptions(directive, ctx);
  if (!options.ok()) {
    result.error = options.error;
    return result;
  }
  result.value = std::make_unique<LoopFactory>(std::move(*options.value));
  return result;
}

}  // namespace dnsd::plugins::loop
