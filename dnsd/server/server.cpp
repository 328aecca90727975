#include "dnsd/server/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <thread>

#include "dnsd/plugins/health/lameduck.hpp"
#include "dnsd/plugins/ready/factory.hpp"

namespace dnsd::server {

unsigned DefaultWorkerCount() {
  if (const char* value = std::getenv("GOMAXPROCS")) {
    int n = std::atoi(value);
    if (n > 0 && n <= 1024) return static_cast<unsigned>(n);
  }
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

Server::Server(std::shared_ptr<const Routes> routes, unsigned workers, ListenLimits limits)
    : routes_(std::move(routes)) {
  for (unsigned i = 0; i < workers; ++i) workers_.push_back(std::make_unique<Worker>(i, routes_, limits));
}

Server::~Server() { Stop(); }

namespace {

// SO_REUSEPORT would let dnsd silently share a port with another process of the same user (a second
// dnsd, a knot, a test peer) and receive half of its traffic. A plain bind first (no SO_REUSEPORT)
// fails with EADDRINUSE in that case, so the conflict is reported instead of hidden.
std::string CheckPortsFree(const Routes& routes) {
  for (const PortRoutes& port : routes.ports) {
    for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
      int fd = ::socket(AF_INET, type, 0);
      if (fd < 0) continue;
      // TCP: SO_REUSEADDR so connections of a previous run in TIME_WAIT do not count as a conflict
      // (a listener of another process still does).
      const int on = 1;
      if (type == SOCK_STREAM) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(port.port);
      address.sin_addr.s_addr = htonl(INADDR_ANY);
      const int result = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
      const int error = errno;
      ::close(fd);
      if (result != 0 && error == EADDRINUSE) {
        return std::string(type == SOCK_DGRAM ? "udp" : "tcp") + " port " + std::to_string(port.port) +
               ": address already in use";
      }
    }
  }
  return {};
}

}  // namespace

std::string Server::Start() {
  if (std::string error = CheckPortsFree(*routes_); !error.empty()) return error;
  for (auto& worker : workers_) {
    std::string error = worker->Listen();
    if (!error.empty()) return error;
  }
  // Shared background work (health checks) runs on the first worker's loop. `ready` first learns
  // which plugins of its server block it waits for.
  for (const auto& chain : routes_->chains) {
    plugins::ready::WatchChain(chain->plugin_names, chain->factories);
    for (const auto& factory : chain->factories) factory->Start(workers_.front()->io());
  }
  started_factories_ = true;
  for (auto& worker : workers_) {
    threads_.emplace_back([w = worker.get()] { w->Run(); });
  }
  return {};
}

void Server::RunUntilSignal() {
  boost::asio::io_context signals_io;
  boost::asio::signal_set signals(signals_io, SIGTERM, SIGINT);
  signals.async_wait([](const boost::system::error_code&, int) {});
  signals_io.run();
  // Lameduck (`health { lameduck D }`): /health and /ready say 503 while DNS is still answered
  // for D, so load balancers drain this instance before it stops.
  auto lameduck = plugins::health::lameduck::Begin();
  if (lameduck.count() > 0) std::this_thread::sleep_for(lameduck);
  Stop();
}

void Server::Stop() {
  if (started_factories_) {
    // Factories' background work lives on the first worker's loop: stop it from there.
    boost::asio::post(workers_.front()->io(), [routes = routes_] {
      for (const auto& chain : routes->chains) {
        for (const auto& factory : chain->factories) factory->Stop();
      }
    });
    started_factories_ = false;
  }
  for (auto& worker : workers_) worker->Shutdown();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace dnsd::server
