// Which plugins dnsd knows, in CoreDNS's fixed execution order, and how each one is set up.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "dnsd/pipeline/handler.hpp"

namespace dnsd::plugins {

// What a plugin's setup sees besides its own directive.
struct SetupContext {
  std::vector<std::string> zones;  // the server block's zones, normalised ("example.org.")
  std::vector<std::string> plugins;  // every plugin of the block, in execution order
  std::vector<std::uint16_t> ports;    // the port of each of `zones` (same order)
  // The addresses the block listens on (`bind`), canonical ("127.0.0.2", "::1"); empty: every address.
  // `= {}`: aggregate initialisations that stop before it need not name it.
  std::vector<std::string> listen_hosts = {};
};

using SetupResult = config::Parsed<std::unique_ptr<pipeline::HandlerFactory>>;
using SetupFunction = SetupResult (*)(const config::Directive& directive, const SetupContext& ctx);
// For plugins whose directives in one server block form a single instance (CoreDNS `rewrite`: all
// its lines are one rule list, evaluated in order): called once with every directive, in order.
using SetupAllFunction = SetupResult (*)(std::span<const config::Directive* const> directives,
                                         const SetupContext& ctx);

struct Plugin {
  std::string_view name;
  SetupFunction setup;  // nullptr (and no setup_all): known to CoreDNS, not implemented by dnsd
  bool once_per_block;  // a second directive in the same server block is an error
  SetupAllFunction setup_all = nullptr;
  bool implemented() const { return setup != nullptr || setup_all != nullptr; }
};

// CoreDNS's plugin.cfg order (execution order), dnsd's implemented plugins marked by `setup`.
std::span<const Plugin> AllPlugins();
const Plugin* FindPlugin(std::string_view name);

}  // namespace dnsd::plugins
