// cache plugin setup: parses `cache [TTL] [ZONES...] { ... }` (CoreDNS 1.11 syntax) into Options
// and makes the factory that owns the cache shared by all workers.
#pragma once

#include "dnsd/plugins/cache/options.hpp"
#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::cache {

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx);

// The parsing half of Setup, for tests and tools: every error points at the offending token and
// starts with "cache: ". `ctx.zones` are the zones used when the directive names none.
config::Parsed<Options> ParseOptions(const config::Directive& directive, const pipeline::SetupContext& ctx);

}  // namespace dnsd::plugins::cache
