// The life of a forwarded query (attempts, failover, timeouts) and the UDP side of the worker.
#include "dnsd/plugins/forward/worker.hpp"

#include <algorithm>
#include <boost/asio/defer.hpp>
#include <cerrno>

#include "dnsd/metrics/responder.hpp"
#include "dnsd/wire/message.hpp"

namespace dnsd::plugins::forward {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

constexpr std::size_t kMaxDatagram = 65535;
constexpr std::size_t kMaxReadsPerWakeup = 256;  // drain, but let other handlers run now and then
constexpr std::size_t kSendBatch = 64;  // datagrams per sendmmsg call

}  // namespace

Worker::Worker(asio::io_context& io, std::shared_ptr<SharedState> shared, unsigned index,
               std::unique_ptr<random::RandomSource> random)
    : io_(io),
      shared_(std::move(shared)),
      options_(shared_->options),
      random_(std::move(random)),
      sockets_(shared_->pool->size()),
      timer_(io),
      datagrams_(new std::uint8_t[kReadBatch * kMaxDatagram]),
      counters_(&ForwardMetrics::Get().Worker(index)) {
  for (std::size_t i = 0; i < kReadBatch; ++i) {
    read_vectors_[i] = {datagrams_.get() + i * kMaxDatagram, kMaxDatagram};
    read_messages_[i].msg_hdr.msg_iov = &read_vectors_[i];
    read_messages_[i].msg_hdr.msg_iovlen = 1;
  }
  for (auto& set : sockets_)
    set.active.resize(std::max<std::size_t>(1, options_.udp_sockets_per_upstream));
  for (std::size_t i = 0; i < shared_->pool->size(); ++i) {
    upstream_counters_.push_back(
        &ForwardMetrics::Get().Upstream(UpstreamLabel((*shared_->pool)[i].endpoint), index));
  }
}

void Worker::Forward(pipeline::Transaction& tx) {
  if (shut_down_) {
    tx.Failure().kind = pipeline::FailureKind::kNoHealthy;
    return tx.RespondError(wire::Rcode::kServFail);
  }
  // At the cap the query that has waited longest gives way (SERVFAIL now rather than at its
  // deadline), as Unbound's jostling does: new queries still go upstream, memory stays bounded.
  if (options_.max_concurrent == 0 && in_use_ >= options_.max_in_flight_per_worker) {
    counters_->in_flight_evictions.Add();
    oldest_->failure.kind = pipeline::FailureKind::kInFlightCap;
    Fail(oldest_);
  }
  bool counted = false;
  if (options_.max_concurrent != 0) {
    if (shared_->in_flight.fetch_add(1, std::memory_order_relaxed) >= options_.max_concurrent) {
      shared_->in_flight.fetch_sub(1, std::memory_order_relaxed);
      counters_->max_concurrent_rejects.Add();
      tx.Failure().kind = pipeline::FailureKind::kLimitExceeded;
      tx.Failure().code = static_cast<int>(options_.max_concurrent);
      return tx.RespondError(wire::Rcode::kRefused);  // CoreDNS: ErrLimitExceeded -> REFUSED
    }
    counted = true;
  }
  Exchange* ex = Acquire();
  ex->tx = &tx;
  ex->counted = counted;
  auto query = tx.Query();
  ex->client_id = wire::ReadId(query);
  ex->query.assign(query.begin(), query.end());
  ex->qname = tx.View().qname;
  ex->qtype = tx.View().qtype;
  ex->qclass = tx.View().qclass;
  shared_->pool->Order({ex->order.data(), shared_->pool->size()}, *random_);
  ex->next = 0;
  ex->down_skips = 0;
  ex->attempts = 0;
  ex->failovers = 0;
  ex->failure.kind = pipeline::FailureKind::kNone;
  const Clock::time_point now = Clock::now();
  ex->deadline = now + options_.overall_timeout;
  NextAttempt(ex, now);
}

