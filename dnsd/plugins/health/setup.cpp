#include "dnsd/plugins/health/setup.hpp"

#include <optional>
#include <string>
#include <vector>

#include "dnsd/config/duration.hpp"
#include "dnsd/plugins/health/factory.hpp"
#include "dnsd/plugins/health/probe_server.hpp"

namespace dnsd::plugins::health {
namespace {

using config::ConfigError;
using config::Directive;
using config::Token;

ConfigError At(const Token& token, const std::string& message) {
  return config::ErrorAt(token, "health: " + message);
}

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::optional<ConfigError> ParseLameduck(const Directive& line, Options& options) {
  if (line.args.size() != 1) {
    const Token& where = line.args.empty() ? line.name : line.args[1];
    return At(where, "lameduck: want exactly one DURATION (e.g. lameduck 5s)");
  }
  const Token& token = line.args[0];
  auto value = config::ParseGoDuration(token.text);
  if (!value) return At(token, "lameduck: " + Quote(token.text) + " is not a duration (want e.g. 5s)");
  if (value->count() < 0) return At(token, "lameduck: negative duration " + Quote(token.text));
  options.lameduck = *value;
  return std::nullopt;
}

}  // namespace

config::Parsed<Options> ParseOptions(const Directive& directive) {
  config::Parsed<Options> result;
  Options options;
  std::vector<Token> args;
  for (const Token& token : directive.args) {
    if (token.text == "{") break;
    args.push_back(token);
  }
  if (args.size() > 1) {
    result.error = At(args[1], "unexpected argument " + Quote(args[1].text) + " (want health [ADDRESS])");
    return result;
  }
  if (!args.empty()) {
    std::string host;
    unsigned short port = 0;
    if (!SplitAddress(args[0].text, host, port)) {
      result.error = At(args[0], "invalid address " + Quote(args[0].text) + " (want HOST:PORT, e.g. :8080)");
      return result;
    }
    options.address = args[0].text;
  }
  for (const Directive& line : directive.block) {
    if (line.name.text != "lameduck") {
      result.error = At(line.name, "unknown property " + Quote(line.name.text) + " (want lameduck)");
      return result;
    }
    if (auto error = ParseLameduck(line, options)) {
      result.error = *error;
      return result;
    }
  }
  result.value = std::move(options);
  return result;
}

pipeline::SetupResult Setup(const Directive& directive, const pipeline::SetupContext& /*ctx*/) {
  pipeline::SetupResult result;
  auto options = ParseOptions(directive);
  if (!options.ok()) {
    result.error = options.error;
    return result;
  }
  result.value = std::make_unique<HealthFactory>(std::move(*options.value));
  return result;
}

}  // namespace dnsd::plugins::health
