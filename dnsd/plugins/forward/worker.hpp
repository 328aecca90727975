// One worker thread's forwarding machinery: pools of connected UDP sockets per upstream (random
// ephemeral source ports, retired after `expire`), idle TCP connections, the in-flight exchanges,
// and the random source their IDs come from. Used on its io_context's thread only; async handlers keep it alive (shared_ptr).
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "dnsd/pipeline/failure.hpp"
#include "dnsd/pipeline/transaction.hpp"
#include "dnsd/plugins/forward/forwarder.hpp"
#include "dnsd/plugins/forward/metrics.hpp"
#include "dnsd/random/random_source.hpp"
#include "dnsd/wire/message.hpp"

namespace dnsd::plugins::forward {

class Worker : public std::enable_shared_from_this<Worker> {
 public:
  using Clock = std::chrono::steady_clock;

  // `index`: the worker thread's index, for its own metrics blocks. `random`: where upstream IDs,
  // upstream order and socket choice come from (RFC 5452: unpredictable, so a SecureRandom).
  Worker(boost::asio::io_context& io, std::shared_ptr<SharedState> shared, unsigned index,
         std::unique_ptr<random::RandomSource> random);

  // Forwards a query the handler decided is ours; answers it exactly once, later.
  void Forward(pipeline::Transaction& tx);
  // Closes every socket and abandons in-flight exchanges (their transactions are not answered).
  void Shutdown();

  std::size_t InFlight() const { return in_use_; }
  // The forward that follows this one in the chain (CoreDNS ≥ 1.9.4: several forward lines in one
  // server block); `next RCODE` hands such answers to it. Null: `next` is ignored, as in CoreDNS.
  pipeline::Handler* next_forward = nullptr;

 private:
  struct Exchange;

  // A connected UDP socket: its own ephemeral port; the kernel drops datagrams from anyone but
  // the upstream. `pending` maps the IDs in flight on it to their exchanges.
  struct UdpSocket {
    explicit UdpSocket(boost::asio::io_context& io) : socket(io) {}
    boost::asio::ip::udp::socket socket;
    std::size_t upstream = 0;  // index in the pool: the socket is connected to it
    boost::asio::ip::udp::endpoint local;  // for the errors plugin's "read udp LOCAL->UPSTREAM"
    Clock::time_point born;
    std::vector<std::pair<std::uint16_t, Exchange*>> pending;
    bool retired = false;
    bool closed = false;
  };

  struct TcpConnection {
    explicit TcpConnection(boost::asio::io_context& io) : socket(io) {}
    boost::asio::ip::tcp::socket socket;
    // DNS over TLS on `socket` (a tls:// upstream); null for plain TCP.
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls;
    Clock::time_point idle_since;
    std::array<std::uint8_t, 2> length{};
    std::vector<std::uint8_t> buffer;
    bool reused = false;
  };

  struct UpstreamSockets {
    std::vector<std::shared_ptr<UdpSocket>> active;   // fixed size, null until first used
    std::vector<std::shared_ptr<UdpSocket>> retired;  // closed when their last query ends
    std::vector<std::shared_ptr<TcpConnection>> idle;
  };

