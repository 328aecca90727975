// bind plugin: `bind ADDRESS|IFACE ... [{ except ADDRESS|IFACE ... }]` (CoreDNS 1.11). The lines of
// a server block add up; an interface name stands for every address of that interface at (re)load
// time; `except` removes addresses from its own line. The server reads the block's listen hosts
// (BlockListenHosts, the registry's listen_hosts hook) before it builds the block's chain and
// serves the block's zones only on those addresses.
#pragma once

#include <any>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::bind {

// A network interface and its addresses, as getifaddrs(3) lists them (IPv6 link-local ones carry
// the interface as zone, "fe80::1%eth0", as CoreDNS writes them).
struct Interface {
  std::string name;
  std::vector<std::string> addresses;
};
std::vector<Interface> HostInterfaces();

// The listen hosts of a server block's `bind` directives, in order, as canonical address text
// ("127.0.0.2", "::1"). Errors point and start with "bind: ". `interfaces` is what names resolve
// against (HostInterfaces() in the daemon).
config::Parsed<std::vector<std::string>> ListenHosts(std::span<const config::Directive* const> directives,
                                                     std::span<const Interface> interfaces);

// ListenHosts against the host's interfaces, read once per config build (kept in `config_state`):
// CoreDNS resolves interface names at start-up and at every reload.
config::Parsed<std::vector<std::string>> BlockListenHosts(std::span<const config::Directive* const> directives,
                                                          std::any& config_state);

// Takes no part in serving queries: the routes already hold the listen hosts.
class BindFactory : public pipeline::HandlerFactory {
 public:
  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext&) override { return nullptr; }
};

pipeline::SetupResult SetupAll(std::span<const config::Directive* const> directives, const pipeline::SetupContext& ctx);

}  // namespace dnsd::plugins::bind
