#include "dnsd/plugins/forward/health.hpp"

#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "dnsd/plugins/forward/tls.hpp"
#include "dnsd/random/secure_random.hpp"
#include "dnsd/wire/message.hpp"
#include "dnsd/wire/name.hpp"
#include "dnsd/wire/octets.hpp"

namespace dnsd::plugins::forward {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

// One probe's sockets, buffers and timer; kept alive by the handlers that use it.
struct Probe : std::enable_shared_from_this<Probe> {
  Probe(asio::io_context& io, std::vector<std::uint8_t> q, std::uint16_t probe_id,
        std::function<void(bool)> cb)
      : udp(io), tcp(io), timer(io), query(std::move(q)), id(probe_id), done(std::move(cb)) {}

  asio::ip::udp::socket udp;
  asio::ip::tcp::socket tcp;
  std::shared_ptr<asio::ssl::context> tls_context;  // outlives `tls`
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls;
  asio::steady_timer timer;
  std::vector<std::uint8_t> query;
  std::array<std::uint8_t, 2> length{};
  std::vector<std::uint8_t> reply = std::vector<std::uint8_t>(65535);
  std::uint16_t id;
  std::function<void(bool)> done;

  void Finish(bool ok) {
    if (!done) return;
    auto cb = std::move(done);
    done = nullptr;
    timer.cancel();
    error_code ignored;
    udp.close(ignored);
    tcp.close(ignored);
    cb(ok);
  }
  bool Accept(std::size_t n) const {
    if (n < wire::kHeaderSize) return false;
    auto header = wire::Header::Decode(reply.data());
    return header.id == id && header.qr();
  }
  void ReadUdp() {
    udp.async_receive(asio::buffer(reply),
                      [self = shared_from_this()](error_code ec, std::size_t n) {
                        if (!self->done) return;
                        if (ec) return self->Finish(false);
                        if (self->Accept(n)) return self->Finish(true);
                        self->ReadUdp();  // not our reply: keep waiting until the timeout
                      });
  }
  void StartUdp(const asio::ip::udp::endpoint& upstream) {
    error_code ec;
    udp.open(upstream.protocol(), ec);
    if (!ec) udp.connect(upstream, ec);
    if (!ec) udp.send(asio::buffer(query), 0, ec);
    if (ec) return Finish(false);
    ReadUdp();
  }
  void StartTcp(const asio::ip::udp::endpoint& upstream) {
    asio::ip::tcp::endpoint ep(upstream.address(), upstream.port());
    tcp.async_connect(ep, [self = shared_from_this()](error_code ec) {
      if (!self->done) return;
      if (ec) return self->Finish(false);
      self->Send(self->tcp);
    });
  }
  void StartTls(const asio::ip::udp::endpoint& upstream, const ProbeSettings& settings) {
    if (!settings.tls_context) return Finish(false);
    tls_context = settings.tls_context;
    tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(tcp, *tls_context);
    if (!PrepareTlsConnection(tls->native_handle(), settings.tls_server_name, upstream.address())) {
      return Finish(false);
    }
    asio::ip::tcp::endpoint ep(upstream.address(), upstream.port());
    tcp.async_connect(ep, [self = shared_from_this()](error_code ec) {
      if (!self->done) return;
      if (ec) return self->Finish(false);
      self->tls->async_handshake(asio::ssl::stream_base::client, [self](error_code ec2) {
        if (!self->done) return;
        if (ec2) return self->Finish(false);
        self->Send(*self->tls);
      });
    });
  }
  // The query with its 2-octet length, then the reply, over TCP or TLS.
  template <typename Stream>
  void Send(Stream& stream) {
    wire::Write16(length.data(), static_cast<std::uint16_t>(query.size()));
    std::array<asio::const_buffer, 2> out = {asio::buffer(length), asio::buffer(query)};
    asio::async_write(stream, out, [self = shared_from_this(), &stream](error_code ec, std::size_t) {
      if (!self->done) return;
      if (ec) return self->Finish(false);
      self->Read(stream);
    });
  }
  template <typename Stream>
  void Read(Stream& stream) {
    asio::async_read(stream, asio::buffer(length),
                     [self = shared_from_this(), &stream](error_code ec, std::size_t) {
                       if (!self->done) return;
                       if (ec) return self->Finish(false);
                       std::size_t n = wire::Read16(self->length.data());
                       asio::async_read(stream, asio::buffer(self->reply.data(), n),
                                        [self, n](error_code ec2, std::size_t) {
                                          if (!self->done) return;
                                          if (ec2) return self->Finish(false);
                                          self->Finish(self->Accept(n));
                                        });
                     });
  }
};

}  // namespace

