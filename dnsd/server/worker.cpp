#include "dnsd/server/worker.hpp"

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>

#include "dnsd/log/log.hpp"
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
  if (ec == boost::system::errc::address_not_available) {
    return "bind " + address.to_string() + " port " + std::to_string(port) + ": " + ec.message() +
           " (not an address of this host)";
  }
  if (ec) return "bind " + address.to_string() + " port " + std::to_string(port) + ": " + ec.message();
  return {};
}

}  // namespace

Worker::Worker(unsigned index, std::shared_ptr<const Routes> routes, ListenLimits limits)
    : index_(index), limits_(limits) {
  current_.routes = std::move(routes);
  zones_ = BuildChains(current_);
}

Worker::~Worker() {
  // Listeners before handlers (their pooled transactions may point into handlers), handlers before
  // the io_context (member order does the rest).
  listeners_.clear();
  closed_listeners_.clear();
  retired_.clear();
  current_.handlers.clear();
}

std::vector<std::vector<Worker::ZoneHandler>> Worker::BuildChains(Generation& generation) {
  pipeline::WorkerContext context{io_, index_};
  std::map<const Chain*, pipeline::Handler*> built;
  std::vector<std::vector<ZoneHandler>> listeners(listen_addresses_.size());
  for (const ListenRoutes& listener : generation.routes->listeners) {
    std::vector<ZoneHandler> zones;
    for (const ZoneRoute& zone : listener.zones) {
      auto found = built.find(zone.chain.get());
      if (found == built.end()) {
        pipeline::Handler* first = nullptr;
        pipeline::Handler* previous = nullptr;
        auto append = [&](std::unique_ptr<pipeline::Handler> made) {
          if (!made) return;  // a plugin with no part in serving queries (reload)
          generation.handlers.push_back(std::move(made));
          pipeline::Handler* handler = generation.handlers.back().get();
          if (previous) previous->SetNext(handler);
          else first = handler;
          previous = handler;
        };
        // Front handlers first (in plugin order), so they see the queries every plugin answers.
        for (const auto& factory : zone.chain->factories) append(factory->CreateFrontHandler(context));
        for (const auto& factory : zone.chain->factories) append(factory->CreateHandler(context));
        found = built.emplace(zone.chain.get(), first).first;
      }
      zones.push_back({&zone, found->second});
    }
    const ListenAddress address{listener.host, listener.port};
    auto index = std::find(listen_addresses_.begin(), listen_addresses_.end(), address);
    if (index == listen_addresses_.end()) {
      listen_addresses_.push_back(address);
      listeners.emplace_back();
      index = listen_addresses_.end() - 1;
    }
    listeners[static_cast<std::size_t>(index - listen_addresses_.begin())] = std::move(zones);
  }
  return listeners;
}

