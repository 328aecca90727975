// loop plugin setup: `loop`, no arguments (CoreDNS 1.11). The probe goes to the server block's first
// zone, on its first listen address and port.
#pragma once

#include <cstdint>
#include <string>

#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::loop {

struct LoopOptions {
  std::string zone = ".";    // the block's first zone: the probe is <n>.<n>.<zone> HINFO
  std::string listen_host;   // the block's first listen host; "" is the wildcard (CoreDNS's default)
  std::uint16_t port = 53;   // the port of the block's first key
};

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx);

// The parsing half of Setup, for tests: errors point at the token and start with "loop: ".
config::Parsed<LoopOptions> ParseOptions(const config::Directive& directive, const pipeline::SetupContext& ctx);

}  // namespace dnsd::plugins::loop