// CoreDNS's loop: walk the policy order (wrapping while time remains), skip Down upstreams, and
// when every one is Down try a random one once.
void Worker::NextAttempt(Exchange* ex, Clock::time_point now) {
  const std::size_t n = shared_->pool->size();
  while (true) {
    // 3 passes at most: enough to retry lost UDP packets, and no spinning on refusing upstreams.
    if (now >= ex->deadline || ex->attempts >= 3 * n) return Fail(ex);
    if (ex->next >= n) {
      ex->next = 0;
      ex->down_skips = 0;
    }
    std::size_t index = ex->order[ex->next++];
    if ((*shared_->pool)[index].Down(options_.max_fails)) {
      if (++ex->down_skips < n) continue;
      index = static_cast<std::size_t>(random_->Below(n));
      counters_->healthcheck_broken.Add();
    }
    ++ex->attempts;
    bool tcp = (*shared_->pool)[index].tls || options_.force_tcp ||
               (ex->tx->transport() == pipeline::Transport::kTcp && !options_.prefer_udp);
    return StartAttempt(ex, index, tcp, now);
  }
}

void Worker::StartAttempt(Exchange* ex, std::size_t upstream, bool tcp, Clock::time_point now) {
  ex->upstream = upstream;
  ex->tcp = tcp;
  ex->fresh_tcp_retry = false;
  ex->tcp_connected = false;
  ex->upstream_id = NewId();
  ex->attempt_start = now;
  auto remaining = ex->deadline - ex->attempt_start;
  StartTimeout(ex, ex->attempt_start + std::min<Clock::duration>(options_.attempt_timeout, remaining));
  if (tcp) return SendTcp(ex);
  if (!SendUdp(ex)) AttemptFailed(ex);
}

// Go's net.OpError of the attempt, as values: CoreDNS's forward returns the last attempt's error.
void Worker::NoteFailure(Exchange* ex, pipeline::NetOp op, int code) {
  pipeline::FailureNote& note = ex->failure;
  const auto& upstream = (*shared_->pool)[ex->upstream].endpoint;
  note.kind = pipeline::FailureKind::kNetwork;
  note.op = op;
  note.tcp = ex->tcp;
  note.code = code;
  note.remote = upstream.address();
  note.remote_port = upstream.port();
  note.local = boost::asio::ip::address();
  note.local_port = 0;
  if (op == pipeline::NetOp::kDial) return;  // Go's dial errors name no local address
  if (ex->udp) {
    note.local = ex->udp->local.address();
    note.local_port = ex->udp->local.port();
  } else if (ex->conn) {
    error_code ignored;
    const auto local = ex->conn->socket.local_endpoint(ignored);
    note.local = local.address();
    note.local_port = local.port();
  }
}

void Worker::AttemptFailed(Exchange* ex) {
  EndAttempt(ex);
  shared_->ReportFailure(ex->upstream);
  if (ex->down_skips >= shared_->pool->size()) return Fail(ex);  // the all-Down random try failed
  NextAttempt(ex);
}

void Worker::EndAttempt(Exchange* ex) {
  ++ex->generation;
  StopTimeout(ex);
  if (ex->udp) Unregister(ex);
  if (ex->conn) {
    error_code ignored;
    ex->conn->socket.close(ignored);
    ex->conn.reset();
  }
}

// One timer for all attempts instead of one each: arming and cancelling a steady_timer per query
// cost a timer-queue insert, a cancel and a posted completion (bench/compare: forward, misses).
void Worker::StartTimeout(Exchange* ex, Clock::time_point due) {
  ex->attempt_due = due;
  Exchange* before = last_due_;
  while (before != nullptr && before->attempt_due > due) before = before->due_before;
  ex->due_before = before;
  ex->due_after = before ? before->due_after : first_due_;
  (ex->due_after ? ex->due_after->due_before : last_due_) = ex;
  (before ? before->due_after : first_due_) = ex;
  ex->timing = true;
  // An answered head leaves the timer as it is: it wakes early once and re-arms for the next.
  if (due < timer_at_) ArmTimer(due);
}

void Worker::StopTimeout(Exchange* ex) {
  if (!ex->timing) return;
  (ex->due_before ? ex->due_before->due_after : first_due_) = ex->due_after;
  (ex->due_after ? ex->due_after->due_before : last_due_) = ex->due_before;
  ex->due_before = ex->due_after = nullptr;
  ex->timing = false;
}