std::string Worker::OpenListener(std::size_t listen_index) {
  const ListenAddress& listen = listen_addresses_[listen_index];
  std::vector<asio::ip::address> addresses;
  if (listen.host.empty()) {
    addresses = {asio::ip::address_v4::any(), asio::ip::address_v6::any()};
  } else {
    error_code ec;
    addresses = {asio::ip::make_address(listen.host, ec)};
    if (ec) return "\"" + listen.host + "\" is not an IP address";  // bind checked it: not reached
  }
  const std::uint16_t port = listen.port;
  if (listeners_.size() <= listen_index) listeners_.resize(listen_index + 1);
  PortListeners& opened = listeners_[listen_index];
  for (const asio::ip::address& address : addresses) {
    asio::ip::udp::socket udp(io_);
    std::string error = OpenBound<asio::ip::udp::socket, asio::ip::udp>(udp, address, port);
    if (!error.empty()) {
      if (address.is_v6() && listen.host.empty()) {
        if (index_ == 0) dnsd::log::Warning("IPv6 unavailable, serving IPv4 only: " + error);
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
    opened.udp.push_back(std::make_unique<UdpListener>(*this, listen_index, std::move(udp)));
    opened.tcp.push_back(std::make_shared<TcpListener>(*this, listen_index, std::move(tcp)));
  }
  return {};
}

std::string Worker::Listen() {
  for (std::size_t i = 0; i < listen_addresses_.size(); ++i) {
    if (std::string error = OpenListener(i); !error.empty()) return error;
  }
  for (PortListeners& port : listeners_) {
    for (auto& listener : port.udp) listener->Start();
    for (auto& listener : port.tcp) listener->Start();
  }
  listening_ = true;
  return {};
}

std::string Worker::SwapRoutes(std::shared_ptr<const Routes> routes) {
  Generation next;
  next.routes = std::move(routes);
  std::vector<std::vector<ZoneHandler>> zones = BuildChains(next);
  std::string errors;
  listeners_.resize(listen_addresses_.size());
  for (std::size_t i = 0; i < listen_addresses_.size(); ++i) {
    PortListeners& port = listeners_[i];
    const bool served = !zones[i].empty();
    const bool open = !port.udp.empty();
    if (served && !open && listening_) {
      if (std::string error = OpenListener(i); !error.empty()) {
        const ListenAddress& address = listen_addresses_[i];
        errors += (errors.empty() ? "" : "; ") +
                  (address.host.empty() ? std::string("port ") : address.host + " port ") +
                  std::to_string(address.port) + ": " + error;
      }
      for (auto& listener : port.udp) listener->Start();
      for (auto& listener : port.tcp) listener->Start();
    } else if (!served && open) {
      for (auto& listener : port.udp) listener->Close();
      for (auto& listener : port.tcp) listener->Close();
      closed_listeners_.push_back(std::move(port));
      port = PortListeners{};
    }
  }
  // From here on Dispatch uses the new chains; the old ones only finish what they hold.
  zones_ = std::move(zones);
  current_.retired_at = std::chrono::steady_clock::now();
  retired_.push_back(std::move(current_));
  current_ = std::move(next);
  RetireLater();
  return errors;
}

void Worker::RetireLater() {
  retire_timer_.expires_after(limits_.retire_after);
  retire_timer_.async_wait([this](const error_code& ec) {
    if (ec) return;
    const auto cutoff = std::chrono::steady_clock::now() - limits_.retire_after;
    std::erase_if(retired_, [cutoff](const Generation& old) { return old.retired_at <= cutoff; });
    if (!retired_.empty()) RetireLater();
  });
}

void Worker::Run() { io_.run(); }

void Worker::Shutdown() {
  asio::post(io_, [this] {
    CloseListeners();
    DrainThenStop(std::chrono::steady_clock::now() + limits_.drain_grace);
  });
}

void Worker::CloseListeners() {
  retire_timer_.cancel();
  for (PortListeners& port : listeners_) {
    for (auto& listener : port.udp) listener->Close();
    for (auto& listener : port.tcp) listener->Close();
  }
}

void Worker::DrainThenStop(std::chrono::steady_clock::time_point deadline) {
  if (in_flight_ <= 0 || std::chrono::steady_clock::now() >= deadline) {
    io_.stop();
    return;
  }
  drain_timer_.expires_after(std::chrono::milliseconds(10));
  drain_timer_.async_wait([this, deadline](const error_code&) { DrainThenStop(deadline); });
}

void Worker::Dispatch(std::size_t listen_index, pipeline::Transaction& tx) {
  const wire::Name& qname = tx.View().qname;
  for (const ZoneHandler& zone : zones_[listen_index]) {
    if (qname.IsSubdomainOf(zone.route->zone)) {
      if (zone.first) zone.first->Serve(tx);
      else tx.RespondError(wire::Rcode::kServFail);
      return;
    }
  }
  tx.RespondError(wire::Rcode::kRefused);
}

}  // namespace dnsd::server
