// errors plugin setup: `errors [stdout] { consolidate DURATION REGEXP [LEVEL] }` (CoreDNS 1.11).
#pragma once

#include <vector>

#include "dnsd/plugins/errors/consolidator.hpp"
#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::errors {

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx);

// The parsing half, for tests: errors start with "errors: " and point at the token.
config::Parsed<std::vector<PatternSpec>> ParsePatterns(const config::Directive& directive);

}  // namespace dnsd::plugins::errors
