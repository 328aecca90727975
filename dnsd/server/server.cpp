#include "dnsd/server/server.hpp"

#include <arpa/inet.h>
#include <pthread.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>

#include <algorithm>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <future>
#include <thread>
#include <utility>

#include "dnsd/plugins/health/lameduck.hpp"
#include "dnsd/plugins/ready/factory.hpp"
#include "dnsd/server/log.hpp"
#include "dnsd/server/reloader.hpp"

namespace dnsd::server {

namespace {

sigset_t StopAndReloadSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : {SIGTERM, SIGINT, SIGUSR1, SIGHUP}) sigaddset(&set, signal);
  return set;
}

}  // namespace

void BlockStopAndReloadSignals() {
  const sigset_t set = StopAndReloadSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void RaiseDescriptorLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);  // may only fail if the hard limit moved meanwhile: keep the soft one
}

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

// Runs `work` on `io`'s thread and waits for it.
template <typename Work>
auto RunOn(boost::asio::io_context& io, Work work) -> decltype(work()) {
  std::packaged_task<decltype(work())()> task(std::move(work));
  auto result = task.get_future();
  boost::asio::post(io, [&task] { task(); });
  return result.get();
}

void StartFactories(const Routes& routes, boost::asio::io_context& io) {
  for (const auto& chain : routes.chains) {
    plugins::ready::WatchChain(chain->plugin_names, chain->factories);
    for (const auto& factory : chain->factories) factory->Start(io);
  }
}

// For work that must see the config's handlers serving (loop's probe of the server itself).
void AnnounceServing(const Routes& routes) {
  for (const auto& chain : routes.chains) {
    for (const auto& factory : chain->factories) factory->Serving();
  }
}

void StopFactories(const Routes& routes) {
  for (const auto& chain : routes.chains) {
    for (const auto& factory : chain->factories) factory->Stop();
  }
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
  StartFactories(*routes_, workers_.front()->io());
  started_factories_ = true;
  for (auto& worker : workers_) {
    threads_.emplace_back([w = worker.get()] { w->Run(); });
  }
  AnnounceServing(*routes_);
  return {};
}

std::string Server::Reload(std::shared_ptr<const Routes> next) {
  // Ports the running config does not serve must be free before anything changes.
  Routes added;
  for (const PortRoutes& port : next->ports) {
    auto same = std::find_if(routes_->ports.begin(), routes_->ports.end(),
                             [&](const PortRoutes& old) { return old.port == port.port; });
    if (same == routes_->ports.end()) added.ports.push_back({port.port, {}});
  }
  if (std::string error = CheckPortsFree(added); !error.empty()) return error;

  boost::asio::io_context& shared_io = workers_.front()->io();
  RunOn(shared_io, [&] { StartFactories(*next, shared_io); });
  // Every worker switches on its own thread; each finishes the queries it holds with the old chains.
  std::vector<std::future<std::string>> swapped;
  for (auto& worker : workers_) {
    auto task = std::make_shared<std::packaged_task<std::string()>>(
        [w = worker.get(), next] { return w->SwapRoutes(next); });
    swapped.push_back(task->get_future());
    boost::asio::post(worker->io(), [task] { (*task)(); });
  }
  std::string errors;
  for (auto& result : swapped) {
    std::string error = result.get();
    if (!error.empty() && errors.empty()) errors = error;  // every worker reports the same ports
  }
  // The new config is in; a new port that would not open (taken between the check and the bind)
  // is logged, the rest of the config serves.
  if (!errors.empty()) Log(LogLevel::kError, "listen: " + errors);
  AnnounceServing(*next);
  std::shared_ptr<const Routes> old = std::exchange(routes_, std::move(next));
  RunOn(shared_io, [&] { StopFactories(*old); });
  return {};
}

void Server::RunUntilSignal(ConfigReloader* reloader) {
  boost::asio::io_context signals_io;
  boost::asio::signal_set signals(signals_io, SIGTERM, SIGINT);
  if (reloader) {
    reloader->Run(signals_io, *this);
  }
  signals.async_wait([&signals_io](const boost::system::error_code& ec, int) {
    if (!ec) signals_io.stop();
  });
  // Handlers are in place: let the signals (and any that came early, pending) in, to this thread.
  const sigset_t set = StopAndReloadSignals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  signals_io.run();
  // The reloader's signal set and timer live on signals_io: gone before it is destroyed below.
  if (reloader) reloader->Stop();
  // Lameduck (`health { lameduck D }`): /health and /ready say 503 while DNS is still answered
  // for D, so load balancers drain this instance before it stops.
  auto lameduck = plugins::health::lameduck::Begin();
  if (lameduck.count() > 0) std::this_thread::sleep_for(lameduck);
  Stop();
}

void Server::Stop() {
  if (started_factories_) {
    // Factories' background work lives on the first worker's loop: stop it from there.
    boost::asio::post(workers_.front()->io(), [routes = routes_] { StopFactories(*routes); });
    started_factories_ = false;
  }
  for (auto& worker : workers_) worker->Shutdown();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace dnsd::server
