// One worker thread: its io_context, its own sockets on every configured port (SO_REUSEPORT), and
// its own instance of every plugin chain. Workers share nothing but the compiled Routes.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/server/routes.hpp"

namespace dnsd::server {

class UdpListener;
class TcpListener;

struct ListenLimits {
  std::size_t tcp_connections_per_worker = 4096;
  std::chrono::milliseconds tcp_first_read_timeout{2000};  // miekg/dns readTimeout
  std::chrono::milliseconds tcp_idle_timeout{8000};        // miekg/dns tcpIdleTimeout
  std::size_t tcp_pipelined_per_connection = 128;
  std::chrono::milliseconds drain_grace{2000};             // how long Shutdown waits for answers
};

class Worker {
 public:
  Worker(unsigned index, std::shared_ptr<const Routes> routes, ListenLimits limits);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Opens this worker's UDP and TCP sockets on every port, IPv4 and IPv6 (IPv6 is skipped with a
  // warning where the host has none). Returns an empty string or what failed.
  std::string Listen();
  void Run();
  // Thread-safe: stops listening, lets in-flight queries finish (bounded), then stops the loop.
  void Shutdown();

  boost::asio::io_context& io() { return io_; }
  const ListenLimits& limits() const { return limits_; }

  // Hands a served query to the chain of the longest zone on `port_index` that contains it, or
  // answers REFUSED when no zone does (CoreDNS does the same).
  void Dispatch(std::size_t port_index, pipeline::Transaction& tx);

  // In-flight accounting for graceful shutdown; single-threaded, no atomics needed.
  void QueryStarted() { ++in_flight_; }
  void QueryFinished() { --in_flight_; }

 private:
  struct ZoneHandler {
    const ZoneRoute* route;
    pipeline::Handler* first;  // nullptr: empty chain
  };
  void BuildChains();
  void CloseListeners();
  void DrainThenStop(std::chrono::steady_clock::time_point deadline);

  boost::asio::io_context io_{1};
  unsigned index_;
  std::shared_ptr<const Routes> routes_;
  ListenLimits limits_;
  std::vector<std::vector<ZoneHandler>> ports_;  // indexed like routes_->ports
  std::vector<std::unique_ptr<pipeline::Handler>> handlers_;
  std::vector<std::unique_ptr<UdpListener>> udp_;
  std::vector<std::shared_ptr<TcpListener>> tcp_;
  boost::asio::steady_timer drain_timer_{io_};
  long in_flight_ = 0;
};

}  // namespace dnsd::server
