// hosts plugin setup: parses `hosts [FILE [ZONES...]] { [INLINE] ttl no_reverse reload fallthrough }`
// (CoreDNS 1.11 syntax and messages) and makes the factory that reads the file.
#pragma once

#include "dnsd/plugins/hosts/options.hpp"
#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::hosts {

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx);

// The parsing half of Setup: every error points at a token and starts with "hosts: ".
// `ctx.zones` are the zones used when the directive names none.
config::Parsed<Options> ParseOptions(const config::Directive& directive, const pipeline::SetupContext& ctx);

}  // namespace dnsd::plugins::hosts
