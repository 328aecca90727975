// Option pieces shared by dnsd's own rewrite lines (`dnsd_rules PATH { reload }` and
// `dnsd_dcos { mappings PATH; reload }`): where a named file is, and the reload interval.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "dnsd/config/corefile.hpp"
#include "dnsd/config/duration.hpp"

namespace dnsd::rules::detail {

// Relative paths are taken from the folder of the Corefile that names them (as `import` does).
inline std::string ResolvePath(const config::Token& token) {
  std::filesystem::path path(token.text);
  if (path.is_absolute() || token.pos.file.empty() || token.pos.file == "stdin") return token.text;
  return (std::filesystem::path(token.pos.file).parent_path() / path).lexically_normal().string();
}

// `reload DURATION` (0 disables; at least 100ms); `what` prefixes errors ("rewrite: dnsd_rules").
inline std::optional<config::ConfigError> ParseReload(const config::Directive& line, std::string_view what,
                                                      std::chrono::nanoseconds& out) {
  if (line.args.size() != 1) {
    return config::ErrorAt(line.args.empty() ? line.name : line.args[1],
                           std::string(what) + ": reload: want exactly one DURATION (e.g. 5s, 0 to disable)");
  }
  const config::Token& value = line.args[0];
  auto duration = value.text == "0" ? std::optional(std::chrono::nanoseconds(0)) : config::ParseGoDuration(value.text);
  if (!duration || duration->count() < 0) {
    return config::ErrorAt(value, std::string(what) + ": reload: \"" + value.text +
                                      "\" is not a non-negative duration (want e.g. 5s, 1m, 0)");
  }
  if (duration->count() > 0 && *duration < std::chrono::milliseconds(100)) {
    return config::ErrorAt(value, std::string(what) + ": reload: \"" + value.text + "\" is too short (minimum 100ms)");
  }
  out = *duration;
  return std::nullopt;
}

}  // namespace dnsd::rules::detail
