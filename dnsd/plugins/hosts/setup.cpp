#include "dnsd/plugins/hosts/setup.hpp"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "dnsd/config/duration.hpp"
#include "dnsd/log/log.hpp"
#include "dnsd/plugins/hosts/factory.hpp"
#include "dnsd/plugins/hosts/zones.hpp"

namespace dnsd::plugins::hosts {
namespace {

using config::ConfigError;
using config::Directive;
using config::Token;
using Error = std::optional<ConfigError>;

ConfigError At(const Token& token, const std::string& message) {
  return config::ErrorAt(token, "hosts: " + message);
}

// Go's error text for a failed stat: "stat PATH: not a directory".
std::string StatError(const std::string& path, int error) {
  std::string text = std::strerror(error);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return "stat " + path + ": " + text;
}

Error ParseTtl(const Directive& line, Options& options) {
  if (line.args.empty()) return At(line.name, "ttl needs a time in second");
  const Token& value = line.args[0];
  std::string_view text = value.text;
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);  // Go's strconv.Atoi
  std::int64_t ttl = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), ttl);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return At(value, "ttl needs a number of second");
  }
  if (ttl <= 0 || ttl > 65535) return At(value, "ttl provided is invalid");
  options.ttl = static_cast<std::uint32_t>(ttl);
  return std::nullopt;
}

Error ParseReload(const Directive& line, Options& options) {
  if (line.args.size() != 1) {
    return At(line.args.size() > 1 ? line.args[1] : line.name, "reload needs a duration (zero seconds to disable)");
  }
  const Token& value = line.args[0];
  auto duration = config::ParseGoDuration(value.text);
  if (!duration) return At(value, "invalid duration for reload '" + value.text + "'");
  if (duration->count() < 0) return At(value, "invalid negative duration for reload '" + value.text + "'");
  options.reload = *duration;
  return std::nullopt;
}

Error ParseBlock(const Directive& directive, Options& options) {
  for (const Directive& line : directive.block) {
    const std::string& word = line.name.text;
    Error error;
    if (word == "fallthrough") {
      options.fallthrough.clear();
      if (line.args.empty()) options.fallthrough.push_back(".");
      for (const Token& zone : line.args) AppendZones(zone.text, options.fallthrough);
    } else if (word == "no_reverse") {
      options.auto_reverse = false;
    } else if (word == "ttl") {
      error = ParseTtl(line, options);
    } else if (word == "reload") {
      error = ParseReload(line, options);
    } else if (options.fallthrough.empty()) {
      // CoreDNS: every other line before `fallthrough` is a line of the hosts file.
      std::string text = word;
      for (const Token& arg : line.args) text.append(" ").append(arg.text);
      options.inline_lines.push_back(std::move(text));
    } else {
      error = At(line.name, "unknown property '" + word + "'");
    }
    if (error) return error;
  }
  return std::nullopt;
}

}  // namespace

config::Parsed<Options> ParseOptions(const Directive& directive, const pipeline::SetupContext& ctx) {
  config::Parsed<Options> result;
  Options options;
  const auto& args = directive.args;
  if (!args.empty()) {
    options.path = args[0].text;
    struct stat st {};
    const int failure = ::stat(options.path.c_str(), &st) == 0 ? 0 : errno;
    if (failure != 0 && failure != ENOENT) {
      result.error = At(args[0], "unable to access hosts file '" + options.path + "': " +
                                     StatError(options.path, failure));
      return result;
    }
  }
  for (std::size_t i = 1; i < args.size(); ++i) AppendZones(args[i].text, options.zones);
  if (args.size() <= 1) options.zones = ctx.zones;
  if (auto error = ParseBlock(directive, options)) {
    result.error = *error;
    return result;
  }
  result.value = std::move(options);
  return result;
}

pipeline::SetupResult Setup(const Directive& directive, const pipeline::SetupContext& ctx) {
  pipeline::SetupResult result;
  auto parsed = ParseOptions(directive, ctx);
  if (!parsed.ok()) {
    result.error = parsed.error;
    return result;
  }
  const std::string& path = parsed.value->path;
  struct stat st {};
  if (directive.args.empty()) {
    // CoreDNS looks at the file at setup only when the Corefile names it.
  } else if (::stat(path.c_str(), &st) != 0) {
    dnsd::log::Warning("plugin/hosts: File does not exist: " + path);
  } else if (S_ISDIR(st.st_mode)) {
    dnsd::log::Warning("plugin/hosts: Hosts file \"" + path + "\" is a directory");
  }
  result.value = std::make_unique<HostsFactory>(std::move(*parsed.value));
  return result;
}

}  // namespace dnsd::plugins::hosts
