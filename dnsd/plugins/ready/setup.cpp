#include "dnsd/plugins/ready/setup.hpp"

#include "dnsd/plugins/health/probe_server.hpp"
#include "dnsd/plugins/ready/factory.hpp"

namespace dnsd::plugins::ready {
namespace {

config::ConfigError At(const config::Token& token, const std::string& message) {
  return config::ErrorAt(token, "ready: " + message);
}

}  // namespace

config::Parsed<std::string> ParseAddress(const config::Directive& directive) {
  config::Parsed<std::string> result;
  if (directive.has_block) {
    const config::Token& where = directive.block.empty() ? directive.name : directive.block.front().name;
    result.error = At(where, "unexpected block (want ready [ADDRESS])");
    return result;
  }
  if (directive.args.size() > 1) {
    result.error = At(directive.args[1], "unexpected argument \"" + directive.args[1].text +
                                             "\" (want ready [ADDRESS])");
    return result;
  }
  std::string address = kDefaultAddress;
  if (!directive.args.empty()) {
    std::string host;
    unsigned short port = 0;
    if (!health::SplitAddress(directive.args[0].text, host, port)) {
      result.error = At(directive.args[0], "invalid address \"" + directive.args[0].text +
                                               "\" (want HOST:PORT, e.g. :8181)");
      return result;
    }
    address = directive.args[0].text;
  }
  result.value = std::move(address);
  return result;
}

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& /*ctx*/) {
  pipeline::SetupResult result;
  auto address = ParseAddress(directive);
  if (!address.ok()) {
    result.error = address.error;
    return result;
  }
  result.value = std::make_unique<ReadyFactory>(std::move(*address.value));
  return result;
}

}  // namespace dnsd::plugins::ready
