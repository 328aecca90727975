// log plugin setup: `log [NAMES...] [FORMAT] { class all|denial|error|success }` (CoreDNS 1.11).
// Every `log` line of a server block adds rules; the first rule whose name covers the query logs it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::log {

struct RuleSpec {
  std::string scope;   // "example.org." or "."
  std::string format;  // aliases expanded
  std::uint8_t classes = 0xFF;  // ResponseClass bits
};

pipeline::SetupResult SetupAll(std::span<const config::Directive* const> directives, const pipeline::SetupContext& ctx);

// The parsing half, for tests: every error starts with "log: " and points at the token.
config::Parsed<std::vector<RuleSpec>> ParseRules(std::span<const config::Directive* const> directives);

}  // namespace dnsd::plugins::log
