#include "dnsd/server/server.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <pthread.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>

#include <algorithm>
#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <future>
#include <thread>
#include <utility>

#include "dnsd/log/log.hpp"
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

// The socket address a plain bind of `listener` tries: the host, or the IPv4 wildcard.
socklen_t CheckAddress(const ListenRoutes& listener, sockaddr_storage& out) {
  out = {};
  if (!listener.host.empty() && listener.host.find(':') != std::string::npos) {
    auto& v6 = reinterpret_cast<sockaddr_in6&>(out);
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(listener.port);
    std::string host = listener.host;
    if (std::size_t zone = host.find('%'); zone != std::string::npos) {
      v6.sin6_scope_id = ::if_nametoindex(host.c_str() + zone + 1);
      host.resize(zone);
    }
    ::inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr);
    return sizeof v6;
  }
  auto& v4 = reinterpret_cast<sockaddr_in&>(out);
  v4.sin_family = AF_INET;
  v4.sin_port = htons(listener.port);
  v4.sin_addr.s_addr = htonl(INADDR_ANY);
  if (!listener.host.empty()) ::inet_pton(AF_INET, listener.host.c_str(), &v4.sin_addr);
  return sizeof v4;
}

// SO_REUSEPORT would let dnsd silently share a port with another process of the same user (a second
// dnsd, a knot, a test peer) and receive half of its traffic. A plain bind first (no SO_REUSEPORT)
// fails with EADDRINUSE in that case, so the conflict is reported instead of hidden; a bound host
// that is not an address of this host fails with EADDRNOTAVAIL. `ours` says which listeners may
// collide with dnsd's own sockets (on reload: a port dnsd already serves on another host), where
// EADDRINUSE proves nothing.
std::string CheckAddressesFree(const std::vector<ListenRoutes>& listeners,
                               const std::function<bool(const ListenRoutes&)>& ours = nullptr) {
  for (const ListenRoutes& listener : listeners) {
    sockaddr_storage address;
    const socklen_t length = CheckAddress(listener, address);
    for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
      int fd = ::socket(address.ss_family, type, 0);
      if (fd < 0) continue;
      // TCP: SO_REUSEADDR so connections of a previous run in TIME_WAIT do not count as a conflict
      // (a listener of another process still does).
      const int on = 1;
      if (type == SOCK_STREAM) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
      if (address.ss_family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
      const int result = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), length);
      const int error = errno;
      ::close(fd);
      if (result == 0) continue;
      const std::string where = std::string(type == SOCK_DGRAM ? "udp " : "tcp ") +
                                (listener.host.empty() ? "port " + std::to_string(listener.port)
                                                       : listener.AddressText());
      if (error == EADDRINUSE && !(ours && ours(listener))) return where + ": address already in use";
      if (error == EADDRNOTAVAIL) {
        return where + ": cannot assign requested address (" + listener.host + " is not an address of this host)";
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

// Starts every factory of `routes`; when one cannot (a probe listener that cannot bind), stops
// those started and returns why.
std::string StartFactories(const Routes& routes, boost::asio::io_context& io) {
  std::vector<pipeline::HandlerFactory*> started;
  for (const auto& chain : routes.chains) {
    for (const auto& factory : chain->factories) {
      factory->OnChainBuilt(chain->plugin_names, chain->factories);
    }
    for (const auto& factory : chain->factories) {
      factory->Start(io);
      started.push_back(factory.get());
      if (std::string error = factory->StartError(); !error.empty()) {
        for (auto it = started.rbegin(); it != started.rend(); ++it) (*it)->Stop();
        return error;
      }
    }
  }
  return {};
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
  if (std::string error = CheckAddressesFree(routes_->listeners); !error.empty()) return "listen: " + error;
  for (auto& worker : workers_) {
    std::string error = worker->Listen();
    if (!error.empty()) return "listen: " + error;
  }
  // Shared background work (health checks) runs on the first worker's loop. `ready` first learns
  // which plugins of its server block it waits for. A probe listener that cannot bind fails
  // start-up, as in CoreDNS: serving on without it would have a liveness probe restart us forever.
  if (std::string error = StartFactories(*routes_, workers_.front()->io()); !error.empty()) return error;
  started_factories_ = true;
  for (auto& worker : workers_) {
    threads_.emplace_back([w = worker.get()] { w->Run(); });
  }
  AnnounceServing(*routes_);
  return {};
}

std::string Server::Reload(std::shared_ptr<const Routes> next) {
  // Listen addresses the running config does not serve must be free before anything changes. One
  // on a port dnsd already serves on another host (a new bind address beside the wildcard, or the
  // other way round) collides with dnsd's own sockets, so only its address is checked there.
  std::vector<ListenRoutes> added;
  for (const ListenRoutes& listener : next->listeners) {
    auto same = std::find_if(routes_->listeners.begin(), routes_->listeners.end(),
                             [&](const ListenRoutes& old) { return old.SameAddress(listener); });
    if (same == routes_->listeners.end()) added.push_back({listener.host, listener.port, {}});
  }
  auto shares_our_port = [&](const ListenRoutes& listener) {
    return std::any_of(routes_->listeners.begin(), routes_->listeners.end(), [&](const ListenRoutes& old) {
      return old.port == listener.port && (old.host.empty() || listener.host.empty());
    });
  };
  if (std::string error = CheckAddressesFree(added, shares_our_port); !error.empty()) return "listen: " + error;

  // A probe listener of the new config that cannot bind fails the reload: the old config serves on.
  boost::asio::io_context& shared_io = workers_.front()->io();
  if (std::string error = RunOn(shared_io, [&] { return StartFactories(*next, shared_io); }); !error.empty()) {
    return error;
  }
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
  // The new config is in; a new address that would not open (taken between the check and the bind)
  // is logged, the rest of the config serves.
  if (!errors.empty()) dnsd::log::Error("listen: " + errors);
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
  std::chrono::nanoseconds lameduck{0};
  for (const auto& chain : routes_->chains) {
    for (const auto& factory : chain->factories) lameduck = std::max(lameduck, factory->OnShutdown());
  }
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
