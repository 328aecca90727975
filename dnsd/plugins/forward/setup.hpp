// forward plugin: Corefile setup (CoreDNS syntax) producing the factory shared by all workers.
#pragma once

#include "dnsd/plugins/forward/options.hpp"
#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::forward {

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx);

// The parsing half of Setup, for tests and tools: every error points at the offending token.
config::Parsed<Options> ParseOptions(const config::Directive& directive);

}  // namespace dnsd::plugins::forward
