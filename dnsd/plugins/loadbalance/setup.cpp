#include "dnsd/plugins/loadbalance/setup.hpp"

#include "dnsd/plugins/loadbalance/handler.hpp"

namespace dnsd::plugins::loadbalance {
namespace {

config::ConfigError At(const config::Token& token, const std::string& message) {
  return config::ErrorAt(token, "loadbalance: " + message);
}

constexpr const char* kSyntax = "(want loadbalance [round_robin])";

}  // namespace

config::Parsed<Policy> ParsePolicy(const config::Directive& directive) {
  config::Parsed<Policy> result;
  const auto& args = directive.args;
  if (!args.empty() && args[0].text == "weighted") {
    result.error = At(args[0], "policy \"weighted\" is not supported by dnsd " + std::string(kSyntax));
    return result;
  }
  if (!args.empty() && args[0].text != "round_robin") {
    result.error = At(args[0], "unknown policy \"" + args[0].text + "\" (want round_robin or weighted)");
    return result;
  }
  if (args.size() > 1) {
    result.error = At(args[1], "unexpected argument \"" + args[1].text + "\" " + kSyntax);
    return result;
  }
  if (directive.has_block) {
    // CoreDNS 1.11's round_robin has no properties (`prefer` came later).
    const config::Token& where = directive.block.empty() ? directive.name : directive.block.front().name;
    result.error = directive.block.empty()
                       ? At(where, std::string("unexpected block ") + kSyntax)
                       : At(where, "unknown property \"" + where.text + "\" " + kSyntax);
    return result;
  }
  result.value = Policy::kRoundRobin;
  return result;
}

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& /*ctx*/) {
  pipeline::SetupResult result;
  auto policy = ParsePolicy(directive);
  if (!policy.ok()) {
    result.error = policy.error;
    return result;
  }
  result.value = std::make_unique<LoadBalanceFactory>();
  return result;
}

}  // namespace dnsd::plugins::loadbalance