void Worker::ArmTimer(Clock::time_point at) {
  timer_at_ = at;
  timer_.expires_at(at);  // cancels the wait for a later time, if any
  timer_.async_wait(WithMemory(timer_memory_, [self = shared_from_this()](error_code ec) {
    if (ec || self->shut_down_) return;
    self->OnTimer();
  }));
}

void Worker::OnTimer() {
  timer_at_ = Clock::time_point::max();
  const Clock::time_point now = Clock::now();
  while (first_due_ != nullptr && first_due_->attempt_due <= now) {
    Exchange* ex = first_due_;
    NoteFailure(ex, ex->tcp && !ex->tcp_connected ? pipeline::NetOp::kDial : pipeline::NetOp::kRead,
                pipeline::kFailureTimeout);
    AttemptFailed(ex);  // takes it off the list
  }
  if (first_due_ != nullptr && first_due_->attempt_due < timer_at_) ArmTimer(first_due_->attempt_due);
}

void Worker::Answer(Exchange* ex, std::span<std::uint8_t> reply) {
  wire::WriteId(reply, ex->client_id);
  pipeline::Transaction* tx = ex->tx;
  const double seconds = std::chrono::duration<double>(Clock::now() - ex->attempt_start).count();
  upstream_counters_[ex->upstream]->duration[reply[3] & 0x0F].Observe(metrics::kTimeBuckets, seconds);
  // Read first: once set, the line stays shared in every worker's cache (no write per answer).
  std::atomic<bool>& answered = (*shared_->pool)[ex->upstream].answered;
  if (!answered.load(std::memory_order_relaxed)) answered.store(true, std::memory_order_relaxed);
  // CoreDNS's order: a `failover` rcode tries the next upstream until every upstream has given
  // one (the last such reply is kept), then a `next` rcode hands the query to the next forward.
  if ((options_.failover_rcodes | options_.next_rcodes) != 0) {
    const unsigned rcode = ReplyRcode(reply);
    if (Contains(options_.failover_rcodes, rcode) && ++ex->failovers < shared_->pool->size()) {
      EndAttempt(ex);
      return NextAttempt(ex);
    }
    if (next_forward != nullptr && Contains(options_.next_rcodes, rcode)) {
      EndAttempt(ex);
      Release(ex);
      return next_forward->Serve(*tx);
    }
  }
  EndAttempt(ex);
  Release(ex);
  metrics::NoteResponder(metrics::Responder::kForward);
  tx->Respond(reply);
}

void Worker::Fail(Exchange* ex) {
  pipeline::Transaction* tx = ex->tx;
  // No attempt made (every upstream skipped, or the deadline already passed): CoreDNS's ErrNoHealthy.
  if (ex->failure.kind == pipeline::FailureKind::kNone) ex->failure.kind = pipeline::FailureKind::kNoHealthy;
  tx->Failure() = ex->failure;
  EndAttempt(ex);
  Release(ex);
  // CoreDNS: forward returns the error and the server writes it (plugin ""). Noted explicitly: this
  // runs from a timer, after other callbacks may have left a note.
  metrics::NoteResponder(metrics::Responder::kServer);
  tx->RespondError(wire::Rcode::kServFail);
}

unsigned Worker::ReplyRcode(std::span<const std::uint8_t> reply) const {
  const unsigned low = reply[3] & 0x0F;
  const RcodeSet configured = options_.failover_rcodes | options_.next_rcodes;
  // The EDNS bits matter only when a configured rcode could be the reply's: the header's own
  // (a NXDOMAIN header with extended bits is not NXDOMAIN), or an extended one.
  if (!Contains(configured, low) && (configured >> 16) == 0) return low;
  if (wire::Header::Decode(reply.data()).arcount == 0) return low;
  wire::MessageView view;
  if (wire::ParseMessage(reply, view) != wire::WireError::kOk || !view.edns) return low;
  return unsigned{view.edns->extended_rcode} << 4 | low;
}

