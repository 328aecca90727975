#include "dnsd/plugins/health/probe_server.hpp"

#include <sys/socket.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <chrono>
#include <istream>

namespace dnsd::plugins::health {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

// Enough for any probe's request line and headers; a longer request is just closed.
constexpr std::size_t kMaxRequest = 8192;
constexpr auto kRequestTimeout = std::chrono::seconds(5);

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

// One client connection: read the request head, answer, close.
struct Connection : std::enable_shared_from_this<Connection> {
  Connection(tcp::socket s, std::function<ProbeResponse(const std::string&)> respond)
      : socket(std::move(s)), timer(socket.get_executor()), request(kMaxRequest),
        respond(std::move(respond)) {}

  tcp::socket socket;
  asio::steady_timer timer;
  asio::streambuf request;
  std::string reply;
  std::function<ProbeResponse(const std::string&)> respond;

  void Start() {
    timer.expires_after(kRequestTimeout);
    timer.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->Close();
    });
    asio::async_read_until(socket, request, "\r\n\r\n",
                           [self = shared_from_this()](error_code ec, std::size_t) {
                             if (ec) return self->Close();
                             self->Answer();
                           });
  }
  void Answer() {
    std::istream in(&request);
    std::string method, target, version;
    in >> method >> target >> version;
    ProbeResponse response{400, "Bad Request\n"};
    if (!target.empty() && target[0] == '/' && version.rfind("HTTP/1.", 0) == 0) {
      if (std::size_t q = target.find('?'); q != std::string::npos) target.resize(q);
      response = respond(target);
    }
    reply = "HTTP/1.1 " + std::to_string(response.status) + " " + Reason(response.status) +
            "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
            std::to_string(response.body.size()) + "\r\nConnection: close\r\n\r\n";
    if (method != "HEAD") reply += response.body;
    asio::async_write(socket, asio::buffer(reply), [self = shared_from_this()](error_code, std::size_t) {
      error_code ignored;
      self->socket.shutdown(tcp::socket::shutdown_send, ignored);
      self->Close();
    });
  }
  void Close() {
    timer.cancel();
    error_code ignored;
    socket.close(ignored);
  }
};

std::mutex registry_mutex;
std::map<std::string, std::weak_ptr<ProbeServer>>& Registry() {
  static std::map<std::string, std::weak_ptr<ProbeServer>> servers;
  return servers;
}

}  // namespace

bool SplitAddress(const std::string& address, std::string& host, unsigned short& port) {
  std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string_view digits(address.data() + colon + 1, address.size() - colon - 1);
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || value > 65535)
    return false;
  port = static_cast<unsigned short>(value);
  return true;
}

std::shared_ptr<ProbeServer> ProbeServer::Acquire(const std::string& address, std::string* error) {
  std::lock_guard lock(registry_mutex);
  auto& servers = Registry();
  if (auto it = servers.find(address); it != servers.end()) {
    if (auto server = it->second.lock()) return server;
  }
  std::shared_ptr<ProbeServer> server(new ProbeServer());
  std::string why = server->Listen(address);
  if (!why.empty()) {
    if (error) *error = why;
    return nullptr;
  }
  servers[address] = server;
  return server;
}

std::string ProbeServer::Listen(const std::string& address) {
  std::string host;
  unsigned short port = 0;
  if (!SplitAddress(address, host, port)) return "invalid address \"" + address + "\" (want HOST:PORT)";
  error_code ec;
  tcp::endpoint endpoint;
  if (host.empty()) {
    endpoint = tcp::endpoint(tcp::v6(), port);  // dual-stack, as Go's ":PORT"
  } else {
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) return "cannot resolve \"" + host + "\": " + ec.message();
    endpoint = results.begin()->endpoint();
  }
  acceptor_.open(endpoint.protocol(), ec);
  if (ec && host.empty()) {  // no IPv6 on this host
    endpoint = tcp::endpoint(tcp::v4(), port);
    acceptor_.open(endpoint.protocol(), ec);
  }
  if (ec) return "listen " + address + ": " + ec.message();
  if (endpoint.protocol() == tcp::v6() && host.empty()) acceptor_.set_option(asio::ip::v6_only(false), ec);
  acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  // As CoreDNS (reuseport.Listen): a reloaded config can listen before the old one lets go.
  acceptor_.set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
  acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return "listen " + address + ": " + ec.message();
  Accept();
  thread_ = std::thread([this] { io_.run(); });
  return {};
}

ProbeServer::~ProbeServer() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void ProbeServer::Accept() {
  acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      std::make_shared<Connection>(std::move(socket), [this](const std::string& path) {
        return Respond(path);
      })->Start();
    }
    Accept();
  });
}

ProbeResponse ProbeServer::Respond(const std::string& path) {
  ProbeRoute route;
  {
    std::lock_guard lock(mutex_);
    auto it = routes_.find(path);
    if (it != routes_.end()) route = it->second;
  }
  if (!route) return {404, "404 page not found\n"};
  return route();
}

void ProbeServer::Route(const std::string& path, ProbeRoute route) {
  std::lock_guard lock(mutex_);
  routes_[path] = std::move(route);
}

void ProbeServer::Unroute(const std::string& path) {
  std::lock_guard lock(mutex_);
  routes_.erase(path);
}

unsigned short ProbeServer::port() const {
  error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

}  // namespace dnsd::plugins::health
