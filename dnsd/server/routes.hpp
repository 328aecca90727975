// The compiled configuration: for every listen address (host and port), the zones served there and
// the plugin chain of each.
// Built once from a Corefile, immutable afterwards; workers build their own handlers from it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "dnsd/pipeline/handler.hpp"
#include "dnsd/pipeline/plugin.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::server {

// One server block's plugins, in CoreDNS execution order. Shared by every key of the block.
struct Chain {
  std::vector<std::string> plugin_names;
  std::vector<std::shared_ptr<pipeline::HandlerFactory>> factories;
};

struct ZoneRoute {
  wire::Name zone;
  std::string zone_text;  // "example.org."
  std::shared_ptr<Chain> chain;
};

// What one listen address serves. Server blocks with `bind` listen on their hosts only; the others on
// every address (IPv4 and IPv6). On Linux a query to a bound address reaches the bound socket, so
// a block without `bind` is not asked for what arrives there (as with CoreDNS).
struct ListenRoutes {
  std::string host;  // "": every address; else a canonical IP address ("127.0.0.2", "::1")
  std::uint16_t port = 0;
  std::vector<ZoneRoute> zones;  // longest zone first, so the first match is the longest match
  bool SameAddress(const ListenRoutes& other) const { return host == other.host && port == other.port; }
  // "127.0.0.2:53", "[::1]:53", ":53"
  std::string AddressText() const;
};

struct Routes {
  std::vector<ListenRoutes> listeners;  // by port, then host ("" first)
  std::vector<std::shared_ptr<Chain>> chains;  // every distinct chain, for Start()/Stop()
  // Set when a server block has `reload` (the last one wins, as in CoreDNS): the factory whose
  // NextCorefileCheck says when to look at the Corefile again.
  std::shared_ptr<const pipeline::HandlerFactory> reload;
};

// What dnsd prints at start-up, as CoreDNS does: per listener its zones, sorted, one a line —
// "example.org.:53", or "example.org.:53 on 127.0.0.2" for a bound address.
std::string StartUpZones(const Routes& routes);

// Where the `kubernetes` refusal points users: how dnsd serves cluster names beside CoreDNS.
inline constexpr std::string_view kKubernetesDocs = "docs/compatibility.md#kubernetes";

// Builds routes from a parsed Corefile with the plugins of `registry`; plugin setup errors come back
// positioned (the first one).
config::Parsed<Routes> BuildRoutes(const config::Corefile& corefile, std::uint16_t default_port,
                                   const pipeline::PluginRegistry& registry);
// The same, going on after an error: every error of every block is appended to `errors`, in
// Corefile order (`dnsd -check`). Routes only when there was none.
std::optional<Routes> BuildRoutes(const config::Corefile& corefile, std::uint16_t default_port,
                                  const pipeline::PluginRegistry& registry,
                                  std::vector<config::ConfigError>& errors);

}  // namespace dnsd::server
