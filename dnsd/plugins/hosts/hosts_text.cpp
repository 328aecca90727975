#include "dnsd/plugins/hosts/hosts_text.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace dnsd::plugins::hosts {
namespace {

// Go's bytes.Fields separators (ASCII white space).
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsBlank(line[i])) ++i;
    std::size_t start = i;
    while (i < line.size() && !IsBlank(line[i])) ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

bool InZones(const wire::Name& name, const std::vector<wire::Name>& zones) {
  return std::any_of(zones.begin(), zones.end(), [&](const wire::Name& zone) { return name.IsSubdomainOf(zone); });
}

}  // namespace

bool ParseAddress(std::string_view text, Address& out) {
  if (std::size_t zone = text.find('%'); zone != std::string_view::npos) text = text.substr(0, zone);
  if (text.empty() || text.size() > 63) return false;
  char buffer[64];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  out = Address{};
  // inet_pton, like Go since 1.17, rejects IPv4 octets with leading zeros.
  if (::inet_pton(AF_INET, buffer, out.bytes.data()) == 1) return true;
  if (::inet_pton(AF_INET6, buffer, out.bytes.data()) != 1) return false;
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  out.v4 = std::memcmp(out.bytes.data(), kMapped, sizeof kMapped) == 0;
  if (out.v4) {
    std::memmove(out.bytes.data(), out.bytes.data() + 12, 4);
    std::fill(out.bytes.begin() + 4, out.bytes.end(), 0);
  }
  return true;
}

std::vector<HostRecord> ParseHostsText(std::string_view text, const std::vector<wire::Name>& zones) {
  std::vector<HostRecord> records;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (std::size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    auto fields = Fields(line);
    if (fields.size() < 2) continue;
    Address address;
    if (!ParseAddress(fields[0], address)) continue;
    for (std::size_t i = 1; i < fields.size(); ++i) {
      wire::Name name;
      if (wire::Name::FromString(fields[i], name) != wire::WireError::kOk) continue;
      name.ToLower();
      if (!InZones(name, zones)) continue;
      auto wire = name.Wire();
      records.push_back({address, std::string(wire.begin(), wire.end())});
    }
  }
  return records;
}

}  // namespace dnsd::plugins::hosts
