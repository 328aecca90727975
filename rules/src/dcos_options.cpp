// `rewrite dnsd_dcos [{ OPTIONS }]`: the preset's options, each checked where it is written.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "dnsd/config/duration.hpp"
#include "dnsd/wire/name.hpp"
#include "rule_options.hpp"
#include "rules/dcos_preset.hpp"

namespace dnsd::rules {
namespace {

using config::ErrorAt;
using config::Token;

constexpr std::string_view kWhat = "rewrite: dnsd_dcos";
constexpr std::string_view kOptionList =
    "namespace, root_namespace, framework_namespace, cluster_domain, srv_port_name, headless_suffix, "
    "negative_ttl, mappings, reload or static";

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsLabelChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// A Kubernetes-style label piece: lower-case letters, digits and '-' (DNS-1123), or empty.
bool IsLabelText(std::string_view text) { return std::all_of(text.begin(), text.end(), IsLabelChar); }

bool IsLabel(std::string_view text) {
  return !text.empty() && text.size() <= 63 && IsLabelText(text) && text.front() != '-' && text.back() != '-';
}

// A namespace pattern: label characters and at most one `{placeholder}`.
std::optional<std::string> CheckPattern(std::string_view pattern, std::string_view placeholder) {
  const std::size_t at = pattern.find(placeholder);
  std::string rest(pattern);
  if (at != std::string_view::npos) rest.erase(at, placeholder.size());
  if (rest.find(placeholder) != std::string::npos) return "uses " + std::string(placeholder) + " more than once";
  if (!IsLabelText(rest)) {
    return "may hold only lower-case letters, digits, '-' and " + std::string(placeholder) +
           " (it becomes one DNS label)";
  }
  if (at == std::string_view::npos && !IsLabel(rest)) return "is not a DNS label";
  if (rest.size() > 40) return "leaves too little room for the name in a 63-octet label";
  return std::nullopt;
}

std::optional<std::string> CheckDomain(std::string_view text, std::string& out) {
  out = Lower(text);
  if (out.empty() || out == ".") return "is not a domain name (want e.g. cluster.local)";
  if (out.back() != '.') out.push_back('.');
  wire::Name name;
  if (wire::Name::FromString(out, name) != wire::WireError::kOk) return "is not a domain name";
  if (!std::all_of(out.begin(), out.end(), [](char c) { return IsLabelChar(c) || c == '.' || c == '_'; })) {
    return "may hold only letters, digits, '-', '_' and dots";
  }
  return std::nullopt;
}

// negative_ttl: a duration (60s, 5m) or plain seconds, whole seconds, at most 2^31-1 (RFC 2181).
std::optional<std::uint32_t> ParseSeconds(std::string_view text) {
  std::uint64_t value = 0;
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  } else {
    const auto duration = config::ParseGoDuration(text);
    if (!duration || duration->count() < 0 || duration->count() % 1'000'000'000 != 0) return std::nullopt;
    value = static_cast<std::uint64_t>(duration->count() / 1'000'000'000);
  }
  if (value > 0x7fffffffu) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

class OptionParser {
 public:
  explicit OptionParser(DcosOptions& options) : options_(options) {}

  std::optional<config::ConfigError> Line(const config::Directive& line) {
    const std::string& name = line.name.text;
    if (line.has_block) return Fail(line.name, "option " + Quote(name) + " takes no block");
    if (name == "static") return Static(line);
    const auto known = std::find(std::begin(kOptions), std::end(kOptions), name);
    if (known == std::end(kOptions)) {
      return Fail(line.name, "unknown option " + Quote(name) + " (want " + std::string(kOptionList) + ")");
    }
    if (auto error = Once(line.name, name)) return error;
    if (name == "reload") return detail::ParseReload(line, kWhat, options_.reload);
    if (line.args.size() != 1) {
      return Fail(line.args.empty() ? line.name : line.args[1],
                  Quote(name) + " wants exactly one value (" + Usage(name) + ")");
    }
    const Token& value = line.args[0];
    if (name == "namespace" || name == "framework_namespace") {
      const std::string_view placeholder = name == "namespace" ? "{group}" : "{framework}";
      const std::string pattern = Lower(value.text);
      if (auto why = CheckPattern(pattern, placeholder)) return Bad(name, value, *why);
      (name == "namespace" ? options_.namespace_pattern : options_.framework_namespace) = pattern;
    } else if (name == "root_namespace") {
      if (!IsLabel(Lower(value.text))) return Bad(name, value, "is not a DNS label (a Kubernetes namespace name)");
      options_.root_namespace = Lower(value.text);
    } else if (name == "cluster_domain") {
      if (auto why = CheckDomain(value.text, options_.cluster_domain)) return Bad(name, value, *why);
    } else if (name == "srv_port_name") {
      const std::string port = Lower(value.text);
      if (!port.empty() && port.front() == '_') return Bad(name, value, "is written without the leading '_'");
      if (!IsLabel(port) || port.size() > 15) return Bad(name, value, "is not a port name (1-15 of a-z, 0-9, '-')");
      options_.srv_port_name = port;
    } else if (name == "headless_suffix") {
      const std::string suffix = Lower(value.text);
      if (!IsLabelText(suffix) || suffix.size() > 20) {
        return Bad(name, value, "may hold only lower-case letters, digits and '-' (at most 20)");
      }
      options_.headless_suffix = suffix;
    } else if (name == "negative_ttl") {
      const auto seconds = ParseSeconds(value.text);
      if (!seconds) return Bad(name, value, "is not a TTL (want whole seconds: 60s, 5m or 60; at most 2147483647)");
      options_.negative_ttl = *seconds;
    } else if (name == "mappings") {
      options_.mappings = detail::ResolvePath(value);
      options_.mappings_token = value;
    }
    return std::nullopt;
  }

 private:
  static constexpr std::string_view kOptions[] = {"namespace",       "root_namespace", "framework_namespace",
                                                  "cluster_domain",  "srv_port_name",  "headless_suffix",
                                                  "negative_ttl",    "mappings",       "reload"};

  static std::string Usage(std::string_view name) {
    if (name == "namespace") return "namespace PATTERN, e.g. {group}-default";
    if (name == "framework_namespace") return "framework_namespace PATTERN, e.g. {framework}-default";
    if (name == "root_namespace") return "root_namespace NAME, e.g. default";
    if (name == "cluster_domain") return "cluster_domain DOMAIN, e.g. cluster.local";
    if (name == "srv_port_name") return "srv_port_name NAME, e.g. http";
    if (name == "headless_suffix") return "headless_suffix SUFFIX, e.g. -headless";
    if (name == "negative_ttl") return "negative_ttl DURATION, e.g. 60s";
    return "mappings PATH";
  }

  std::optional<config::ConfigError> Fail(const Token& at, std::string message) {
    return ErrorAt(at, std::string(kWhat) + ": " + std::move(message));
  }
  std::optional<config::ConfigError> Bad(std::string_view name, const Token& value, std::string why) {
    return Fail(value, std::string(name) + ": " + Quote(value.text) + " " + std::move(why));
  }
  std::optional<config::ConfigError> Once(const Token& at, const std::string& key) {
    for (const auto& [seen, pos] : seen_) {
      if (seen == key) {
        return Fail(at, "duplicate " + Quote(key) + " (first given at line " + std::to_string(pos.line) + ")");
      }
    }
    seen_.emplace_back(key, at.pos);
    return std::nullopt;
  }

  std::optional<config::ConfigError> Static(const config::Directive& line) {
    const std::string families = "leader, master, slave, agentip or mesos-dns";
    if (line.args.size() != 2) {
      return Fail(line.args.size() > 2 ? line.args[2] : line.name,
                  "static wants FAMILY TARGET (FAMILY: " + families + ")");
    }
    const std::string family = Lower(line.args[0].text);
    if (std::find(std::begin(kDcosStaticFamilies), std::end(kDcosStaticFamilies), family) ==
        std::end(kDcosStaticFamilies)) {
      return Fail(line.args[0], "static: unknown family " + Quote(line.args[0].text) + " (want " + families + ")");
    }
    if (auto error = Once(line.args[0], "static " + family)) return error;
    std::string target;
    if (auto why = CheckDomain(line.args[1].text, target)) return Bad("static " + family, line.args[1], *why);
    options_.statics.emplace_back(family, std::move(target));
    return std::nullopt;
  }

  DcosOptions& options_;
  std::vector<std::pair<std::string, config::Position>> seen_;
};

bool IsMode(std::string_view word) { return word == "continue" || word == "stop"; }

}  // namespace

const std::string* DcosOptions::StaticTarget(std::string_view family) const {
  for (const auto& [name, target] : statics) {
    if (name == family) return &target;
  }
  return nullptr;
}

bool IsDcosLine(const config::Directive& directive) {
  const auto& args = directive.args;
  if (args.empty()) return false;
  if (args[0].text == kDcosPresetField) return true;
  return args.size() > 1 && IsMode(args[0].text) && args[1].text == kDcosPresetField;
}

config::Parsed<DcosOptions> ParseDcosDirective(const config::Directive& directive) {
  config::Parsed<DcosOptions> result;
  const auto& args = directive.args;
  if (args.empty() || args[0].text != kDcosPresetField) {
    result.error = ErrorAt(args.empty() ? directive.name : args[0],
                           "rewrite: dnsd_dcos takes no " + Quote(args.empty() ? "" : args[0].text) +
                               ": every rule of the preset stops (want rewrite dnsd_dcos [{ OPTIONS }])");
    return result;
  }
  std::size_t count = args.size();
  if (count > 0 && args[count - 1].text == "{") --count;  // tolerate a lexer that keeps the brace
  if (count > 1) {
    result.error = ErrorAt(args[1], "rewrite: dnsd_dcos: unexpected argument " + Quote(args[1].text) +
                                        " (want rewrite dnsd_dcos [{ OPTIONS }], options one per line)");
    return result;
  }
  DcosOptions options;
  options.pos = {directive.name.pos.file, directive.name.pos.line, directive.name.pos.column};
  OptionParser parser(options);
  for (const config::Directive& line : directive.block) {
    if (auto error = parser.Line(line)) {
      result.error = *error;
      return result;
    }
  }
  result.value = std::move(options);
  return result;
}

}  // namespace dnsd::rules
