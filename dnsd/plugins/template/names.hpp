// DNS class, type and rcode mnemonics as miekg/dns spells them (case-sensitive: "IN", not "in"),
// for template's CLASS TYPE arguments, its data (.Class, .Type) and its rcode.
#pragma once

#include <cstdint>
#include <string_view>

namespace dnsd::plugins::tmpl {

std::uint16_t ClassNumber(std::string_view name);  // 0 when unknown
std::string_view ClassName(std::uint16_t klass);   // "" when unknown (Go: a map miss)
std::uint16_t TypeNumber(std::string_view name);   // 0 when unknown
std::string_view TypeName(std::uint16_t type);     // "" when unknown
int RcodeNumber(std::string_view name);            // -1 when unknown

}  // namespace dnsd::plugins::tmpl
