// whoami plugin setup: `whoami` takes no arguments (CoreDNS 1.11).
#pragma once

#include <optional>

#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::whoami {

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx);

// The checking half, for tests: an error that points and starts with "whoami: ", if any.
std::optional<config::ConfigError> Check(const config::Directive& directive);

}  // namespace dnsd::plugins::whoami
