// One worker thread's forwarding machinery: pools of connected UDP sockets per upstream (random
// ephemeral source ports, retired after `expire`), idle TCP connections, the in-flight exchanges,
// and the random source their IDs come from. Used on its io_context's thread only; async handlers keep it alive (shared_ptr).
// The UDP path is batched: datagrams queued during one wake-up leave with one sendmmsg per socket
// (a deferred flush), replies are read with recvmmsg, and one timer serves every attempt's timeout.
#pragma once

#include <sys/socket.h>

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
#include "dnsd/plugins/forward/handler_memory.hpp"
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

  // An exchange whose datagram waits for the flush, as of the attempt that queued it.
  struct Queued {
    Exchange* ex;
    std::uint64_t generation;
  };

  // A connected UDP socket: its own ephemeral port; the kernel drops datagrams from anyone but
  // the upstream. `pending` maps the IDs in flight on it (sent or queued) to their exchanges.
  struct UdpSocket {
    explicit UdpSocket(boost::asio::io_context& io) : socket(io) {}
    boost::asio::ip::udp::socket socket;
    std::size_t upstream = 0;  // index in the pool: the socket is connected to it
    boost::asio::ip::udp::endpoint local;  // for the errors plugin's "read udp LOCAL->UPSTREAM"
    Clock::time_point born;
    std::vector<std::pair<std::uint16_t, Exchange*>> pending;
    std::vector<Queued> queued;  // datagrams for the next flush, in the order they were asked
    HandlerMemory wait_memory;   // its readiness wait's
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
    Clock::time_point attempt_due;  // when the attempt in flight times out
    std::uint64_t generation = 0;  // changes whenever an attempt ends; stale handlers compare it
    std::shared_ptr<UdpSocket> udp;
    std::shared_ptr<TcpConnection> conn;
    pipeline::FailureNote failure;  // why the last attempt failed: the query's error if none answers
    Exchange* older = nullptr;  // in flight: the list from oldest_ to newest_
    Exchange* newer = nullptr;
    Exchange* due_before = nullptr;  // attempt in flight: the list from first_due_ to last_due_
    Exchange* due_after = nullptr;
    bool timing = false;  // on that list
  };

  // A datagram the flush could not send: its exchange, as of the attempt, and the errno.
  struct SendFailure {
    Exchange* ex;
    std::uint64_t generation;
    int code;
  };

  Exchange* Acquire();
  void Release(Exchange* ex);
  // `now`: the caller's clock reading, one per query where it can be (a vDSO call each).
  void NextAttempt(Exchange* ex, Clock::time_point now = Clock::now());
  void StartAttempt(Exchange* ex, std::size_t upstream, bool tcp, Clock::time_point now);
  // Records why the attempt in flight failed (`code`: errno, kFailureTimeout or kFailureEof).
  void NoteFailure(Exchange* ex, pipeline::NetOp op, int code);
  void AttemptFailed(Exchange* ex);  // after NoteFailure
  void EndAttempt(Exchange* ex);  // detaches the exchange from sockets and the timeout list
  // Attempt timeouts: one list ordered by due time (attempts mostly share one timeout, so they
  // mostly join at the end) and one timer armed for its head.
  void StartTimeout(Exchange* ex, Clock::time_point due);
  void StopTimeout(Exchange* ex);
  void ArmTimer(Clock::time_point at);
  void OnTimer();
  void Answer(Exchange* ex, std::span<std::uint8_t> reply);
  // The full rcode (with the EDNS extended bits when a configured rcode needs them).
  unsigned ReplyRcode(std::span<const std::uint8_t> reply) const;
  void Fail(Exchange* ex);
  bool Matches(const Exchange* ex, std::span<const std::uint8_t> reply) const;
  void DropReply(std::size_t upstream);  // a reply that answers nothing in flight: counted, ignored
  std::uint16_t NewId();

  // UDP
  std::shared_ptr<UdpSocket> PickUdpSocket(std::size_t upstream, Clock::time_point now);
  std::shared_ptr<UdpSocket> OpenUdpSocket(std::size_t upstream);
  bool SendUdp(Exchange* ex);  // queues the datagram; false (failure noted) if it cannot
  void FlushUdp();
  void SendQueued(UdpSocket& s);
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
  // Attempt timeouts (StartTimeout).
  boost::asio::steady_timer timer_;
  Clock::time_point timer_at_ = Clock::time_point::max();  // what timer_ waits for; max: idle
  Exchange* first_due_ = nullptr;
  Exchange* last_due_ = nullptr;
  // Sockets with queued datagrams and the deferred flush that sends them.
  std::vector<std::shared_ptr<UdpSocket>> to_flush_;
  std::vector<std::shared_ptr<UdpSocket>> flushing_;  // to_flush_ while a flush runs
  std::vector<SendFailure> send_failures_;
  bool flush_posted_ = false;
  HandlerMemory flush_memory_, timer_memory_;  // for the flush and timer_ waits
  // Reply batches: kReadBatch buffers of a maximal datagram each, and their message headers.
  static constexpr std::size_t kReadBatch = 32;
  std::unique_ptr<std::uint8_t[]> datagrams_;  // not zeroed: only the pages replies fill get touched
  std::array<mmsghdr, kReadBatch> read_messages_{};
  std::array<iovec, kReadBatch> read_vectors_{};
  int open_error_ = 0;                  // errno of the last UDP socket that could not be opened
  bool shut_down_ = false;
  ForwardCounters* counters_;
  std::vector<UpstreamCounters*> upstream_counters_;  // by upstream index
};

}  // namespace dnsd::plugins::forward
