#include "dnsd/server/worker.hpp"

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>

#include "dnsd/server/log.hpp"
#include "dnsd/server/tcp_listener.hpp"
#include "dnsd/server/udp_listener.hpp"

namespace dnsd::server {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

struct ReusePort {
  int level(const asio::ip::udp&) const { return SOL_SOCKET; }
  int name(const asio::ip::udp&) const { return SO_REUSEPORT; }
  int level(const asio::ip::tcp&) const { return SOL_SOCKET; }
  int name(const asio::ip::tcp&) const { return SO_REUSEPORT; }
  const int* data(const asio::ip::udp&) const { return &value; }
  const int* data(const asio::ip::tcp&) const { return &value; }
  std::size_t size(const asio::ip::udp&) const { return sizeof value; }
  std::size_t size(const asio::ip::tcp&) const { return sizeof value; }
  int value = 1;
};

// Opens a socket or acceptor of protocol P bound to `address:port` with SO_REUSEPORT, so every
// worker gets its own socket and the kernel spreads clients over them.
template <typename Socket, typename Protocol>
std::string OpenBound(Socket& socket, const asio::ip::address& address, std::uint16_t port) {
  error_code ec;
  typename Protocol::endpoint endpoint(address, port);
  socket.open(endpoint.protocol(), ec);
  if (ec) return ec.message();
  if (address.is_v6()) socket.set_option(asio::ip::v6_only(true), ec);
  socket.set_option(typename Socket::reuse_address(true), ec);
  socket.set_option(ReusePort{}, ec);
  if (ec) return "SO_REUSEPORT: " + ec.message();
  socket.bind(endpoint, ec);
  if (ec) return "bind " + endpoint.address().to_string() + " port " + std::to_string(port) + ": " + ec.message();
  return {};
}

}  // namespace

Worker::Worker(unsigned index, std::shared_ptr<const Routes> routes, ListenLimits limits)
    : index_(index), routes_(std::move(routes)), limits_(limits) {
  BuildChains();
}

Worker::~Worker() {
  // Listeners before handlers, handlers before the io_context (member order does the rest).
  udp_.clear();
  tcp_.clear();
  handlers_.clear();
}

void Worker::BuildChains() {
  pipeline::WorkerContext context{io_, index_};
  std::map<const Chain*, pipeline::Handler*> built;
  for (const PortRoutes& port : routes_->ports) {
    std::vector<ZoneHandler> zones;
    for (const ZoneRoute& zone : port.zones) {
      auto found = built.find(zone.chain.get());
      if (found == built.end()) {
        pipeline::Handler* first = nullptr;
        pipeline::Handler* previous = nullptr;
        for (const auto& factory : zone.chain->factories) {
          handlers_.push_back(factory->CreateHandler(context));
          pipeline::Handler* handler = handlers_.back().get();
          if (previous) previous->SetNext(handler);
          else first = handler;
          previous = handler;
        }
        found = built.emplace(zone.chain.get(), first).first;
      }
      zones.push_back({&zone, found->second});
    }
    ports_.push_back(std::move(zones));
  }
}

std::string Worker::Listen() {
  const asio::ip::address any4 = asio::ip::address_v4::any();
  const asio::ip::address any6 = asio::ip::address_v6::any();
  for (std::size_t i = 0; i < routes_->ports.size(); ++i) {
    const std::uint16_t port = routes_->ports[i].port;
    for (const asio::ip::address& address : {any4, any6}) {
      asio::ip::udp::socket udp(io_);
      std::string error = OpenBound<asio::ip::udp::socket, asio::ip::udp>(udp, address, port);
      if (!error.empty()) {
        if (address.is_v6()) {
          if (index_ == 0) Log(LogLevel::kWarning, "IPv6 unavailable, serving IPv4 only: " + error);
          continue;
        }
        return "udp: " + error;
      }
      asio::ip::tcp::acceptor tcp(io_);
      error = OpenBound<asio::ip::tcp::acceptor, asio::ip::tcp>(tcp, address, port);
      if (!error.empty()) return "tcp: " + error;
      error_code ec;
      tcp.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return "tcp listen: " + ec.message();
      udp_.push_back(std::make_unique<UdpListener>(*this, i, std::move(udp)));
      tcp_.push_back(std::make_shared<TcpListener>(*this, i, std::move(tcp)));
    }
  }
  for (auto& listener : udp_) listener->Start();
  for (auto& listener : tcp_) listener->Start();
  return {};
}

void Worker::Run() { io_.run(); }

void Worker::Shutdown() {
  asio::post(io_, [this] {
    CloseListeners();
    DrainThenStop(std::chrono::steady_clock::now() + limits_.drain_grace);
  });
}

void Worker::CloseListeners() {
  for (auto& listener : udp_) listener->Close();
  for (auto& listener : tcp_) listener->Close();
}

void Worker::DrainThenStop(std::chrono::steady_clock::time_point deadline) {
  if (in_flight_ <= 0 || std::chrono::steady_clock::now() >= deadline) {
    io_.stop();
    return;
  }
  drain_timer_.expires_after(std::chrono::milliseconds(10));
  drain_timer_.async_wait([this, deadline](const error_code&) { DrainThenStop(deadline); });
}

void Worker::Dispatch(std::size_t port_index, pipeline::Transaction& tx) {
  const wire::Name& qname = tx.View().qname;
  for (const ZoneHandler& zone : ports_[port_index]) {
    if (qname.IsSubdomainOf(zone.route->zone)) {
      if (zone.first) zone.first->Serve(tx);
      else tx.RespondError(wire::Rcode::kServFail);
      return;
    }
  }
  tx.RespondError(wire::Rcode::kRefused);
}

}  // namespace dnsd::server
