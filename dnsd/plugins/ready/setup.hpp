// ready plugin setup: parses `ready [ADDRESS]` (CoreDNS 1.11 syntax, default :8181) and makes the
// factory that serves GET /ready there.
#pragma once

#include <string>

#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::ready {

inline constexpr const char* kDefaultAddress = ":8181";

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx);

// The parsing half of Setup, for tests: the listen address; errors point and start with "ready: ".
config::Parsed<std::string> ParseAddress(const config::Directive& directive);

}  // namespace dnsd::plugins::ready
