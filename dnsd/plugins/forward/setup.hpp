// forward plugin: Corefile setup (CoreDNS syntax) producing the factory shared by all workers.
#pragma once

#include "dnsd/plugins/registry.hpp"

namespace dnsd::plugins::forward {

SetupResult Setup(const config::Directive& directive, const SetupContext& ctx);

}  // namespace dnsd::plugins::forward
