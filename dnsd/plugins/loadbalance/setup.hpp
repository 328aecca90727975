// loadbalance plugin setup: `loadbalance [round_robin]` (CoreDNS 1.11). The `weighted` policy is
// recognised and refused with a clear error.
#pragma once

#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::loadbalance {

enum class Policy { kRoundRobin };

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx);

// The parsing half, for tests: errors point and start with "loadbalance: ".
config::Parsed<Policy> ParsePolicy(const config::Directive& directive);

}  // namespace dnsd::plugins::loadbalance
