#include "dnsd/plugins/template/setup.hpp"

#include <algorithm>
#include <charconv>

#include "dnsd/plugins/template/handler.hpp"
#include "dnsd/plugins/template/names.hpp"
#include "dnsd/plugins/template/rr_text.hpp"

namespace dnsd::plugins::tmpl {
namespace {

using config::ConfigError;
using config::Token;

constexpr const char* kSyntax = "(want template CLASS TYPE [ZONE...] { ... })";

ConfigError At(const Token& token, const std::string& message) {
  return config::ErrorAt(token, "template: " + message);
}

std::optional<ConfigError> ParseZone(const Token& token, wire::Name& name, std::string& text) {
  if (wire::Name::FromString(token.text, name) != wire::WireError::kOk) {
    return At(token, "\"" + token.text + "\" is not a valid zone name");
  }
  name.ToLower();
  text = name.ToString();
  return std::nullopt;
}

std::optional<ConfigError> NeedArgs(const config::Directive& line) {
  if (line.args.empty()) return At(line.name, line.name.text + ": missing argument");
  return std::nullopt;
}

std::optional<ConfigError> ParseMatch(const config::Directive& line, Template& t) {
  if (auto error = NeedArgs(line)) return error;
  for (const Token& arg : line.args) {
    RE2::Options options;
    options.set_log_errors(false);
    Pattern pattern{std::make_unique<RE2>(arg.text, options), {}};
    if (!pattern.regex->ok()) {
      return At(arg, "could not parse regex \"" + arg.text + "\": " + pattern.regex->error());
    }
    const int groups = pattern.regex->NumberOfCapturingGroups();
    pattern.group_names.assign(static_cast<std::size_t>(groups) + 1, "");
    for (const auto& [index, name] : pattern.regex->CapturingGroupNames()) pattern.group_names[index] = name;
    t.max_groups = std::max(t.max_groups, static_cast<std::size_t>(groups));
    t.patterns.push_back(std::move(pattern));
  }
  return std::nullopt;
}

// A record type written literally in the template that dnsd cannot encode is refused now rather
// than answered SERVFAIL at every query: the template is rendered once with placeholder data.
std::optional<ConfigError> CheckType(const Token& arg, const std::string& section, const GoTemplate& rr) {
  const QueryData placeholder{.name = "x.", .zone = "x.", .klass = "IN", .type = "A", .regex = "x", .remote = "127.0.0.1"};
  std::string probe;
  if (!rr.Render(placeholder, probe)) return std::nullopt;
  const std::string_view type = TypeField(probe);
  if (TypeNumber(type) == 0 || SupportedRrType(type) != 0) return std::nullopt;
  return At(arg, section + ": record type \"" + std::string(type) +
                     "\" is not supported by dnsd (want A, AAAA, CNAME, DNAME, NS, PTR, MX, SRV, TXT or SOA)");
}

std::optional<ConfigError> ParseRrs(const config::Directive& line, std::vector<GoTemplate>& out) {
  if (auto error = NeedArgs(line)) return error;
  for (const Token& arg : line.args) {
    std::string why;
    auto compiled = GoTemplate::Compile(arg.text, &why);
    if (!compiled) return At(arg, line.name.text + ": " + why);
    if (auto error = CheckType(arg, line.name.text, *compiled)) return error;
    out.push_back(std::move(*compiled));
  }
  return std::nullopt;
}

std::optional<ConfigError> ParseRcode(const config::Directive& line, Template& t) {
  if (line.args.size() != 1) {
    const Token& where = line.args.empty() ? line.name : line.args[1];
    return At(where, "rcode: want exactly one rcode (e.g. NXDOMAIN)");
  }
  const int rcode = RcodeNumber(line.args[0].text);
  if (rcode < 0) {
    return At(line.args[0], "unknown rcode \"" + line.args[0].text +
                                "\" (want NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED, YXDOMAIN, "
                                "YXRRSET, NXRRSET, NOTAUTH or NOTZONE)");
  }
  t.rcode = static_cast<std::uint8_t>(rcode);
  return std::nullopt;
}

std::optional<ConfigError> ParseFallthrough(const config::Directive& line, Template& t) {
  t.fallthrough.clear();
  if (line.args.empty()) {
    t.fallthrough.emplace_back();  // the root: every name
    return std::nullopt;
  }
  for (const Token& arg : line.args) {
    wire::Name zone;
    std::string text;
    if (auto error = ParseZone(arg, zone, text)) return error;
    t.fallthrough.push_back(zone);
  }
  return std::nullopt;
}

std::optional<ConfigError> ParseEderror(const config::Directive& line, Template& t) {
  if (line.args.empty() || line.args.size() > 2) {
    const Token& where = line.args.empty() ? line.name : line.args[2];
    return At(where, "ederror: want CODE [REASON]");
  }
  std::uint16_t code = 0;
  const std::string& text = line.args[0].text;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return At(line.args[0], "ederror: invalid extended DNS error code \"" + text + "\" (want 0-65535)");
  }
  t.ederror = Template::ExtendedError{code, line.args.size() == 2 ? line.args[1].text : ""};
  return std::nullopt;
}

std::optional<ConfigError> ParseProperty(const config::Directive& line, Template& t) {
  const std::string& name = line.name.text;
  if (name == "match") return ParseMatch(line, t);
  if (name == "answer") return ParseRrs(line, t.answer);
  if (name == "additional") return ParseRrs(line, t.additional);
  if (name == "authority") return ParseRrs(line, t.authority);
  if (name == "rcode") return ParseRcode(line, t);
  if (name == "fallthrough") return ParseFallthrough(line, t);
  if (name == "upstream") return std::nullopt;  // CoreDNS 1.11 ignores it ("remove soon")
  if (name == "ederror") return ParseEderror(line, t);
  return At(line.name, "unknown property \"" + name +
                           "\" (want match, answer, additional, authority, rcode, ederror, fallthrough or "
                           "upstream)");
}

}  // namespace