bool Worker::Matches(const Exchange* ex, std::span<const std::uint8_t> reply) const {
  wire::MessageView view;
  if (wire::ParseHead(reply, view) != wire::WireError::kOk) return false;
  return view.header.id == ex->upstream_id && view.header.qr() && view.qtype == ex->qtype &&
         view.qclass == ex->qclass && view.qname == ex->qname;
}

std::uint16_t Worker::NewId() { return random_->Next16(); }

Worker::Exchange* Worker::Acquire() {
  ++in_use_;
  Exchange* ex;
  if (free_.empty()) {
    exchanges_.push_back(std::make_unique<Exchange>());
    ex = exchanges_.back().get();
  } else {
    ex = free_.back();
    free_.pop_back();
  }
  ex->older = newest_;
  ex->newer = nullptr;
  (newest_ ? newest_->newer : oldest_) = ex;
  newest_ = ex;
  return ex;
}

void Worker::Release(Exchange* ex) {
  if (ex->counted) shared_->in_flight.fetch_sub(1, std::memory_order_relaxed);
  ex->counted = false;
  ex->tx = nullptr;
  (ex->older ? ex->older->newer : oldest_) = ex->newer;
  (ex->newer ? ex->newer->older : newest_) = ex->older;
  ex->older = ex->newer = nullptr;
  --in_use_;
  free_.push_back(ex);
}

void Worker::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  for (auto& ex : exchanges_) {
    if (ex->tx == nullptr) continue;
    EndAttempt(ex.get());
    Release(ex.get());
  }
  error_code ignored;
  timer_.cancel(ignored);
  to_flush_.clear();  // their datagrams' exchanges are gone; a deferred flush finds nothing
  for (auto& set : sockets_) {
    for (auto& s : set.active) {
      if (s) s->closed = true, s->socket.close(ignored);
    }
    for (auto& s : set.retired) s->closed = true, s->socket.close(ignored);
    for (auto& c : set.idle) c->socket.close(ignored);
    set = UpstreamSockets{};
  }
}

// ---- UDP -------------------------------------------------------------------------------------

std::shared_ptr<Worker::UdpSocket> Worker::PickUdpSocket(std::size_t upstream, Clock::time_point now) {
  UpstreamSockets& set = sockets_[upstream];
  auto& slot = set.active[static_cast<std::size_t>(random_->Below(set.active.size()))];
  if (slot && now - slot->born >= options_.expire) {
    // A fresh port from time to time; the old socket stays open for the replies still due.
    std::shared_ptr<UdpSocket> old = std::move(slot);
    old->retired = true;
    set.retired.push_back(old);
    CloseIfIdle(upstream, old);
  }
  // CoreDNS's connection cache: a socket already open is a hit, a new one a miss.
  if (slot) upstream_counters_[upstream]->conn_cache_hits[kProtoUdp].Add();
  else upstream_counters_[upstream]->conn_cache_misses[kProtoUdp].Add();
  if (!slot) slot = OpenUdpSocket(upstream);
  if (!slot) {
    // Out of descriptors (EMFILE): share a socket that is open rather than fail the attempt.
    for (const auto& open : set.active) {
      if (open) return open;
    }
  }
  return slot;
}

std::shared_ptr<Worker::UdpSocket> Worker::OpenUdpSocket(std::size_t upstream) {
  auto s = std::make_shared<UdpSocket>(io_);
  s->upstream = upstream;
  const auto& endpoint = (*shared_->pool)[upstream].endpoint;
  error_code ec;
  s->socket.open(endpoint.protocol(), ec);
  // No bind: connect has the kernel choose the source port, and Linux chooses ephemeral ports at
  // random (RFC 6056), so dnsd draws no port numbers; it draws which socket a query leaves from.
  if (!ec) s->socket.connect(endpoint, ec);
  if (!ec) s->socket.non_blocking(true, ec);
  if (!ec) s->local = s->socket.local_endpoint(ec);
  if (ec) {
    open_error_ = ec.value();
    return nullptr;
  }
  s->born = Clock::now();
  // Room for a few listener batches: a socket's tables then grow only under a deeper backlog.
  s->pending.reserve(4 * kReadBatch);
  s->queued.reserve(4 * kReadBatch);
  WaitReadable(s);
  return s;
}

