// One worker thread: its io_context, its own sockets on every listen address (SO_REUSEPORT), and
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
#include "dnsd/pipeline/transaction_pool.hpp"
#include "dnsd/server/routes.hpp"

namespace dnsd::server {

class UdpListener;
class TcpListener;
class TcpTransaction;

struct ListenLimits {
  std::size_t tcp_connections_per_worker = 4096;
  std::chrono::milliseconds tcp_first_read_timeout{2000};  // miekg/dns readTimeout
  std::chrono::milliseconds tcp_idle_timeout{8000};        // miekg/dns tcpIdleTimeout
  std::size_t tcp_pipelined_per_connection = 128;
  std::chrono::milliseconds drain_grace{2000};             // how long Shutdown waits for answers
  // After a reload, how long the old handlers stay alive. Every transaction that entered a chain is
  // answered within forward's overall deadline (5 s), twice that with a rewrite cname follow-up.
  std::chrono::milliseconds retire_after{30000};
};

class Worker {
 public:
  Worker(unsigned index, std::shared_ptr<const Routes> routes, ListenLimits limits);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Opens this worker's UDP and TCP sockets on every listen address: a bound host, or every address
  // IPv4 and IPv6 (IPv6 is skipped with a warning where the host has none). Returns an empty string
  // or what failed.
  std::string Listen();
  // Config reload; must run on this worker's thread (post it). Builds this worker's handlers of
  // `routes`, opens sockets for listen addresses that are new and closes those of addresses that are
  // gone; queries read after this call go to the new chains, queries already in them finish there.
  // The old handlers are freed limits().retire_after later. Returns "" or the addresses that failed
  // to open.
  std::string SwapRoutes(std::shared_ptr<const Routes> routes);
  std::size_t retired_generations() const { return retired_.size(); }
  void Run();
  // Thread-safe: stops listening, lets in-flight queries finish (bounded), then stops the loop.
  void Shutdown();

  boost::asio::io_context& io() { return io_; }
  // TCP queries in flight on this worker's connections (none kept free: each is read into its own
  // buffer). Those dropped unanswered at shutdown are freed with the worker.
  pipeline::TransactionPool<TcpTransaction>& tcp_transactions() { return tcp_transactions_; }
  const ListenLimits& limits() const { return limits_; }

  // Hands a served query to the chain of the longest zone on listener `listen_index` that contains
  // it, or answers REFUSED when no zone does (CoreDNS does the same).
  void Dispatch(std::size_t listen_index, pipeline::Transaction& tx);

  // In-flight accounting for graceful shutdown; single-threaded, no atomics needed.
  void QueryStarted() { ++in_flight_; }
  void QueryFinished() { --in_flight_; }

 private:
  struct ZoneHandler {
    const ZoneRoute* route;
    pipeline::Handler* first;  // nullptr: empty chain
  };
  // One config's handlers on this worker, with the routes they were made from.
  struct Generation {
    std::shared_ptr<const Routes> routes;
    std::vector<std::unique_ptr<pipeline::Handler>> handlers;
    std::chrono::steady_clock::time_point retired_at;
  };
  struct PortListeners {
    std::vector<std::unique_ptr<UdpListener>> udp;
    std::vector<std::shared_ptr<TcpListener>> tcp;
  };
  struct ListenAddress {
    std::string host;  // "": every address
    std::uint16_t port = 0;
    bool operator==(const ListenAddress&) const = default;
  };
  // Builds `generation`'s handlers and returns the zones of each listen index (addresses the
  // routes do not have get none); new addresses are appended to listen_addresses_.
  std::vector<std::vector<ZoneHandler>> BuildChains(Generation& generation);
  std::string OpenListener(std::size_t listen_index);
  void CloseListeners();
  void RetireLater();
  void DrainThenStop(std::chrono::steady_clock::time_point deadline);

  boost::asio::io_context io_{1};
  unsigned index_;
  ListenLimits limits_;
  Generation current_;
  std::vector<Generation> retired_;  // replaced by a reload, freed retire_after later
  // Listen index -> address, stable for the worker's life: listeners keep their index across
  // reloads, so an address that stays keeps its sockets and in-flight TCP connections.
  std::vector<ListenAddress> listen_addresses_;
  std::vector<std::vector<ZoneHandler>> zones_;  // indexed like listen_addresses_
  std::vector<PortListeners> listeners_;         // indexed like listen_addresses_
  std::vector<PortListeners> closed_listeners_;  // of removed addresses: their transactions may be in flight
  bool listening_ = false;
  boost::asio::steady_timer drain_timer_{io_};
  boost::asio::steady_timer retire_timer_{io_};
  long in_flight_ = 0;
  pipeline::TransactionPool<TcpTransaction> tcp_transactions_{0};  // after io_: freed before it
};

}  // namespace dnsd::server
