#include "dnsd/plugins/template/names.hpp"

#include <array>
#include <utility>

#include "dnsd/wire/rr_types.hpp"

namespace dnsd::plugins::tmpl {
namespace {

using Entry = std::pair<std::string_view, std::uint16_t>;

constexpr std::array kClasses = {Entry{"IN", 1}, Entry{"CS", 2}, Entry{"CH", 3}, Entry{"HS", 4},
                                 Entry{"NONE", 254}, Entry{"ANY", 255}};

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
std::uint16_t TypeNumber(std::string_view name) { return wire::TypeFromMnemonic(name); }
std::string_view TypeName(std::uint16_t type) { return wire::TypeMnemonic(type); }

int RcodeNumber(std::string_view name) {
  for (const Entry& e : kRcodes) {
    if (e.first == name) return e.second;
  }
  return -1;
}

}  // namespace dnsd::plugins::tmpl
