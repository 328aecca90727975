#include "dnsd/plugins/bind/setup.hpp"

#include <algorithm>
#include <optional>

#include <boost/asio/ip/address.hpp>

namespace dnsd::plugins::bind {
namespace {

using config::ConfigError;
using config::Directive;
using config::Token;

constexpr const char* kWant = " (want bind ADDRESS|IFACE ... [{ except ADDRESS|IFACE ... }])";

ConfigError At(const Token& token, const std::string& message) {
  return config::ErrorAt(token, "bind: " + message);
}

// An address as written and where it came from (the token, for errors).
struct Host {
  std::string text;
  const Token* token;
};

// Go's net.ParseIP: an IPv4 or IPv6 literal without a zone, canonicalised so that "::0:1" and "::1"
// are one address (CoreDNS groups listeners by the resolved address).
std::optional<std::string> CanonicalAddress(const std::string& text) {
  if (text.find('%') != std::string::npos) return std::nullopt;
  boost::system::error_code ec;
  boost::asio::ip::address address = boost::asio::ip::make_address(text, ec);
  if (ec) return std::nullopt;
  return address.to_string();
}

// Each argument as an interface's addresses (a name of an interface wins, as in CoreDNS) or an address.
std::optional<ConfigError> Expand(const std::vector<Token>& args, std::span<const Interface> interfaces,
                                  std::vector<Host>& out) {
  for (const Token& arg : args) {
    auto interface = std::find_if(interfaces.begin(), interfaces.end(),
                                  [&](const Interface& i) { return i.name == arg.text; });
    if (interface != interfaces.end()) {
      for (const std::string& address : interface->addresses) out.push_back({address, &arg});
      continue;
    }
    std::optional<std::string> address = CanonicalAddress(arg.text);
    if (!address) return At(arg, "not a valid IP address or interface name: \"" + arg.text + "\"");
    out.push_back({*address, &arg});
  }
  return std::nullopt;
}

// One `bind` line: its hosts, less those of its `except` lines.
std::optional<ConfigError> ParseLine(const Directive& directive, std::span<const Interface> interfaces,
                                     std::vector<Host>& hosts) {
  if (directive.args.empty()) {
    return At(directive.name, std::string("at least one address or interface name is expected") + kWant);
  }
  std::vector<Host> listed;
  if (auto error = Expand(directive.args, interfaces, listed)) return error;
  std::vector<Host> excepted;
  for (const Directive& line : directive.block) {
    if (line.name.text != "except") {
      return At(line.name, "invalid option \"" + line.name.text + "\" (want except)");
    }
    if (line.args.empty()) {
      return At(line.name, "at least one address or interface must be given to except");
    }
    if (auto error = Expand(line.args, interfaces, excepted)) return error;
  }
  for (Host& host : listed) {
    const bool skip = std::any_of(excepted.begin(), excepted.end(),
                                  [&](const Host& e) { return e.text == host.text; });
    if (!skip) hosts.push_back(std::move(host));
  }
  return std::nullopt;
}

}  // namespace

config::Parsed<std::vector<std::string>> ListenHosts(std::span<const Directive* const> directives,
                                                     std::span<const Interface> interfaces) {
  config::Parsed<std::vector<std::string>> result;
  std::vector<Host> hosts;
  for (const Directive* directive : directives) {
    if (auto error = ParseLine(*directive, interfaces, hosts)) {
      result.error = *error;
      return result;
    }
  }
  std::vector<std::string> texts;
  for (const Host& host : hosts) {
    // CoreDNS refuses the second listener on one address too ("it is already defined").
    if (std::find(texts.begin(), texts.end(), host.text) != texts.end()) {
      result.error = At(*host.token, "address " + host.text + " is listed twice");
      return result;
    }
    texts.push_back(host.text);
  }
  if (!directives.empty() && texts.empty()) {
    // CoreDNS would serve the block nowhere, silently.
    result.error = At(directives.front()->name, "no address to listen on (the interfaces have none, or every one is excepted)");
    return result;
  }
  result.value = std::move(texts);
  return result;
}

config::Parsed<std::vector<std::string>> BlockListenHosts(std::span<const Directive* const> directives,
                                                          std::any& config_state) {
  if (!config_state.has_value()) config_state = HostInterfaces();
  return ListenHosts(directives, std::any_cast<const std::vector<Interface>&>(config_state));
}

pipeline::SetupResult SetupAll(std::span<const Directive* const> /*directives*/, const pipeline::SetupContext& /*ctx*/) {
  pipeline::SetupResult result;
  result.value = std::make_unique<BindFactory>();
  return result;
}

}  // namespace dnsd::plugins::bind