config::Parsed<std::shared_ptr<const Template>> ParseTemplate(const config::Directive& directive,
                                                              const std::vector<std::string>& zones) {
  config::Parsed<std::shared_ptr<const Template>> result;
  auto t = std::make_shared<Template>();
  const auto& args = directive.args;
  if (args.size() < 2) {
    result.error = At(args.empty() ? directive.name : args[0],
                      std::string(args.empty() ? "missing CLASS and TYPE " : "missing TYPE ") + kSyntax);
    return result;
  }
  t->qclass = ClassNumber(args[0].text);
  if (t->qclass == 0) {
    result.error = At(args[0], "invalid query class \"" + args[0].text + "\" (want IN, CS, CH, HS, NONE or ANY)");
    return result;
  }
  t->qtype = TypeNumber(args[1].text);
  if (t->qtype == 0) {
    result.error = At(args[1], "invalid query type \"" + args[1].text + "\" (want A, AAAA, TXT, ANY, ...)");
    return result;
  }
  for (std::size_t i = 2; i < args.size(); ++i) {
    wire::Name zone;
    std::string text;
    if (auto error = ParseZone(args[i], zone, text)) {
      result.error = *error;
      return result;
    }
    t->zones.push_back(zone);
    t->zone_texts.push_back(text);
  }
  if (t->zones.empty()) {
    for (const std::string& text : zones) {
      wire::Name zone;
      if (wire::Name::FromString(text, zone) != wire::WireError::kOk) continue;
      zone.ToLower();
      t->zones.push_back(zone);
      t->zone_texts.push_back(zone.ToString());
    }
  }
  if (t->zones.empty()) {
    t->zones.emplace_back();
    t->zone_texts.emplace_back(".");
  }
  for (const config::Directive& line : directive.block) {
    if (auto error = ParseProperty(line, *t)) {
      result.error = *error;
      return result;
    }
  }
  if (t->patterns.empty()) {
    Pattern any{std::make_unique<RE2>(".*"), {""}};
    t->patterns.push_back(std::move(any));
  }
  result.value = std::move(t);
  return result;
}

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx) {
  pipeline::SetupResult result;
  auto parsed = ParseTemplate(directive, ctx.zones);
  if (!parsed.ok()) {
    result.error = parsed.error;
    return result;
  }
  result.value = std::make_unique<TemplateFactory>(std::move(*parsed.value));
  return result;
}

}  // namespace dnsd::plugins::tmpl
