// rewrite plugin setup: every `rewrite` directive of a server block, in order, becomes one rule list
// (CoreDNS evaluates them as one), compiled once into a RuleSet shared by all workers.
#pragma once

#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::rewrite {

pipeline::SetupResult SetupAll(std::span<const config::Directive* const> directives, const pipeline::SetupContext& ctx);

}  // namespace dnsd::plugins::rewrite
