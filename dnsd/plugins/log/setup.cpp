#include "dnsd/plugins/log/setup.hpp"

#include "dnsd/plugins/log/classify.hpp"
#include "dnsd/plugins/log/format.hpp"
#include "dnsd/plugins/log/handler.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::log {
namespace {

using config::ConfigError;
using config::Token;

ConfigError At(const Token& token, const std::string& message) {
  return config::ErrorAt(token, "log: " + message);
}

std::optional<std::uint8_t> ParseClass(std::string_view text) {
  if (text == "all") return kAllClasses;
  if (text == "success") return static_cast<std::uint8_t>(ResponseClass::kSuccess);
  if (text == "denial") return static_cast<std::uint8_t>(ResponseClass::kDenial);
  if (text == "error") return static_cast<std::uint8_t>(ResponseClass::kError);
  return std::nullopt;
}

// dns.Fqdn, then checked as a name.
std::optional<std::string> Scope(const std::string& text) {
  std::string scope = text;
  if (scope.empty() || scope.back() != '.') scope += '.';
  wire::Name name;
  if (wire::Name::FromString(scope, name) != wire::WireError::kOk) return std::nullopt;
  return scope;
}

}  // namespace

config::Parsed<std::vector<RuleSpec>> ParseRules(std::span<const config::Directive* const> directives) {
  config::Parsed<std::vector<RuleSpec>> result;
  std::vector<RuleSpec> rules;
  for (const config::Directive* directive : directives) {
    std::vector<Token> names = directive->args;
    std::string format(kDefaultLogFormat);
    // CoreDNS: with two or more arguments, a last one containing "{" is the format.
    if (names.size() >= 2 && names.back().text.find('{') != std::string::npos) {
      format = ExpandFormatAliases(names.back().text);
      names.pop_back();
    }
    std::uint8_t classes = 0;
    for (const config::Directive& line : directive->block) {
      if (line.name.text != "class") {
        result.error = At(line.name, "unknown property \"" + line.name.text + "\" (want class)");
        return result;
      }
      if (line.args.empty()) {
        result.error = At(line.name, "class: missing argument (want class all|denial|error|success)");
        return result;
      }
      for (const Token& arg : line.args) {
        auto bits = ParseClass(arg.text);
        if (!bits) {
          result.error = At(arg, "class: unknown class \"" + arg.text +
                                     "\" (want all, denial, error or success)");
          return result;
        }
        classes |= *bits;
      }
    }
    if (classes == 0) classes = kAllClasses;
    if (names.empty()) rules.push_back(RuleSpec{".", format, classes});
    for (const Token& name : names) {
      auto scope = Scope(name.text);
      if (!scope) {
        result.error = At(name, "invalid name \"" + name.text + "\"");
        return result;
      }
      rules.push_back(RuleSpec{*scope, format, classes});
    }
  }
  result.value = std::move(rules);
  return result;
}

pipeline::SetupResult SetupAll(std::span<const config::Directive* const> directives, const pipeline::SetupContext& /*ctx*/) {
  pipeline::SetupResult result;
  auto rules = ParseRules(directives);
  if (!rules.ok()) {
    result.error = rules.error;
    return result;
  }
  result.value = std::make_unique<LogFactory>(std::move(*rules.value));
  return result;
}

}  // namespace dnsd::plugins::log
