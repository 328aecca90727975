#include "dnsd/server/routes.hpp"

#include <algorithm>
#include <map>

#include "dnsd/plugins/registry.hpp"

namespace dnsd::server {
namespace {

using config::ErrorAt;

std::size_t PluginRank(std::string_view name) {
  auto all = plugins::AllPlugins();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].name == name) return i;
  }
  return all.size();
}

config::Parsed<std::shared_ptr<Chain>> BuildChain(const config::ServerBlock& block,
                                                  const plugins::SetupContext& ctx) {
  struct Entry {
    std::size_t rank;
    const plugins::Plugin* plugin;
    std::vector<const config::Directive*> directives;
  };
  std::vector<Entry> entries;
  for (const config::Directive& directive : block.directives) {
    const std::string& name = directive.name.text;
    const plugins::Plugin* plugin = plugins::FindPlugin(name);
    if (plugin == nullptr) {
      return {std::nullopt, ErrorAt(directive.name, "unknown plugin \"" + name + "\"")};
    }
    if (!plugin->implemented()) {
      return {std::nullopt,
              ErrorAt(directive.name, "plugin \"" + name + "\" is not supported by dnsd yet")};
    }
    auto same = std::find_if(entries.begin(), entries.end(),
                             [&](const Entry& e) { return e.plugin == plugin; });
    if (same != entries.end() && plugin->once_per_block) {
      return {std::nullopt,
              ErrorAt(directive.name, "plugin \"" + name + "\" given twice in one server block")};
    }
    if (same != entries.end() && plugin->setup_all) {
      same->directives.push_back(&directive);
    } else {
      entries.push_back({PluginRank(name), plugin, {&directive}});
    }
  }
  // CoreDNS runs plugins in plugin.cfg order, whatever order the Corefile lists them in.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.rank < b.rank; });
  plugins::SetupContext block_ctx = ctx;
  for (const Entry& entry : entries) block_ctx.plugins.emplace_back(entry.plugin->name);
  auto chain = std::make_shared<Chain>();
  for (const Entry& entry : entries) {
    // Only setup_all plugins gather several directives into one entry.
    plugins::SetupResult made = entry.plugin->setup_all
                                    ? entry.plugin->setup_all(entry.directives, block_ctx)
                                    : entry.plugin->setup(*entry.directives.front(), block_ctx);
    if (!made.ok()) return {std::nullopt, made.error};
    chain->plugin_names.emplace_back(entry.plugin->name);
    chain->factories.push_back(std::move(*made.value));
  }
  return {std::move(chain), {}};
}

}  // namespace

config::Parsed<Routes> BuildRoutes(const config::Corefile& corefile, std::uint16_t default_port) {
  Routes routes;
  std::map<std::uint16_t, PortRoutes> by_port;
  for (const config::ServerBlock& block : corefile.blocks) {
    std::vector<config::ServerAddress> addresses;
    plugins::SetupContext ctx;
    for (const config::Token& key : block.keys) {
      config::Parsed<config::ServerAddress> address = config::ParseServerAddress(key, default_port);
      if (!address.ok()) return {std::nullopt, address.error};
      ctx.zones.push_back(address.value->zone);
      ctx.ports.push_back(address.value->port);
      addresses.push_back(std::move(*address.value));
    }
    config::Parsed<std::shared_ptr<Chain>> chain = BuildChain(block, ctx);
    if (!chain.ok()) return {std::nullopt, chain.error};
    routes.chains.push_back(*chain.value);
    for (const auto& factory : (*chain.value)->factories) {
      if (auto* reload = dynamic_cast<const plugins::reload::ReloadFactory*>(factory.get())) {
        routes.reload = reload->options();
      }
    }
    for (const config::ServerAddress& address : addresses) {
      PortRoutes& port = by_port[address.port];
      port.port = address.port;
      ZoneRoute route;
      if (wire::Name::FromString(address.zone, route.zone) != wire::WireError::kOk) {
        return {std::nullopt, ErrorAt(address.token, "\"" + address.token.text +
                                                         "\" is not a valid zone name")};
      }
      for (const ZoneRoute& existing : port.zones) {
        if (existing.zone == route.zone) {
          return {std::nullopt,
                  ErrorAt(address.token, "zone \"" + address.zone + "\" on port " +
                                             std::to_string(address.port) + " is already defined")};
        }
      }
      route.zone_text = address.zone;
      route.chain = *chain.value;
      port.zones.push_back(std::move(route));
    }
  }
  for (auto& [port, port_routes] : by_port) {
    std::stable_sort(port_routes.zones.begin(), port_routes.zones.end(),
                     [](const ZoneRoute& a, const ZoneRoute& b) {
                       return a.zone.WireLength() > b.zone.WireLength();
                     });
    routes.ports.push_back(std::move(port_routes));
  }
  return {std::move(routes), {}};
}

}  // namespace dnsd::server
