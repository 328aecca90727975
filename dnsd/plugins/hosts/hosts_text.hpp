// The hosts(5) text format as CoreDNS's hostsfile parser reads it: "#" starts a comment, fields are
// separated by blanks, the first is an address (an IPv6 zone "%eth0" is dropped), the others are
// names. Lines with fewer than two fields or a bad address are skipped, never an error.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::hosts {

struct Address {
  bool v4 = true;                       // IPv4, or an IPv4-mapped IPv6 address (as Go's To4)
  std::array<std::uint8_t, 16> bytes{};  // v4: the first 4 octets
  friend bool operator==(const Address&, const Address&) = default;
};

// One (address, name) pair of a line; `name` is the lower-case name in wire form.
struct HostRecord {
  Address address;
  std::string name;
};

// Parses an address as Go's net.ParseIP (no leading zeros in IPv4, zone suffix ignored).
bool ParseAddress(std::string_view text, Address& out);

// The records of `text` whose names are in `zones` (wire names, lower case), in file order.
// Names that are not legal domain names are skipped.
std::vector<HostRecord> ParseHostsText(std::string_view text, const std::vector<wire::Name>& zones);

}  // namespace dnsd::plugins::hosts
