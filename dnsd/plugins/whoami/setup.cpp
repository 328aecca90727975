#include "dnsd/plugins/whoami/setup.hpp"

#include "dnsd/plugins/whoami/handler.hpp"

namespace dnsd::plugins::whoami {

std::optional<config::ConfigError> Check(const config::Directive& directive) {
  if (!directive.args.empty()) {
    return config::ErrorAt(directive.args[0], "whoami: unexpected argument \"" + directive.args[0].text +
                                                  "\" (want whoami)");
  }
  if (directive.has_block) {
    const config::Token& where = directive.block.empty() ? directive.name : directive.block.front().name;
    return config::ErrorAt(where, "whoami: unexpected block (want whoami)");
  }
  return std::nullopt;
}

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& /*ctx*/) {
  pipeline::SetupResult result;
  if (auto error = Check(directive)) {
    result.error = *error;
    return result;
  }
  result.value = std::make_unique<WhoamiFactory>();
  return result;
}

}  // namespace dnsd::plugins::whoami
