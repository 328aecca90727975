#include "dnsd/plugins/reload/setup.hpp"

#include <string>

#include "dnsd/config/duration.hpp"
#include "dnsd/random/secure_random.hpp"

namespace dnsd::plugins::reload {
namespace {

constexpr const char* kUsage = " (want reload [INTERVAL [JITTER]])";

config::ConfigError At(const config::Token& token, const std::string& message) {
  return config::ErrorAt(token, "reload: " + message + kUsage);
}

std::string Seconds(std::chrono::seconds value) { return std::to_string(value.count()) + "s"; }

}  // namespace

config::Parsed<ReloadOptions> ParseReload(const config::Directive& directive) {
  config::Parsed<ReloadOptions> result;
  ReloadOptions options;
  if (directive.has_block) {
    const config::Token& where = directive.block.empty() ? directive.name : directive.block.front().name;
    result.error = At(where, "unexpected block");
    return result;
  }
  if (directive.args.size() > 2) {
    result.error = At(directive.args[2], "unexpected argument \"" + directive.args[2].text + "\"");
    return result;
  }
  if (!directive.args.empty()) {
    const config::Token& token = directive.args[0];
    auto interval = config::ParseGoDuration(token.text);
    if (!interval) {
      result.error = At(token, "invalid interval \"" + token.text + "\"");
      return result;
    }
    if (*interval < kMinInterval) {
      result.error = At(token, "interval \"" + token.text + "\" must be at least " + Seconds(kMinInterval));
      return result;
    }
    options.interval = *interval;
  }
  if (directive.args.size() > 1) {
    const config::Token& token = directive.args[1];
    auto jitter = config::ParseGoDuration(token.text);
    if (!jitter) {
      result.error = At(token, "invalid jitter \"" + token.text + "\"");
      return result;
    }
    if (*jitter < kMinJitter) {
      result.error = At(token, "jitter \"" + token.text + "\" must be at least " + Seconds(kMinJitter));
      return result;
    }
    options.jitter = *jitter;
  }
  // CoreDNS caps the jitter at half the interval (with a warning); it is not an error.
  if (options.jitter > options.interval / 2) options.jitter = options.interval / 2;
  result.value = options;
  return result;
}

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& /*ctx*/) {
  pipeline::SetupResult result;
  auto options = ParseReload(directive);
  if (!options.ok()) {
    result.error = options.error;
    return result;
  }
  result.value = std::make_unique<ReloadFactory>(*options.value);
  return result;
}

std::chrono::nanoseconds PickPeriod(const ReloadOptions& options) {
  const auto jitter = options.jitter.count();
  if (jitter <= 0) return options.interval;
  static thread_local random::SecureRandom source;
  const auto pick = static_cast<std::int64_t>(source.Below(static_cast<std::uint64_t>(jitter)));
  return options.interval + std::chrono::nanoseconds(pick - jitter / 2);
}

std::optional<std::chrono::nanoseconds> ReloadFactory::NextCorefileCheck() const {
  return PickPeriod(options_);
}

}  // namespace dnsd::plugins::reload
