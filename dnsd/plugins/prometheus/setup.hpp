// prometheus plugin setup: `prometheus [ADDRESS]` (CoreDNS syntax, default localhost:9153); the
// listener for ADDRESS is started here, once per address however many server blocks name it.
#pragma once

#include <string>

#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::prometheus {

inline constexpr const char* kDefaultAddress = "localhost:9153";  // CoreDNS metrics.addr

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx);

// The parsing half of Setup: the address, or an error pointing at the offending token.
config::Parsed<std::string> ParseAddress(const config::Directive& directive);

}  // namespace dnsd::plugins::prometheus
