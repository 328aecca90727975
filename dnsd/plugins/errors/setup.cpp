#include "dnsd/plugins/errors/setup.hpp"

#include "dnsd/plugins/errors/handler.hpp"
#include "dnsd/config/duration.hpp"

namespace dnsd::plugins::errors {
namespace {

using config::ConfigError;
using config::Token;

ConfigError At(const Token& token, const std::string& message) {
  return config::ErrorAt(token, "errors: " + message);
}

std::optional<ConfigError> ParseConsolidate(const config::Directive& line, PatternSpec& spec) {
  const std::string syntax = "(want consolidate DURATION REGEXP [LEVEL])";
  if (line.args.size() < 2) return At(line.name, "consolidate: missing argument " + syntax);
  if (line.args.size() > 3) {
    return At(line.args[3], "consolidate: unexpected argument \"" + line.args[3].text + "\" " + syntax);
  }
  auto period = config::ParseGoDuration(line.args[0].text);
  if (!period || period->count() <= 0) {
    return At(line.args[0], "consolidate: \"" + line.args[0].text +
                                "\" is not a positive duration (want e.g. 30s, 5m)");
  }
  spec.period = *period;
  RE2 regexp(line.args[1].text, RE2::Quiet);
  if (!regexp.ok()) {
    return At(line.args[1], "consolidate: invalid regexp \"" + line.args[1].text + "\": " + regexp.error());
  }
  spec.regexp = line.args[1].text;
  if (line.args.size() == 3) {
    const std::string& level = line.args[2].text;
    if (level == "error") spec.level = Level::kError;
    else if (level == "warning") spec.level = Level::kWarning;
    else if (level == "info") spec.level = Level::kInfo;
    else if (level == "debug") spec.level = Level::kDebug;
    else return At(line.args[2], "consolidate: unknown log level \"" + level +
                                     "\" (want warning, error, info or debug)");
  }
  return std::nullopt;
}

}  // namespace

config::Parsed<std::vector<PatternSpec>> ParsePatterns(const config::Directive& directive) {
  config::Parsed<std::vector<PatternSpec>> result;
  if (directive.args.size() > 1 || (directive.args.size() == 1 && directive.args[0].text != "stdout")) {
    const Token& bad = directive.args.size() == 1 ? directive.args[0] : directive.args[1];
    result.error = At(bad, "unexpected argument \"" + bad.text + "\" (want errors [stdout])");
    return result;
  }
  std::vector<PatternSpec> patterns;
  for (const config::Directive& line : directive.block) {
    if (line.name.text == "stacktrace") continue;  // Go panics only: nothing to do in dnsd
    if (line.name.text != "consolidate") {
      result.error = At(line.name, "unknown property \"" + line.name.text + "\" (want consolidate)");
      return result;
    }
    PatternSpec spec;
    if (auto error = ParseConsolidate(line, spec)) {
      result.error = *error;
      return result;
    }
    patterns.push_back(std::move(spec));
  }
  result.value = std::move(patterns);
  return result;
}

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& /*ctx*/) {
  pipeline::SetupResult result;
  auto patterns = ParsePatterns(directive);
  if (!patterns.ok()) {
    result.error = patterns.error;
    return result;
  }
  result.value = std::make_unique<ErrorsFactory>(std::move(*patterns.value));
  return result;
}

}  // namespace dnsd::plugins::errors
