#include "dnsd/plugins/cache/setup.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

#include "dnsd/plugins/cache/factory.hpp"
#include "dnsd/config/duration.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::cache {
namespace {

using config::ConfigError;
using config::Directive;
using config::Token;
using Error = std::optional<ConfigError>;

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

ConfigError At(const Token& token, const std::string& message) {
  return config::ErrorAt(token, "cache: " + message);
}

// Go's strconv.Atoi: optional sign, decimal digits, nothing else.
std::optional<std::int64_t> ParseInt(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// A zone as CoreDNS normalises it: "dns://" and a port dropped, lower case, fully qualified.
std::optional<std::string> NormaliseZone(std::string_view text) {
  if (text.substr(0, 6) == "dns://") text.remove_prefix(6);
  if (std::size_t colon = text.rfind(':'); colon != std::string_view::npos) text = text.substr(0, colon);
  std::string zone(text);
  std::transform(zone.begin(), zone.end(), zone.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (zone.empty()) return std::nullopt;
  if (zone.back() != '.') zone += '.';
  wire::Name parsed;
  if (wire::Name::FromString(zone, parsed) != wire::WireError::kOk) return std::nullopt;
  return zone;
}

Error ParseInteger(const Token& token, const std::string& what, std::int64_t& out) {
  auto value = ParseInt(token.text);
  if (!value) return At(token, what + ": " + Quote(token.text) + " is not an integer");
  out = *value;
  return std::nullopt;
}

Error ParseDuration(const Token& token, const std::string& what, std::chrono::nanoseconds& out) {
  auto value = config::ParseGoDuration(token.text);
  if (!value) {
    return At(token, what + ": " + Quote(token.text) + " is not a duration (want e.g. 30s, 10m, 1h)");
  }
  if (value->count() < 0) return At(token, what + ": negative duration " + Quote(token.text));
  out = *value;
  return std::nullopt;
}

Error TooMany(const Directive& line, std::size_t allowed, const std::string& syntax) {
  if (line.args.size() <= allowed) return std::nullopt;
  return At(line.args[allowed], line.name.text + ": unexpected argument " +
                                    Quote(line.args[allowed].text) + " (want " + syntax + ")");
}

// success|denial CAPACITY [TTL] [MINTTL]
Error ParseKind(const Directive& line, KindOptions& kind) {
  const std::string& name = line.name.text;
  const std::string syntax = name + " CAPACITY [TTL] [MINTTL]";
  if (line.args.empty()) return At(line.name, name + ": missing CAPACITY (want " + syntax + ")");
  if (auto error = TooMany(line, 3, syntax)) return error;
  std::int64_t value = 0;
  if (auto error = ParseInteger(line.args[0], name + ": CAPACITY", value)) return error;
  if (value < 0 || value > 0xFFFFFFFF) {
    return At(line.args[0], name + ": CAPACITY " + Quote(line.args[0].text) + " is out of range");
  }
  kind.capacity = static_cast<std::uint32_t>(value);
  if (line.args.size() > 1) {
    if (auto error = ParseInteger(line.args[1], name + ": TTL", value)) return error;
    if (value <= 0) {
      return At(line.args[1], name + ": TTL can not be zero or negative: " + line.args[1].text);
    }
    kind.max_ttl = Seconds(std::min<std::int64_t>(value, 0x7FFFFFFF));
  }
  if (line.args.size() > 2) {
    if (auto error = ParseInteger(line.args[2], name + ": MINTTL", value)) return error;
    if (value < 0) {
      return At(line.args[2], name + ": min TTL can not be negative: " + line.args[2].text);
    }
    kind.min_ttl = Seconds(std::min<std::int64_t>(value, 0x7FFFFFFF));
  }
  return std::nullopt;
}

// prefetch AMOUNT [[DURATION] [PERCENTAGE%]]
Error ParsePrefetch(const Directive& line, Options& options) {
  const std::string syntax = "prefetch AMOUNT [[DURATION] [PERCENTAGE%]]";
  if (line.args.empty()) return At(line.name, "prefetch: missing AMOUNT (want " + syntax + ")");
  if (auto error = TooMany(line, 3, syntax)) return error;
  std::int64_t amount = 0;
  if (auto error = ParseInteger(line.args[0], "prefetch: AMOUNT", amount)) return error;
  if (amount < 0 || amount > 0xFFFFFFFF) {
    return At(line.args[0], "prefetch: amount should be positive: " + line.args[0].text);
  }
  options.prefetch_amount = static_cast<std::uint32_t>(amount);
  if (line.args.size() > 1) {
    if (auto error = ParseDuration(line.args[1], "prefetch: DURATION", options.prefetch_window))
      return error;
  }
  if (line.args.size() > 2) {
    const Token& token = line.args[2];
    std::string_view text = token.text;
    if (text.empty() || text.back() != '%') {
      return At(token, "prefetch: PERCENTAGE " + Quote(text) + " must end in '%' (e.g. 10%)");
    }
    auto number = ParseInt(text.substr(0, text.size() - 1));
    if (!number) return At(token, "prefetch: PERCENTAGE " + Quote(text) + " is not an integer");
    if (*number < 10 || *number > 90) {
      return At(token, "prefetch: percentage should fall in range [10, 90]: " + std::string(text));
    }
    options.prefetch_percentage = static_cast<std::uint32_t>(*number);
  }
  return std::nullopt;
}

// serve_stale [DURATION] [REFRESH_MODE]
Error ParseServeStale(const Directive& line, Options& options) {
  if (auto error = TooMany(line, 2, "serve_stale [DURATION] [immediate|verify]")) return error;
  options.stale_for = std::chrono::hours(1);
  if (!line.args.empty()) {
    if (auto error = ParseDuration(line.args[0], "serve_stale: DURATION", options.stale_for))
      return error;
  }
  if (line.args.size() > 1) {
    const Token& mode = line.args[1];
    if (mode.text == "immediate") {
      options.stale_mode = StaleMode::kImmediate;
    } else if (mode.text == "verify" || mode.text == "verified") {
      options.stale_mode = StaleMode::kVerify;
    } else {
      return At(mode, "serve_stale: invalid value for serve_stale refresh mode: " + Quote(mode.text) +
                          " (want immediate or verify)");
    }
  }
  return std::nullopt;
}

// servfail DURATION
Error ParseServfail(const Directive& line, Options& options) {
  if (line.args.empty()) return At(line.name, "servfail: missing DURATION (want servfail DURATION)");
  if (auto error = TooMany(line, 1, "servfail DURATION")) return error;
  if (auto error = ParseDuration(line.args[0], "servfail: DURATION", options.servfail_ttl)) return error;
  if (options.servfail_ttl > kMaxServfailTtl) {
    return At(line.args[0], "servfail: caching SERVFAIL responses over 5 minutes is not permitted: " +
                                line.args[0].text);
  }
  return std::nullopt;
}

// disable success|denial [ZONES...]
Error ParseDisable(const Directive& line, Options& options) {
  if (line.args.empty()) {
    return At(line.name, "disable: missing cache type (want disable success|denial [ZONES...])");
  }
  const Token& kind_token = line.args[0];
  KindOptions* kind = nullptr;
  if (kind_token.text == "success") kind = &options.success;
  else if (kind_token.text == "denial") kind = &options.denial;
  else {
    return At(kind_token, "disable: cache type for disable must be \"success\" or \"denial\", not " +
                              Quote(kind_token.text));
  }
  kind->disabled_zones.clear();
  for (std::size_t i = 1; i < line.args.size(); ++i) {
    auto zone = NormaliseZone(line.args[i].text);
    if (!zone) return At(line.args[i], "disable: invalid disabled zone: " + Quote(line.args[i].text));
    kind->disabled_zones.push_back(*zone);
  }
  if (kind->disabled_zones.empty()) kind->disabled_zones.push_back(".");
  return std::nullopt;
}

Error ParseProperty(const Directive& line, Options& options) {
  const std::string& name = line.name.text;
  if (name == "success") return ParseKind(line, options.success);
  if (name == "denial") return ParseKind(line, options.denial);
  if (name == "prefetch") return ParsePrefetch(line, options);
  if (name == "serve_stale") return ParseServeStale(line, options);
  if (name == "servfail") return ParseServfail(line, options);
  if (name == "disable") return ParseDisable(line, options);
  if (name == "keepttl") {
    if (auto error = TooMany(line, 0, "keepttl")) return error;
    options.keep_ttl = true;
    return std::nullopt;
  }
  return At(line.name, "unknown property " + Quote(name) +
                           " (want success, denial, prefetch, serve_stale, servfail, disable or keepttl)");
}

}  // namespace

config::Parsed<Options> ParseOptions(const Directive& directive, const pipeline::SetupContext& ctx) {
  config::Parsed<Options> result;
  Options options;
  std::vector<Token> args;
  for (const Token& token : directive.args) {
    if (token.text == "{") break;
    args.push_back(token);
  }
  std::size_t first_zone = 0;
  if (!args.empty()) {
    if (auto ttl = ParseInt(args[0].text)) {
      if (*ttl <= 0) {
        result.error = At(args[0], "TTL can not be zero or negative: " + args[0].text);
        return result;
      }
      options.success.max_ttl = options.denial.max_ttl = Seconds(std::min<std::int64_t>(*ttl, 0x7FFFFFFF));
      first_zone = 1;
    }
  }
  for (std::size_t i = first_zone; i < args.size(); ++i) {
    auto zone = NormaliseZone(args[i].text);
    if (!zone) {
      result.error = At(args[i], Quote(args[i].text) + " is not a zone (want cache [TTL] [ZONES...])");
      return result;
    }
    options.zones.push_back(*zone);
  }
  if (options.zones.empty()) options.zones = ctx.zones;
  if (options.zones.empty()) options.zones.push_back(".");
  for (const Directive& line : directive.block) {
    if (auto error = ParseProperty(line, options)) {
      result.error = *error;
      return result;
    }
  }
  result.value = std::move(options);
  return result;
}

pipeline::SetupResult Setup(const Directive& directive, const pipeline::SetupContext& ctx) {
  pipeline::SetupResult result;
  auto options = ParseOptions(directive, ctx);
  if (!options.ok()) {
    result.error = options.error;
    return result;
  }
  result.value = std::make_unique<CacheFactory>(std::move(*options.value));
  return result;
}

}  // namespace dnsd::plugins::cache