std::vector<std::uint8_t> BuildProbeQuery(const ProbeSettings& settings, std::uint16_t id) {
  wire::Name name;
  if (wire::Name::FromString(settings.domain, name) != wire::WireError::kOk) return {};
  std::vector<std::uint8_t> query(wire::kHeaderSize);
  wire::Header header;
  header.id = id;
  header.flags = settings.recursion_desired ? 0x0100 : 0;
  header.qdcount = 1;
  header.Encode(query.data());
  auto labels = name.Wire();
  query.insert(query.end(), labels.begin(), labels.end());
  const std::uint8_t tail[] = {0, wire::type::kNS, 0, wire::klass::kIN};
  query.insert(query.end(), std::begin(tail), std::end(tail));
  return query;
}

void RunProbe(asio::io_context& io, const asio::ip::udp::endpoint& upstream,
              const ProbeSettings& settings, std::uint16_t id, std::function<void(bool)> done) {
  auto probe = std::make_shared<Probe>(io, BuildProbeQuery(settings, id), id, std::move(done));
  if (probe->query.empty()) {
    asio::post(io, [probe] { probe->Finish(false); });
    return;
  }
  probe->timer.expires_after(settings.timeout);
  probe->timer.async_wait([probe](error_code ec) {
    if (!ec) probe->Finish(false);
  });
  if (settings.tls)
    probe->StartTls(upstream, settings);
  else if (settings.tcp)
    probe->StartTcp(upstream);
  else
    probe->StartUdp(upstream);
}

// Everything the loops need; shared with their handlers so Stop() and destruction are safe.
struct HealthChecker::State : std::enable_shared_from_this<State> {
  std::shared_ptr<UpstreamPool> pool;
  Duration interval{};
  ProbeSettings settings;
  std::atomic<asio::io_context*> io{nullptr};
  std::atomic<bool> stopped{false};
  random::SecureRandom ids;  // probe IDs; used on the io thread only
  // Waits between probes, io thread only. Weak: the timers belong to their handlers, so no I/O
  // object here can outlive its io_context.
  std::vector<std::weak_ptr<asio::steady_timer>> waits;

  void Probe(std::size_t index) {
    asio::io_context* context = io.load();
    Upstream& upstream = (*pool)[index];
    if (stopped.load() || context == nullptr) {
      upstream.probing.store(false);
      return;
    }
    const std::uint16_t id = ids.Next16();
    ProbeSettings probe = settings;
    probe.tls = upstream.tls;
    RunProbe(*context, upstream.endpoint, probe, id,
             [self = shared_from_this(), index](bool ok) {
               Upstream& up = (*self->pool)[index];
               if (ok) {
                 up.answered.store(true, std::memory_order_relaxed);
                 up.fails.store(0);
                 up.probing.store(false);
                 return;
               }
               up.fails.fetch_add(1);
               if (up.healthcheck_failures) up.healthcheck_failures->fetch_add(1, std::memory_order_relaxed);
               if (self->stopped.load()) {
                 up.probing.store(false);
                 return;
               }
               asio::io_context* context = self->io.load();
               if (context == nullptr) {
                 up.probing.store(false);
                 return;
               }
               auto timer = std::make_shared<asio::steady_timer>(*context, self->interval);
               self->waits[index] = timer;
               timer->async_wait([self, index, timer](error_code ec) {
                 if (ec || self->stopped.load()) {
                   (*self->pool)[index].probing.store(false);
                   return;
                 }
                 self->Probe(index);
               });
             });
  }
};

HealthChecker::HealthChecker(std::shared_ptr<UpstreamPool> pool, Duration interval,
                             ProbeSettings settings)
    : state_(std::make_shared<State>()), interval_(interval) {
  state_->pool = std::move(pool);
  state_->interval = interval;
  state_->settings = std::move(settings);
}

// No post here: the io_context may already be gone. Running loops see `stopped` and end.
HealthChecker::~HealthChecker() {
  state_->stopped.store(true);
  state_->io.store(nullptr);
}

void HealthChecker::Start(asio::io_context& io) {
  state_->waits.assign(state_->pool->size(), {});
  state_->stopped.store(false);
  state_->io.store(&io);
}

void HealthChecker::Kick(std::size_t index) {
  asio::io_context* io = state_->io.load();
  if (!Enabled() || io == nullptr || state_->stopped.load()) return;
  if ((*state_->pool)[index].probing.exchange(true)) return;
  asio::post(*io, [state = state_, index] { state->Probe(index); });
}

void HealthChecker::Stop() {
  state_->stopped.store(true);
  asio::io_context* io = state_->io.exchange(nullptr);
  if (io == nullptr) return;
  // Timers belong to the io thread; cancel them there (if it still runs).
  asio::post(*io, [state = state_] {
    for (auto& weak : state->waits) {
      if (auto timer = weak.lock()) timer->cancel();
    }
  });
}

}  // namespace dnsd::plugins::forward
