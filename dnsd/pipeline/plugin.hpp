// The plugin API: what a plugin gives the server to be set up from its Corefile directives, and the
// registry (name -> setup) the daemon is built with. The server knows plugins only through these
// and the HandlerFactory hooks (handler.hpp); dnsd/plugins/registry.cpp fills the registry and the
// daemon's main hands it to the server.
#pragma once

#include <any>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "dnsd/pipeline/handler.hpp"

namespace dnsd::pipeline {

// What a plugin's setup sees besides its own directive.
struct SetupContext {
  std::vector<std::string> zones;  // the server block's zones, normalised ("example.org.")
  std::vector<std::string> plugins;  // every plugin of the block, in execution order
  std::vector<std::uint16_t> ports;    // the port of each of `zones` (same order)
  // The addresses the block listens on (`bind`), canonical ("127.0.0.2", "::1"); empty: every address.
  // `= {}`: aggregate initialisations that stop before it need not name it.
  std::vector<std::string> listen_hosts = {};
};

using SetupResult = config::Parsed<std::unique_ptr<HandlerFactory>>;
using SetupFunction = SetupResult (*)(const config::Directive& directive, const SetupContext& ctx);
// For plugins whose directives in one server block form a single instance (CoreDNS `rewrite`: all
// its lines are one rule list, evaluated in order): called once with every directive, in order.
using SetupAllFunction = SetupResult (*)(std::span<const config::Directive* const> directives,
                                         const SetupContext& ctx);
// For a plugin that decides where its server block listens (`bind`): the block's listen hosts from
// its directives, canonical ("127.0.0.2", "::1"), read before any plugin of the block is set up.
// `config_state` lives for one build of the whole config, so that host state is read once for all
// blocks (bind: the host's interfaces).
using ListenHostsFunction = config::Parsed<std::vector<std::string>> (*)(
    std::span<const config::Directive* const> directives, std::any& config_state);

struct Plugin {
  std::string_view name;
  SetupFunction setup;  // nullptr (and no setup_all): known to CoreDNS, not implemented by dnsd
  bool once_per_block;  // a second directive in the same server block is an error
  SetupAllFunction setup_all = nullptr;
  ListenHostsFunction listen_hosts = nullptr;
  bool implemented() const { return setup != nullptr || setup_all != nullptr; }
};

// Process-wide events of config reloads, for whoever reports them (the prometheus plugin's
// coredns_reload_* series). Either may be null.
struct ReloadSink {
  void (*running_version)(std::string_view sha512) = nullptr;  // a config with `reload` runs
  void (*failed)() = nullptr;                                   // a reload kept the old config
};

// The plugins a daemon is built with, in CoreDNS's fixed execution order (plugin.cfg).
struct PluginRegistry {
  std::span<const Plugin> plugins;
  ReloadSink reload_sink;

  const Plugin* Find(std::string_view name) const;
  // Position in execution order; plugins.size() for an unknown name.
  std::size_t Rank(std::string_view name) const;
};

}  // namespace dnsd::pipeline
