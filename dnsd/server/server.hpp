// The running daemon: workers built from one compiled config, started, and stopped on a signal.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dnsd/server/routes.hpp"
#include "dnsd/server/worker.hpp"

namespace dnsd::server {

class Server {
 public:
  Server(std::shared_ptr<const Routes> routes, unsigned workers, ListenLimits limits = {});
  ~Server();

  // Opens every worker's sockets; on failure returns the reason and nothing keeps running.
  std::string Start();
  // Blocks until SIGTERM or SIGINT, then stops gracefully.
  void RunUntilSignal();
  void Stop();

 private:
  std::shared_ptr<const Routes> routes_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  bool started_factories_ = false;
};

// Worker count: GOMAXPROCS when set (what limits CoreDNS's parallelism), else one per core.
unsigned DefaultWorkerCount();

}  // namespace dnsd::server
