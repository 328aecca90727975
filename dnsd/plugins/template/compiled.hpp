// One `template CLASS TYPE [ZONE...] { ... }` directive, compiled at setup and shared read-only
// by the workers (RE2 matching is thread-safe).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "dnsd/plugins/template/go_template.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::tmpl {

struct Pattern {
  std::unique_ptr<RE2> regex;
  std::vector<std::string> group_names;  // by group index (0: the whole match), "" when unnamed
};

struct Template {
  std::uint16_t qclass = 0, qtype = 0;    // 255 (ANY) matches every class / type
  std::vector<wire::Name> zones;          // never empty: the arguments or the server block's
  std::vector<std::string> zone_texts;    // the same, as .Zone renders them ("example.org.")
  std::vector<Pattern> patterns;          // `match`; ".*" without one
  std::vector<GoTemplate> answer, authority, additional;
  std::uint8_t rcode = 0;
  std::vector<wire::Name> fallthrough;    // `fallthrough [ZONE...]` ("." without zones); empty: none
  std::size_t max_groups = 0;             // the most capturing groups of any pattern
};

}  // namespace dnsd::plugins::tmpl