bool Worker::SendUdp(Exchange* ex) {
  std::shared_ptr<UdpSocket> s = PickUdpSocket(ex->upstream, ex->attempt_start);
  if (!s) {
    NoteFailure(ex, pipeline::NetOp::kDial, open_error_);
    return false;
  }
  auto in_flight = [&s](std::uint16_t id) {
    return std::any_of(s->pending.begin(), s->pending.end(),
                       [id](auto& p) { return p.first == id; });
  };
  for (int tries = 0; tries < 16 && in_flight(ex->upstream_id); ++tries) ex->upstream_id = NewId();
  if (in_flight(ex->upstream_id)) {
    NoteFailure(ex, pipeline::NetOp::kWrite, EAGAIN);  // every ID tried is in flight on the socket
    return false;
  }
  wire::WriteId(ex->query, ex->upstream_id);
  // Registered now: its ID counts as in flight, and a reply can only follow the flush anyway.
  s->pending.emplace_back(ex->upstream_id, ex);
  if (s->queued.empty()) to_flush_.push_back(s);
  s->queued.push_back({ex, ex->generation});
  ex->udp = std::move(s);
  if (!flush_posted_) {
    flush_posted_ = true;
    // defer, not post: from the worker's thread it is queued without waking the reactor, which
    // post pays with an epoll_ctl per wake-up (bench/compare: forward, misses; docs/forward.md).
    asio::defer(io_, WithMemory(flush_memory_, [self = shared_from_this()] { self->FlushUdp(); }));
  }
  return true;
}

// One sendmmsg per socket for every datagram queued in this wake-up (up to UdpListener::kBatch
// queries each) instead of one send each (bench/compare: forward, misses; docs/forward.md).
void Worker::FlushUdp() {
  flush_posted_ = false;
  if (shut_down_) return;
  flushing_.swap(to_flush_);  // failures below may queue new datagrams: those go to the next flush
  for (const std::shared_ptr<UdpSocket>& s : flushing_) {
    SendQueued(*s);
    // Failures are handled once the socket's queue is sent: a retry may queue on it again.
    for (const SendFailure& failure : send_failures_) {
      Exchange* ex = failure.ex;
      if (shut_down_ || ex->generation != failure.generation) continue;
      NoteFailure(ex, pipeline::NetOp::kWrite, failure.code);
      AttemptFailed(ex);
    }
    send_failures_.clear();
  }
  flushing_.clear();
}

void Worker::SendQueued(UdpSocket& s) {
  std::vector<Queued>& queued = s.queued;
  std::size_t next = 0;
  while (next < queued.size() && !s.closed) {
    std::array<mmsghdr, kSendBatch> messages{};
    std::array<iovec, kSendBatch> vectors;
    std::array<Queued, kSendBatch> batch;
    std::size_t count = 0;
    for (; next < queued.size() && count < kSendBatch; ++next) {
      const Queued& q = queued[next];
      if (q.ex->generation != q.generation) continue;  // the attempt ended while it waited
      vectors[count] = {q.ex->query.data(), q.ex->query.size()};
      messages[count].msg_hdr.msg_iov = &vectors[count];
      messages[count].msg_hdr.msg_iovlen = 1;
      batch[count++] = q;
    }
    std::size_t sent = 0;
    bool retried = false;  // message `sent` met ECONNREFUSED once
    while (sent < count) {
      const int n = ::sendmmsg(s.socket.native_handle(), messages.data() + sent,
                               static_cast<unsigned>(count - sent), MSG_DONTWAIT);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
        retried = false;
        continue;
      }
      const int code = errno;
      if (code == EINTR) continue;
      if (code == ECONNREFUSED && !retried) {
        retried = true;  // an ICMP error left by an earlier datagram; this one is a new question
        continue;
      }
      // The kernel reports a failure after the first message on the next call, so `sent` is the
      // message that failed: only its exchange fails, the rest are sent.
      send_failures_.push_back({batch[sent].ex, batch[sent].generation, code});
      ++sent;
      retried = false;
    }
  }
  queued.clear();
}

