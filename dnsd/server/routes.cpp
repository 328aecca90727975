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

// What an unimplemented plugin's directive gets: `kubernetes` says how dnsd works beside CoreDNS.
std::string NotSupported(std::string_view name) {
  if (name == "kubernetes") {
    return "plugin \"kubernetes\" is not supported by dnsd: dnsd forwards cluster names to CoreDNS "
           "(`forward cluster.local <CoreDNS address>`), see " + std::string(kKubernetesDocs);
  }
  return "plugin \"" + std::string(name) + "\" is not supported by dnsd yet";
}

// Sets up one server block's plugins. Every error is appended to `errors` (a broken directive does
// not hide the ones after it); the chain is returned only when there was none.
std::shared_ptr<Chain> BuildChain(const config::ServerBlock& block, const plugins::SetupContext& ctx,
                                  std::vector<config::ConfigError>& errors) {
  const std::size_t errors_before = errors.size();
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
      errors.push_back(ErrorAt(directive.name, "unknown plugin \"" + name + "\""));
      continue;
    }
    if (!plugin->implemented()) {
      errors.push_back(ErrorAt(directive.name, NotSupported(name)));
      continue;
    }
    auto same = std::find_if(entries.begin(), entries.end(),
                             [&](const Entry& e) { return e.plugin == plugin; });
    if (same != entries.end() && plugin->once_per_block) {
      errors.push_back(ErrorAt(directive.name, "plugin \"" + name + "\" given twice in one server block"));
      continue;
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
    if (!made.ok()) {
      errors.push_back(made.error);
      continue;
    }
    chain->plugin_names.emplace_back(entry.plugin->name);
    chain->factories.push_back(std::move(*made.value));
  }
  if (errors.size() != errors_before) return nullptr;
  return chain;
}

}  // namespace

config::Parsed<Routes> BuildRoutes(const config::Corefile& corefile, std::uint16_t default_port) {
  std::vector<config::ConfigError> errors;
  std::optional<Routes> routes = BuildRoutes(corefile, default_port, errors);
  if (!routes) return {std::nullopt, errors.front()};
  return {std::move(routes), {}};
}

std::optional<Routes> BuildRoutes(const config::Corefile& corefile, std::uint16_t default_port,
                                  std::vector<config::ConfigError>& errors) {
  Routes routes;
  std::map<std::uint16_t, PortRoutes> by_port;
  for (const config::ServerBlock& block : corefile.blocks) {
    std::vector<config::ServerAddress> addresses;
    plugins::SetupContext ctx;
    for (const config::Token& key : block.keys) {
      config::Parsed<config::ServerAddress> address = config::ParseServerAddress(key, default_port);
      if (!address.ok()) {
        errors.push_back(address.error);
        continue;
      }
      ctx.zones.push_back(address.value->zone);
      ctx.ports.push_back(address.value->port);
      addresses.push_back(std::move(*address.value));
    }
    // A block whose chain failed still claims its zones, so that a duplicate zone is reported too.
    std::shared_ptr<Chain> chain = BuildChain(block, ctx, errors);
    if (chain) {
      routes.chains.push_back(chain);
      for (const auto& factory : chain->factories) {
        if (auto* reload = dynamic_cast<const plugins::reload::ReloadFactory*>(factory.get())) {
          routes.reload = reload->options();
        }
      }
    }
    for (const config::ServerAddress& address : addresses) {
      PortRoutes& port = by_port[address.port];
      port.port = address.port;
      ZoneRoute route;
      if (wire::Name::FromString(address.zone, route.zone) != wire::WireError::kOk) {
        errors.push_back(ErrorAt(address.token, "\"" + address.token.text + "\" is not a valid zone name"));
        continue;
      }
      for (const ZoneRoute& existing : port.zones) {
        if (existing.zone == route.zone) {
          errors.push_back(ErrorAt(address.token, "zone \"" + address.zone + "\" on port " +
                                                      std::to_string(address.port) + " is already defined"));
        }
      }
      route.zone_text = address.zone;
      route.chain = chain;
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
  if (!errors.empty()) return std::nullopt;
  return routes;
}

}  // namespace dnsd::server
