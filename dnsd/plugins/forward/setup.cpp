#include "dnsd/plugins/forward/setup.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>

#include "dnsd/config/duration.hpp"
#include "dnsd/plugins/forward/forwarder.hpp"
#include "dnsd/plugins/forward/resolv_conf.hpp"
#include "dnsd/plugins/forward/tls.hpp"
#include "rules/parse.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::forward {
namespace {

namespace ip = boost::asio::ip;
using config::ConfigError;
using config::Directive;
using config::ErrorAt;
using config::Token;

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

ConfigError Error(const Token& token, const std::string& message) {
  return ErrorAt(token, "forward: " + message);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// A zone or name as CoreDNS normalises it: lower case, fully qualified; "dns://" allowed on FROM.
std::optional<std::string> NormaliseName(std::string_view text) {
  if (StartsWith(text, "dns://")) text.remove_prefix(6);
  std::string name = Lower(text);
  if (name.empty()) return std::nullopt;
  if (name.back() != '.') name += '.';
  wire::Name parsed;
  if (wire::Name::FromString(name, parsed) != wire::WireError::kOk) return std::nullopt;
  return name;
}

std::optional<std::uint16_t> ParsePort(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

std::optional<ip::address> ParseAddress(std::string_view text) {
  boost::system::error_code ec;
  ip::address address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return address;
}

// IP, IP:port, [v6], [v6]:port (after any dns:// or tls:// prefix). nullopt: not an address form.
std::optional<ip::udp::endpoint> ParseEndpoint(std::string_view text, std::uint16_t default_port) {
  if (auto address = ParseAddress(text)) return ip::udp::endpoint(*address, default_port);
  std::string_view host = text;
  std::string_view port_text;
  if (StartsWith(text, "[")) {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return std::nullopt;
      port_text = rest.substr(1);
    }
  } else {
    std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // v6 needs brackets
  }
  auto address = ParseAddress(host);
  if (!address) return std::nullopt;
  std::uint16_t port = default_port;
  if (!port_text.empty() || StartsWith(text, "[") == false) {
    auto parsed = ParsePort(port_text);
    if (!parsed) return std::nullopt;
    port = *parsed;
  }
  return ip::udp::endpoint(*address, port);
}

std::optional<ConfigError> AddUpstreams(const Token& token, Options& options) {
  std::string_view text = token.text;
  for (std::string_view scheme : {"https://", "grpc://", "quic://"}) {
    if (StartsWith(text, scheme)) {
      return Error(token, Quote(text) + ": " + std::string(scheme.substr(0, scheme.size() - 3)) +
                              " upstreams are not supported by dnsd (want IP[:port], "
                              "tls://IP[:port] or a resolv.conf file)");
    }
  }
  if (StartsWith(text, "tls://")) {
    // CoreDNS reads a file here too but then forgets the scheme (plain DNS): dnsd wants an IP.
    auto endpoint = ParseEndpoint(text.substr(6), kTlsPort);
    if (!endpoint) return Error(token, Quote(token.text) + " is not a tls://IP[:port] address");
    if (options.upstreams.size() >= kMaxUpstreams) {
      return Error(token, "more than " + std::to_string(kMaxUpstreams) + " upstreams");
    }
    options.tls_upstreams.resize(options.upstreams.size());
    options.tls_upstreams.push_back(true);
    options.upstreams.push_back(*endpoint);
    return std::nullopt;
  }
  if (StartsWith(text, "dns://")) text.remove_prefix(6);
  std::vector<ip::udp::endpoint> found;
  if (auto endpoint = ParseEndpoint(text, 53)) {
    found.push_back(*endpoint);
  } else {
    auto servers = ReadResolvConf(std::string(text));
    if (!servers) {
      return Error(token,
                   Quote(token.text) + " is not an IP address or a readable resolv.conf file");
    }
    if (servers->empty()) return Error(token, "no nameservers found in " + Quote(token.text));
    found = std::move(*servers);
  }
  for (const auto& endpoint : found) {
    if (options.upstreams.size() >= kMaxUpstreams) {
      return Error(token, "more than " + std::to_string(kMaxUpstreams) + " upstreams");
    }
    options.upstreams.push_back(endpoint);
  }
  return std::nullopt;
}

std::optional<ConfigError> ParseUint(const Directive& line, std::uint32_t& out) {
  const std::string& property = line.name.text;
  if (line.args.size() != 1) {
    const Token& at = line.args.empty() ? line.name : line.args[1];
    return Error(at, property + ": want exactly one non-negative integer");
  }
  const Token& token = line.args[0];
  std::uint32_t value = 0;
  const char* end = token.text.data() + token.text.size();
  auto [ptr, ec] = std::from_chars(token.text.data(), end, value);
  if (token.text.empty() || ec != std::errc() || ptr != end) {
    return Error(token, property + ": " + Quote(token.text) + " is not a non-negative integer");
  }
  out = value;
  return std::nullopt;
}

std::optional<ConfigError> ParseDurationAt(const Token& token, const std::string& property,
                                           Duration& out) {
  auto value = config::ParseGoDuration(token.text);
  if (!value) {
    return Error(token, property + ": " + Quote(token.text) +
                            " is not a duration (want e.g. 500ms, 10s, 1m30s)");
  }
  if (value->count() < 0) return Error(token, property + ": " + Quote(token.text) + " is negative");
  out = *value;
  return std::nullopt;
}

std::optional<ConfigError> NoArguments(const Directive& line) {
  if (line.args.empty()) return std::nullopt;
  return Error(line.args[0], line.name.text + ": unexpected argument " + Quote(line.args[0].text));
}

std::optional<ConfigError> ParseHealthCheck(const Directive& line, Options& options) {
  if (line.args.empty()) return Error(line.name, "health_check: missing DURATION");
  if (auto error = ParseDurationAt(line.args[0], "health_check", options.health_check))
    return error;
  for (std::size_t i = 1; i < line.args.size(); ++i) {
    const Token& token = line.args[i];
    if (token.text == "no_rec") {
      options.health_recursion_desired = false;
    } else if (token.text == "domain") {
      if (i + 1 >= line.args.size()) return Error(token, "health_check: domain: missing FQDN");
      const Token& name = line.args[++i];
      auto normalised = NormaliseName(name.text);
      if (!normalised) {
        return Error(name, "health_check: domain: " + Quote(name.text) + " is not a domain name");
      }
      options.health_domain = *normalised;
    } else {
      return Error(token, "health_check: unknown option " + Quote(token.text) +
                              " (want no_rec or domain FQDN)");
    }
  }
  return std::nullopt;
}

// An rcode as miekg/dns's StringToRcode knows it: a name only (no numbers), NOTIMPL as an old
// spelling of NOTIMP, and BADVERS not at all (its 16 is named BADSIG).
std::optional<unsigned> RcodeFromName(std::string_view text) {
  const std::string upper = Upper(text);
  if (upper == "NOTIMPL") return 4;
  if (upper.empty() || std::isdigit(static_cast<unsigned char>(upper[0])) || upper == "BADVERS") {
    return std::nullopt;
  }
  return rules::RcodeFromString(upper);
}

// `next RCODE...` and `failover RCODE...`; failover refuses NOERROR (CoreDNS: an answer is no
// reason to ask another upstream).
std::optional<ConfigError> ParseRcodes(const Directive& line, RcodeSet& out) {
  const std::string& property = line.name.text;
  if (line.args.empty()) return Error(line.name, property + ": missing RCODE");
  for (const Token& token : line.args) {
    auto rcode = RcodeFromName(token.text);
    if (!rcode) {
      return Error(token, property + ": " + Quote(token.text) +
                              " is not a valid rcode (want e.g. NXDOMAIN, SERVFAIL, REFUSED)");
    }
    if (*rcode == 0 && property == "failover") {
      return Error(token, "failover: NOERROR cannot be used in failover");
    }
    out |= RcodeSet{1} << *rcode;
  }
  return std::nullopt;
}

// `tls [CA]`, `tls CERT KEY`, `tls CERT KEY CA`. The files are read now, as CoreDNS does.
std::optional<ConfigError> ParseTls(const Directive& line, Options& options) {
  const auto& args = line.args;
  if (args.size() > 3) return Error(args[3], "tls: want at most CERT KEY CA");
  TlsOptions& tls = options.tls;
  tls.cert = tls.key = tls.ca = "";
  if (args.size() == 1) tls.ca = args[0].text;
  if (args.size() >= 2) {
    tls.cert = args[0].text;
    tls.key = args[1].text;
  }
  if (args.size() == 3) tls.ca = args[2].text;
  std::string why;
  tls.context = MakeTlsContext(tls, &why);
  if (!tls.context) return Error(line.name, "tls: " + why);
  return std::nullopt;
}

std::optional<ConfigError> ParseProperty(const Directive& line, Options& options) {
  const std::string& property = line.name.text;
  if (property == "except") {
    if (line.args.empty()) return Error(line.name, "except: missing IGNORED_NAMES");
    for (const Token& token : line.args) {
      auto name = NormaliseName(token.text);
      if (!name) return Error(token, "except: " + Quote(token.text) + " is not a domain name");
      options.except.push_back(*name);
    }
    return std::nullopt;
  }
  if (property == "force_tcp" || property == "prefer_udp") {
    if (auto error = NoArguments(line)) return error;
    (property == "force_tcp" ? options.force_tcp : options.prefer_udp) = true;
    if (options.force_tcp && options.prefer_udp) {
      return Error(line.name, property + ": force_tcp and prefer_udp cannot both be set");
    }
    return std::nullopt;
  }
  if (property == "expire") {
    if (line.args.size() != 1) {
      return Error(line.args.empty() ? line.name : line.args[1],
                   "expire: want exactly one DURATION");
    }
    return ParseDurationAt(line.args[0], "expire", options.expire);
  }
  if (property == "max_fails") return ParseUint(line, options.max_fails);
  if (property == "max_concurrent") return ParseUint(line, options.max_concurrent);
  if (property == "health_check") return ParseHealthCheck(line, options);
  if (property == "next") return ParseRcodes(line, options.next_rcodes);
  if (property == "failover") return ParseRcodes(line, options.failover_rcodes);
  if (property == "policy") {
    if (line.args.size() != 1) {
      return Error(line.args.empty() ? line.name : line.args[1],
                   "policy: want one of random, round_robin, sequential");
    }
    const std::string& name = line.args[0].text;
    if (name == "random")
      options.policy = Policy::kRandom;
    else if (name == "round_robin")
      options.policy = Policy::kRoundRobin;
    else if (name == "sequential")
      options.policy = Policy::kSequential;
    else {
      return Error(line.args[0], "policy: unknown policy " + Quote(name) +
                                     " (want random, round_robin or sequential)");
    }
    return std::nullopt;
  }
  if (property == "tls") return ParseTls(line, options);
  if (property == "tls_servername") {
    if (line.args.size() != 1) {
      return Error(line.args.empty() ? line.name : line.args[1],
                   "tls_servername: want exactly one NAME");
    }
    options.tls.server_name = line.args[0].text;
    return std::nullopt;
  }
  for (std::string_view unsupported : {"failfast_all_unhealthy_upstreams"}) {
    if (property == unsupported) {
      return Error(line.name, "property " + Quote(property) + " is not supported by dnsd");
    }
  }
  return Error(line.name, "unknown property " + Quote(property));
}

}  // namespace

config::Parsed<Options> ParseOptions(const Directive& directive) {
  config::Parsed<Options> result;
  auto fail = [&result](ConfigError error) {
    result.error = std::move(error);
    return result;
  };
  if (directive.args.empty())
    return fail(Error(directive.name, "missing FROM and TO (want forward FROM TO...)"));
  Options options;
  const Token& from = directive.args[0];
  auto zone = NormaliseName(from.text);
  if (!zone) return fail(Error(from, Quote(from.text) + " is not a domain name (want FROM zone)"));
  options.from = *zone;
  if (directive.args.size() < 2) return fail(Error(from, "missing TO after " + Quote(from.text)));
  for (std::size_t i = 1; i < directive.args.size(); ++i) {
    if (directive.args[i].text == "{") break;
    if (auto error = AddUpstreams(directive.args[i], options)) return fail(*error);
  }
  for (const Directive& line : directive.block) {
    if (auto error = ParseProperty(line, options)) return fail(*error);
  }
  // TLS upstreams without a `tls` line: the defaults (the system CA store).
  if (!options.tls.context && std::find(options.tls_upstreams.begin(), options.tls_upstreams.end(),
                                        true) != options.tls_upstreams.end()) {
    std::string why;
    options.tls.context = MakeTlsContext(options.tls, &why);
    if (!options.tls.context) return fail(Error(from, "tls: " + why));
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
  result.value = std::make_unique<ForwardFactory>(std::move(*options.value));
  return result;
}

}  // namespace dnsd::plugins::forward
