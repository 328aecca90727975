#include "dnsd/server/routes.hpp"

#include <algorithm>
#include <any>
#include <map>
#include <optional>
#include <utility>

namespace dnsd::server {
namespace {

using config::ErrorAt;

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
std::shared_ptr<Chain> BuildChain(const config::ServerBlock& block, const pipeline::PluginRegistry& registry,
                                  const pipeline::SetupContext& ctx, std::vector<config::ConfigError>& errors) {
  const std::size_t errors_before = errors.size();
  struct Entry {
    std::size_t rank;
    const pipeline::Plugin* plugin;
    std::vector<const config::Directive*> directives;
  };
  std::vector<Entry> entries;
  for (const config::Directive& directive : block.directives) {
    const std::string& name = directive.name.text;
    const pipeline::Plugin* plugin = registry.Find(name);
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
      entries.push_back({registry.Rank(name), plugin, {&directive}});
    }
  }
  // CoreDNS runs plugins in plugin.cfg order, whatever order the Corefile lists them in.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.rank < b.rank; });
  pipeline::SetupContext block_ctx = ctx;
  for (const Entry& entry : entries) block_ctx.plugins.emplace_back(entry.plugin->name);
  auto chain = std::make_shared<Chain>();
  for (const Entry& entry : entries) {
    // Only setup_all plugins gather several directives into one entry.
    pipeline::SetupResult made = entry.plugin->setup_all
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

// Where the block listens, from the plugins that decide it (`bind`), each asked only when the block
// has its directives. `config_states`: one per plugin of the registry, kept for the whole config.
config::Parsed<std::vector<std::string>> BlockListenHosts(const config::ServerBlock& block,
                                                          const pipeline::PluginRegistry& registry,
                                                          std::vector<std::any>& config_states) {
  std::vector<std::string> hosts;
  for (std::size_t rank = 0; rank < registry.plugins.size(); ++rank) {
    const pipeline::Plugin& plugin = registry.plugins[rank];
    if (plugin.listen_hosts == nullptr) continue;
    std::vector<const config::Directive*> directives;
    for (const config::Directive& directive : block.directives) {
      if (directive.name.text == plugin.name) directives.push_back(&directive);
    }
    if (directives.empty()) continue;
    config::Parsed<std::vector<std::string>> more = plugin.listen_hosts(directives, config_states[rank]);
    if (!more.ok()) return more;
    hosts.insert(hosts.end(), more.value->begin(), more.value->end());
  }
  return {std::move(hosts), {}};
}

// CoreDNS's rules for one zone on one port: a listen address serves a zone once, and a zone is
// either served on bound addresses only or on every address (an unbound listener would contend
// with the bound ones for the same queries).
std::optional<config::ConfigError> CheckZoneAddress(const config::ServerAddress& address,
                                                    const std::string& host,
                                                    const std::vector<std::string>& served_on) {
  const std::string zone = "zone \"" + address.zone + "\"";
  const std::string port = "port " + std::to_string(address.port);
  if (std::find(served_on.begin(), served_on.end(), host) != served_on.end()) {
    return ErrorAt(address.token, zone + " on " + (host.empty() ? "" : host + " ") + port +
                                      " is already defined");
  }
  if (host.empty() && !served_on.empty()) {
    return ErrorAt(address.token, zone + " on " + port + " is already served on " + served_on.front() +
                                      " by a block with bind (give both blocks bind, as CoreDNS requires)");
  }
  if (!host.empty() && std::find(served_on.begin(), served_on.end(), "") != served_on.end()) {
    return ErrorAt(address.token, zone + " on " + port +
                                      " is already served on every address by a block without bind "
                                      "(give both blocks bind, as CoreDNS requires)");
  }
  return std::nullopt;
}

}  // namespace

std::string ListenRoutes::AddressText() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string StartUpZones(const Routes& routes) {
  std::string text;
  for (const ListenRoutes& listener : routes.listeners) {
    std::vector<std::string> zones;
    for (const ZoneRoute& zone : listener.zones) zones.push_back(zone.zone_text);
    std::sort(zones.begin(), zones.end());
    const std::string on = listener.host.empty() ? "" : " on " + listener.host;
    for (const std::string& zone : zones) text += zone + ":" + std::to_string(listener.port) + on + "\n";
  }
  return text;
}

config::Parsed<Routes> BuildRoutes(const config::Corefile& corefile, std::uint16_t default_port,
                                   const pipeline::PluginRegistry& registry) {
  std::vector<config::ConfigError> errors;
  std::optional<Routes> routes = BuildRoutes(corefile, default_port, registry, errors);
  if (!routes) return {std::nullopt, errors.front()};
  return {std::move(routes), {}};
}

std::optional<Routes> BuildRoutes(const config::Corefile& corefile, std::uint16_t default_port,
                                  const pipeline::PluginRegistry& registry,
                                  std::vector<config::ConfigError>& errors) {
  Routes routes;
  std::map<std::pair<std::uint16_t, std::string>, ListenRoutes> by_address;
  std::map<std::pair<std::string, std::uint16_t>, std::vector<std::string>> zone_hosts;
  std::vector<std::any> config_states(registry.plugins.size());
  for (const config::ServerBlock& block : corefile.blocks) {
    std::vector<config::ServerAddress> addresses;
    pipeline::SetupContext ctx;
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
    config::Parsed<std::vector<std::string>> hosts = BlockListenHosts(block, registry, config_states);
    if (hosts.ok()) ctx.listen_hosts = *hosts.value;
    else errors.push_back(hosts.error);
    // A block whose chain failed still claims its zones, so that a duplicate zone is reported too.
    std::shared_ptr<Chain> chain = BuildChain(block, registry, ctx, errors);
    if (chain) {
      routes.chains.push_back(chain);
      for (const auto& factory : chain->factories) {
        if (factory->NextCorefileCheck()) routes.reload = factory;
      }
    }
    const std::vector<std::string> listen_on =
        ctx.listen_hosts.empty() ? std::vector<std::string>{""} : ctx.listen_hosts;
    for (const config::ServerAddress& address : addresses) {
      ZoneRoute route;
      if (wire::Name::FromString(address.zone, route.zone) != wire::WireError::kOk) {
        errors.push_back(ErrorAt(address.token, "\"" + address.token.text + "\" is not a valid zone name"));
        continue;
      }
      route.zone_text = address.zone;
      route.chain = chain;
      for (const std::string& host : listen_on) {
        std::vector<std::string>& served_on = zone_hosts[{address.zone, address.port}];
        if (auto error = CheckZoneAddress(address, host, served_on)) {
          errors.push_back(*error);
          break;
        }
        served_on.push_back(host);
        ListenRoutes& listener = by_address[{address.port, host}];
        listener.host = host;
        listener.port = address.port;
        listener.zones.push_back(route);
      }
    }
  }
  for (auto& [key, listener] : by_address) {
    std::stable_sort(listener.zones.begin(), listener.zones.end(),
                     [](const ZoneRoute& a, const ZoneRoute& b) {
                       return a.zone.WireLength() > b.zone.WireLength();
                     });
    routes.listeners.push_back(std::move(listener));
  }
  if (!errors.empty()) return std::nullopt;
  return routes;
}

}  // namespace dnsd::server
