// The HTTP endpoint behind `health` and `ready`: a minimal HTTP/1.1 responder (GET/HEAD, one request
// per connection) on its own thread and io_context, so probes never touch the DNS workers. One
// server per listen address, shared by every directive that names it (looked up with Acquire).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace dnsd::plugins::health {

struct ProbeResponse {
  int status = 200;
  std::string body = "OK";
};

using ProbeRoute = std::function<ProbeResponse()>;

// Splits "HOST:PORT" (":8080", "localhost:8091", "[::1]:8080"); false if it is not of that form.
bool SplitAddress(const std::string& address, std::string& host, unsigned short& port);

class ProbeServer {
 public:
  // The running server for `address`, started (listening) if no one holds it yet; nullptr and
  // `error` set if it cannot listen. The server stops when the last holder releases it.
  static std::shared_ptr<ProbeServer> Acquire(const std::string& address, std::string* error);

  ~ProbeServer();
  ProbeServer(const ProbeServer&) = delete;
  ProbeServer& operator=(const ProbeServer&) = delete;

  // Serves `path` with `route` (called on the server's thread). A second Route for a path replaces it.
  void Route(const std::string& path, ProbeRoute route);
  void Unroute(const std::string& path);
  unsigned short port() const;  // the bound port (useful with port 0)

 private:
  ProbeServer() = default;
  std::string Listen(const std::string& address);
  void Accept();
  ProbeResponse Respond(const std::string& path);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::map<std::string, ProbeRoute> routes_;
};

}  // namespace dnsd::plugins::health
