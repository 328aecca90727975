// The compiled configuration: for every port, the zones served there and the plugin chain of each.
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
#include "dnsd/plugins/reload/setup.hpp"
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

struct PortRoutes {
  std::uint16_t port = 0;
  std::vector<ZoneRoute> zones;  // longest zone first, so the first match is the longest match
};

struct Routes {
  std::vector<PortRoutes> ports;
  std::vector<std::shared_ptr<Chain>> chains;  // every distinct chain, for Start()/Stop()
  // Set when a server block has `reload` (the last one wins, as in CoreDNS): watch the Corefile.
  std::optional<plugins::reload::ReloadOptions> reload;
};

// Where the `kubernetes` refusal points users: how dnsd serves cluster names beside CoreDNS.
inline constexpr std::string_view kKubernetesDocs = "docs/compatibility.md#kubernetes";

// Builds routes from a parsed Corefile; plugin setup errors come back positioned (the first one).
config::Parsed<Routes> BuildRoutes(const config::Corefile& corefile, std::uint16_t default_port);
// The same, going on after an error: every error of every block is appended to `errors`, in
// Corefile order (`dnsd -check`). Routes only when there was none.
std::optional<Routes> BuildRoutes(const config::Corefile& corefile, std::uint16_t default_port,
                                  std::vector<config::ConfigError>& errors);

}  // namespace dnsd::server
