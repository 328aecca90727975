// The running daemon: workers built from one compiled config, started, and stopped on a signal.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dnsd/server/routes.hpp"
#include "dnsd/server/worker.hpp"

namespace dnsd::server {

class ConfigReloader;

class Server {
 public:
  Server(std::shared_ptr<const Routes> routes, unsigned workers, ListenLimits limits = {});
  ~Server();

  // Opens every worker's sockets and starts the plugins' shared work (health checks, the health and
  // ready listeners); on failure returns the reason and nothing keeps running.
  std::string Start();
  // Blocks until SIGTERM or SIGINT, then stops gracefully. With a `reloader`, SIGUSR1 and SIGHUP
  // reload the config, and so does a change of the Corefile when it has the `reload` plugin.
  void RunUntilSignal(ConfigReloader* reloader = nullptr);
  void Stop();

  // Swaps a new config into the running workers without dropping queries: starts the new
  // factories, has every worker build its handlers and switch to them, then stops the old
  // factories. Call from one thread at a time, while running. Returns what failed (a new listen
  // address that cannot be opened, a probe listener that cannot bind); when it is found up front
  // nothing is changed.
  std::string Reload(std::shared_ptr<const Routes> routes);
  const std::shared_ptr<const Routes>& routes() const { return routes_; }

 private:
  std::shared_ptr<const Routes> routes_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  bool started_factories_ = false;
};

// Blocks SIGTERM, SIGINT, SIGUSR1 and SIGHUP in the calling thread. Call first thing in main: every
// thread started later inherits the mask, and a signal that arrives before RunUntilSignal listens
// stays pending instead of killing the process (or being lost); RunUntilSignal unblocks them in
// its own thread once it handles them.
void BlockStopAndReloadSignals();

// Raises the soft RLIMIT_NOFILE to the hard limit, as Go's runtime does for CoreDNS (Go 1.19 on),
// so that a soft limit of 1024 (systemd's default, login shells) does not cap TCP clients and
// upstream sockets where CoreDNS would have had the hard limit.
void RaiseDescriptorLimit();

// Worker count: GOMAXPROCS when set (what limits CoreDNS's parallelism), else one per core.
unsigned DefaultWorkerCount();

}  // namespace dnsd::server
