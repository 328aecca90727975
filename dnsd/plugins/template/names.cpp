#include "dnsd/plugins/template/names.hpp"

#include <array>
#include <utility>

namespace dnsd::plugins::tmpl {
namespace {

using Entry = std::pair<std::string_view, std::uint16_t>;

constexpr std::array kClasses = {Entry{"IN", 1}, Entry{"CS", 2}, Entry{"CH", 3}, Entry{"HS", 4},
                                 Entry{"NONE", 254}, Entry{"ANY", 255}};

constexpr std::array kTypes = {
    Entry{"A", 1},          Entry{"NS", 2},         Entry{"MD", 3},        Entry{"MF", 4},
    Entry{"CNAME", 5},      Entry{"SOA", 6},        Entry{"MB", 7},        Entry{"MG", 8},
    Entry{"MR", 9},         Entry{"NULL", 10},      Entry{"PTR", 12},      Entry{"HINFO", 13},
    Entry{"MINFO", 14},     Entry{"MX", 15},        Entry{"TXT", 16},      Entry{"RP", 17},
    Entry{"AFSDB", 18},     Entry{"X25", 19},       Entry{"ISDN", 20},     Entry{"RT", 21},
    Entry{"NSAPPTR", 23},   Entry{"SIG", 24},       Entry{"KEY", 25},      Entry{"PX", 26},
    Entry{"GPOS", 27},      Entry{"AAAA", 28},      Entry{"LOC", 29},      Entry{"NXT", 30},
    Entry{"EID", 31},       Entry{"NIMLOC", 32},    Entry{"SRV", 33},      Entry{"ATMA", 34},
    Entry{"NAPTR", 35},     Entry{"KX", 36},        Entry{"CERT", 37},     Entry{"DNAME", 39},
    Entry{"OPT", 41},       Entry{"APL", 42},       Entry{"DS", 43},       Entry{"SSHFP", 44},
    Entry{"IPSECKEY", 45},  Entry{"RRSIG", 46},     Entry{"NSEC", 47},     Entry{"DNSKEY", 48},
    Entry{"DHCID", 49},     Entry{"NSEC3", 50},     Entry{"NSEC3PARAM", 51}, Entry{"TLSA", 52},
    Entry{"SMIMEA", 53},    Entry{"HIP", 55},       Entry{"NINFO", 56},    Entry{"RKEY", 57},
    Entry{"TALINK", 58},    Entry{"CDS", 59},       Entry{"CDNSKEY", 60},  Entry{"OPENPGPKEY", 61},
    Entry{"CSYNC", 62},     Entry{"ZONEMD", 63},    Entry{"SVCB", 64},     Entry{"HTTPS", 65},
    Entry{"SPF", 99},       Entry{"UINFO", 100},    Entry{"UID", 101},     Entry{"GID", 102},
    Entry{"UNSPEC", 103},   Entry{"NID", 104},      Entry{"L32", 105},     Entry{"L64", 106},
    Entry{"LP", 107},       Entry{"EUI48", 108},    Entry{"EUI64", 109},   Entry{"TKEY", 249},
    Entry{"TSIG", 250},     Entry{"IXFR", 251},     Entry{"AXFR", 252},    Entry{"MAILB", 253},
    Entry{"MAILA", 254},    Entry{"ANY", 255},      Entry{"URI", 256},     Entry{"CAA", 257},
    Entry{"AVC", 258},      Entry{"AMTRELAY", 260}, Entry{"TA", 32768},    Entry{"DLV", 32769},
};

// Rcodes a DNS header can carry (0..15); the EDNS/TSIG ones above 15 are refused at setup.
constexpr std::array kRcodes = {Entry{"NOERROR", 0}, Entry{"FORMERR", 1}, Entry{"SERVFAIL", 2},
                                Entry{"NXDOMAIN", 3}, Entry{"NOTIMP", 4}, Entry{"REFUSED", 5},
                                Entry{"YXDOMAIN", 6}, Entry{"YXRRSET", 7}, Entry{"NXRRSET", 8},
                                Entry{"NOTAUTH", 9}, Entry{"NOTZONE", 10}};

template <std::size_t N>
std::uint16_t Find(const std::array<Entry, N>& table, std::string_view name) {
  for (const Entry& e : table) {
    if (e.first == name) return e.second;
  }
  return 0;
}

template <std::size_t N>
std::string_view Find(const std::array<Entry, N>& table, std::uint16_t number) {
  for (const Entry& e : table) {
    if (e.second == number) return e.first;
  }
  return {};
}

}  // namespace

std::uint16_t ClassNumber(std::string_view name) { return Find(kClasses, name); }
std::string_view ClassName(std::uint16_t klass) { return Find(kClasses, klass); }
std::uint16_t TypeNumber(std::string_view name) { return Find(kTypes, name); }
std::string_view TypeName(std::uint16_t type) { return Find(kTypes, type); }

int RcodeNumber(std::string_view name) {
  for (const Entry& e : kRcodes) {
    if (e.first == name) return e.second;
  }
  return -1;
}

}  // namespace dnsd::plugins::tmpl
