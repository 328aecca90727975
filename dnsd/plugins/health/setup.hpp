// health plugin setup: parses `health [ADDRESS] { lameduck DURATION }` (CoreDNS 1.11 syntax) and
// makes the factory that serves GET /health on ADDRESS (default :8080).
#pragma once

#include "dnsd/plugins/health/options.hpp"
#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::health {

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx);

// The parsing half of Setup, for tests: every error points at its token and starts "health: ".
config::Parsed<Options> ParseOptions(const config::Directive& directive);

}  // namespace dnsd::plugins::health