void Worker::WaitReadable(const std::shared_ptr<UdpSocket>& s) {
  s->socket.async_wait(asio::socket_base::wait_read, WithMemory(s->wait_memory, [self = shared_from_this(), s](error_code ec) {
    if (ec || self->shut_down_ || s->closed) return;
    self->OnReadable(s);
  }));
}

// Up to kReadBatch replies per recvmmsg instead of one receive each, and no read that only
// finds EAGAIN after a short batch (bench/compare: forward, misses; docs/forward.md).
void Worker::OnReadable(const std::shared_ptr<UdpSocket>& s) {
  std::size_t reads = 0;
  while (reads < kMaxReadsPerWakeup && !s->closed && !shut_down_) {
    const int n = ::recvmmsg(s->socket.native_handle(), read_messages_.data(), kReadBatch, MSG_DONTWAIT, nullptr);
    if (n < 0) {
      const int code = errno;
      if (code == EAGAIN || code == EWOULDBLOCK) break;
      if (code == EINTR) continue;
      // Connected UDP: ICMP port/host unreachable from the upstream. Every query on it failed.
      FailSocket(*s, code);
      ++reads;
      continue;
    }
    for (int i = 0; i < n && !s->closed && !shut_down_; ++i) {
      OnDatagram(*s, {datagrams_.get() + static_cast<std::size_t>(i) * kMaxDatagram, read_messages_[i].msg_len});
    }
    reads += static_cast<std::size_t>(n);
    if (static_cast<std::size_t>(n) < kReadBatch) break;  // drained: epoll reports what comes next
  }
  if (!s->closed && !shut_down_) WaitReadable(s);
}

// RFC 5452: only a reply to an ID in flight on this socket, with QR set and the same question,
// is accepted; anything else is dropped and the query goes on waiting.
void Worker::OnDatagram(UdpSocket& s, std::span<std::uint8_t> datagram) {
  auto it = s.pending.end();
  if (datagram.size() >= wire::kHeaderSize) {
    const std::uint16_t id = wire::ReadId(datagram);
    it = std::find_if(s.pending.begin(), s.pending.end(), [id](auto& p) { return p.first == id; });
  }
  if (it == s.pending.end() || !Matches(it->second, datagram)) return DropReply(s.upstream);
  Exchange* ex = it->second;
  if (wire::Header::Decode(datagram.data()).tc()) {
    EndAttempt(ex);
    return StartAttempt(ex, ex->upstream, /*tcp=*/true, Clock::now());
  }
  Answer(ex, datagram);
}

void Worker::DropReply(std::size_t upstream) {
  upstream_counters_[upstream]->replies_dropped.Add();
}

void Worker::FailSocket(UdpSocket& s, int code) {
  std::vector<std::pair<Exchange*, std::uint64_t>> failed;
  failed.reserve(s.pending.size());
  for (auto& [id, ex] : s.pending) failed.emplace_back(ex, ex->generation);
  for (auto& [ex, generation] : failed) {
    if (ex->generation != generation || ex->udp.get() != &s) continue;
    NoteFailure(ex, pipeline::NetOp::kRead, code);
    AttemptFailed(ex);
  }
}

void Worker::Unregister(Exchange* ex) {
  std::shared_ptr<UdpSocket> s = std::move(ex->udp);
  auto& pending = s->pending;
  auto it = std::find_if(pending.begin(), pending.end(), [ex](auto& p) { return p.second == ex; });
  if (it != pending.end()) {
    *it = pending.back();
    pending.pop_back();
  }
  CloseIfIdle(ex->upstream, s);
}

void Worker::CloseIfIdle(std::size_t upstream, const std::shared_ptr<UdpSocket>& s) {
  if (!s->retired || s->closed || !s->pending.empty()) return;
  s->closed = true;
  error_code ignored;
  s->socket.close(ignored);
  auto& retired = sockets_[upstream].retired;
  retired.erase(std::remove(retired.begin(), retired.end(), s), retired.end());
}

}  // namespace dnsd::plugins::forward
