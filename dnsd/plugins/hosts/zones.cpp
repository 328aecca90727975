#include "dnsd/plugins/hosts/zones.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::hosts {
namespace {

// The reverse zones of a network: one per subnet on a digit boundary (octet or nibble).
bool AppendReverseZones(std::string_view text, std::vector<std::string>& out) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos || text.empty() || text[0] == ':') return false;
  int ones = -1;
  std::string_view bits = text.substr(slash + 1);
  auto [ptr, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), ones);
  if (bits.empty() || ec != std::errc() || ptr != bits.data() + bits.size()) return false;
  std::string address(text.substr(0, slash));
  std::array<std::uint8_t, 16> bytes{};
  const bool v4 = ::inet_pton(AF_INET, address.c_str(), bytes.data()) == 1;
  if (!v4 && (::inet_pton(AF_INET6, address.c_str(), bytes.data()) != 1 || address[0] == '0')) return false;
  const int width = v4 ? 8 : 4, total = v4 ? 32 : 128;
  if (ones < 0 || ones > total) return false;
  std::array<int, 32> digits{};  // octets or nibbles, most significant first
  const int count = total / width;
  for (int i = 0; i < count; ++i) digits[i] = v4 ? bytes[i] : (bytes[i / 2] >> (i % 2 ? 0 : 4)) & 0xF;
  for (int bit = ones; bit < total; ++bit) digits[bit / width] &= ~(1 << (width - 1 - bit % width));  // the network
  const int mask = (ones + width - 1) / width * width;
  const int spread = mask - ones;  // low bits of the last digit that the subnets differ in
  for (int subnet = 0; subnet < (1 << spread); ++subnet) {
    std::string zone;
    for (int d = mask / width - 1; d >= 0; --d) {
      int digit = d == mask / width - 1 ? digits[d] | subnet : digits[d];
      char buffer[4];
      auto end = std::to_chars(buffer, buffer + sizeof buffer, digit, v4 ? 10 : 16).ptr;
      zone.append(buffer, end).push_back('.');
    }
    zone += v4 ? "in-addr.arpa." : "ip6.arpa.";
    out.push_back(std::move(zone));
  }
  return true;
}

}  // namespace

void AppendZones(std::string_view text, std::vector<std::string>& out) {
  if (text.substr(0, 6) == "dns://") text.remove_prefix(6);
  if (std::size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    if (colon + 1 == text.size()) return;  // "expecting data after last colon"
    int port = 0;
    std::string_view digits = text.substr(colon + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec == std::errc() && ptr == digits.data() + digits.size()) text = text.substr(0, colon);
  }
  if (text.empty() || text.size() > 255) return;
  if (AppendReverseZones(text, out)) return;
  wire::Name name;
  if (wire::Name::FromString(text, name) != wire::WireError::kOk) return;
  name.ToLower();
  out.push_back(name.ToString());
}

}  // namespace dnsd::plugins::hosts
