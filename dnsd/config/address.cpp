// Server block keys to (zone, port), as CoreDNS normalises them: [dns://]ZONE[:PORT], where ZONE
// may be a CIDR that stands for its reverse zone (in-addr.arpa / ip6.arpa).
#include <arpa/inet.h>

#include <array>
#include <cctype>

#include "dnsd/config/corefile.hpp"

namespace dnsd::config {
namespace {

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "10.0.0.0/24" -> "0.0.10.in-addr.arpa."; prefix lengths must fall on a label boundary.
bool ReverseZone(const std::string& cidr, std::string& zone, std::string& why) {
  const auto slash = cidr.find('/');
  const std::string addr = cidr.substr(0, slash);
  const std::string bits_text = cidr.substr(slash + 1);
  const bool v6 = addr.find(':') != std::string::npos;
  const int max_bits = v6 ? 128 : 32;
  bool digits = !bits_text.empty() && bits_text.size() <= 3;
  for (char c : bits_text) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  std::array<unsigned char, 16> ip{};
  if (!digits || std::stoi(bits_text) > max_bits ||
      inet_pton(v6 ? AF_INET6 : AF_INET, addr.c_str(), ip.data()) != 1) {
    why = Quote(cidr) + " is not a valid CIDR (want ADDRESS/PREFIX-LENGTH)";
    return false;
  }
  const int bits = std::stoi(bits_text);
  const int step = v6 ? 4 : 8;
  if (bits % step != 0) {
    why = std::string("reverse zone prefix length /") + bits_text +
          " is not supported by dnsd (want " +
          (v6 ? "a multiple of 4 for IPv6)" : "/0, /8, /16, /24 or /32 for IPv4)");
    return false;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  zone.clear();
  for (int i = bits / step - 1; i >= 0; --i) {
    if (v6) {
      const unsigned char byte = ip[static_cast<std::size_t>(i / 2)];
      zone += kHex[i % 2 == 0 ? byte >> 4 : byte & 0x0F];
    } else {
      zone += std::to_string(ip[static_cast<std::size_t>(i)]);
    }
    zone += '.';
  }
  zone += v6 ? "ip6.arpa." : "in-addr.arpa.";
  return true;
}

// Lower-cases and fully qualifies a zone name, refusing empty labels and oversize names.
bool NormaliseZone(std::string host, std::string& zone, std::string& why) {
  if (host.empty() || host == ".") {
    zone = ".";
    return true;
  }
  for (char c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F ||
        std::string_view("\"(){}[];@/\\").find(c) != std::string_view::npos) {
      why = "zone " + Quote(host) + " has an invalid character '" + std::string(1, c) + "'";
      return false;
    }
  }
  std::string name = host.back() == '.' ? host.substr(0, host.size() - 1) : host;
  if (name.size() > 253) {
    why = "zone " + Quote(host) + " is longer than 255 octets";
    return false;
  }
  std::size_t start = 0;
  for (;;) {
    const auto dot = name.find('.', start);
    const std::size_t len = (dot == std::string::npos ? name.size() : dot) - start;
    if (len == 0) {
      why = "zone " + Quote(host) + " has an empty label";
      return false;
    }
    if (len > 63) {
      why = "zone " + Quote(host) + " has a label longer than 63 octets";
      return false;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  zone = Lower(name) + ".";
  return true;
}

}  // namespace

Parsed<ServerAddress> ParseServerAddress(const Token& key, std::uint16_t default_port) {
  auto fail = [&](const std::string& why) {
    return Parsed<ServerAddress>{std::nullopt,
                                 ErrorAt(key, "server address " + Quote(key.text) + ": " + why)};
  };
  std::string rest = key.text;
  if (rest.empty()) return fail("empty server block key");
  if (const auto scheme_end = rest.find("://"); scheme_end != std::string::npos) {
    const std::string scheme = Lower(rest.substr(0, scheme_end));
    if (scheme == "tls" || scheme == "https" || scheme == "grpc" || scheme == "quic" ||
        scheme == "https3") {
      return fail("transport " + scheme + ":// is not supported by dnsd (want dns:// or none)");
    }
    if (scheme != "dns")
      return fail("unknown transport " + Quote(scheme + "://") + " (want dns:// or none)");
    rest = rest.substr(scheme_end + 3);
  }

  ServerAddress out;
  out.token = key;
  out.port = default_port;
  // The port is what follows the last ":", unless a "/" follows it (an IPv6 CIDR without port).
  if (const auto colon = rest.rfind(':');
      colon != std::string::npos && rest.find('/', colon) == std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    if (port.empty()) return fail("missing port after \":\"");
    bool digits = port.size() <= 5;
    for (char c : port) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    const long value = digits ? std::stol(port) : 0;
    if (!digits || value < 1 || value > 65535) {
      return fail("bad port " + Quote(port) + " (want a number from 1 to 65535)");
    }
    out.port = static_cast<std::uint16_t>(value);
    rest = rest.substr(0, colon);
  }

  std::string why;
  const bool ok = rest.find('/') != std::string::npos ? ReverseZone(rest, out.zone, why)
                                                      : NormaliseZone(rest, out.zone, why);
  if (!ok) return fail(why);
  return Parsed<ServerAddress>{std::move(out), {}};
}

}  // namespace dnsd::config
