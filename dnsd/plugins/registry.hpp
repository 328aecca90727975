// Which plugins dnsd is built with, in CoreDNS's fixed execution order, and how each one is set up.
// The daemon's main hands this registry to the server, which knows no plugin by name.
#pragma once

#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins {

// CoreDNS's plugin.cfg order (execution order), dnsd's implemented plugins marked by `setup`, and
// the prometheus plugin's reload series as the reload sink.
const pipeline::PluginRegistry& Registry();

}  // namespace dnsd::plugins