  // One client query being forwarded; pooled, so steady state allocates nothing per query.
  struct Exchange {
    explicit Exchange(boost::asio::io_context& io) : timer(io) {}
    pipeline::Transaction* tx = nullptr;
    std::uint16_t client_id = 0;
    std::uint16_t upstream_id = 0;
    std::vector<std::uint8_t> query;  // the client's query with upstream_id
    wire::Name qname;
    std::uint16_t qtype = 0, qclass = 0;
    std::array<std::uint8_t, kMaxUpstreams> order{};
    std::size_t next = 0;        // position in `order` of the next upstream to try
    std::size_t down_skips = 0;  // CoreDNS's `fails`: Down upstreams skipped in this pass
    std::size_t attempts = 0;
    std::size_t failovers = 0;  // replies with a `failover` rcode so far
    std::size_t upstream = 0;  // the one being tried
    bool tcp = false;
    bool fresh_tcp_retry = false;
    bool tcp_connected = false;  // a timeout before it is a dial timeout
    bool counted = false;  // holds a max_concurrent slot
    Clock::time_point attempt_start;  // coredns_proxy_request_duration_seconds
    Clock::time_point deadline;
    std::uint64_t generation = 0;  // changes whenever an attempt ends; stale handlers compare it
    boost::asio::steady_timer timer;
    std::shared_ptr<UdpSocket> udp;
    std::shared_ptr<TcpConnection> conn;
    pipeline::FailureNote failure;  // why the last attempt failed: the query's error if none answers
    Exchange* older = nullptr;  // in flight: the list from oldest_ to newest_
    Exchange* newer = nullptr;
  };

  Exchange* Acquire();
  void Release(Exchange* ex);
  void NextAttempt(Exchange* ex);
  void StartAttempt(Exchange* ex, std::size_t upstream, bool tcp);
  // Records why the attempt in flight failed (`code`: errno, kFailureTimeout or kFailureEof).
  void NoteFailure(Exchange* ex, pipeline::NetOp op, int code);
  void AttemptFailed(Exchange* ex);  // after NoteFailure
  void EndAttempt(Exchange* ex);  // detaches the exchange from sockets and its timer
  void Answer(Exchange* ex, std::span<std::uint8_t> reply);
  // The full rcode (with the EDNS extended bits when a configured rcode needs them).
  unsigned ReplyRcode(std::span<const std::uint8_t> reply) const;
  void Fail(Exchange* ex);
  bool Matches(const Exchange* ex, std::span<const std::uint8_t> reply) const;
  void DropReply(std::size_t upstream);  // a reply that answers nothing in flight: counted, ignored
  std::uint16_t NewId();

  // UDP
  std::shared_ptr<UdpSocket> PickUdpSocket(std::size_t upstream);
  std::shared_ptr<UdpSocket> OpenUdpSocket(std::size_t upstream);
  bool SendUdp(Exchange* ex);
  void WaitReadable(const std::shared_ptr<UdpSocket>& s);
  void OnReadable(const std::shared_ptr<UdpSocket>& s);
  void OnDatagram(UdpSocket& s, std::span<std::uint8_t> datagram);
  void FailSocket(UdpSocket& s, int code);
  void Unregister(Exchange* ex);
  void CloseIfIdle(std::size_t upstream, const std::shared_ptr<UdpSocket>& s);

  // TCP
  void SendTcp(Exchange* ex);
  void OnTcpConnected(Exchange* ex, std::uint64_t generation);
  void StartTls(Exchange* ex, std::uint64_t generation);
  void ReadTcpLength(Exchange* ex, std::uint64_t generation);
  void OnTcpError(Exchange* ex, std::uint64_t generation, pipeline::NetOp op, boost::system::error_code ec);
  void KeepIdle(std::size_t upstream, std::shared_ptr<TcpConnection> conn);

  boost::asio::io_context& io_;
  std::shared_ptr<SharedState> shared_;
  const Options& options_;
  std::unique_ptr<random::RandomSource> random_;
  std::vector<UpstreamSockets> sockets_;
  std::vector<std::unique_ptr<Exchange>> exchanges_;  // all ever made
  std::vector<Exchange*> free_;
  std::size_t in_use_ = 0;
  Exchange* oldest_ = nullptr;  // in flight, in the order they were forwarded
  Exchange* newest_ = nullptr;
  std::vector<std::uint8_t> datagram_;  // receive buffer, reused for every read
  int open_error_ = 0;                  // errno of the last UDP socket that could not be opened
  bool shut_down_ = false;
  ForwardCounters* counters_;
  std::vector<UpstreamCounters*> upstream_counters_;  // by upstream index
};

}  // namespace dnsd::plugins::forward
