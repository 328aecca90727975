// Scriptable upstream peers on 127.0.0.1 for forward's protocol tests, running on the test's
// io_context: a UDP peer and a TCP peer whose replies a test function decides.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace dnsd::plugins::forward::testing {

namespace asio = boost::asio;
using Bytes = std::vector<std::uint8_t>;

// Runs `io` until `done()` or `limit` passes. Returns done().
template <typename Predicate>
bool RunUntil(asio::io_context& io, Predicate done,
              std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) {
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(5));
  }
  return done();
}

inline void RunFor(asio::io_context& io, std::chrono::milliseconds d) {
  RunUntil(
      io, [] { return false; }, d);
}

class UdpPeer {
 public:
  // Called for each query: the peer, the query, who sent it. Reply with Send().
  using Behaviour = std::function<void(UdpPeer&, const Bytes&, const asio::ip::udp::endpoint&)>;

  UdpPeer(asio::io_context& io, Behaviour behaviour, unsigned short port = 0)
      : socket_(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), port)),
        behaviour_(std::move(behaviour)) {
    Receive();
  }
  asio::ip::udp::endpoint endpoint() const { return socket_.local_endpoint(); }
  void Send(const Bytes& message, const asio::ip::udp::endpoint& to) {
    socket_.send_to(asio::buffer(message), to);
  }
  std::vector<Bytes> queries;
  std::vector<asio::ip::udp::endpoint> sources;

 private:
  void Receive() {
    socket_.async_receive_from(asio::buffer(buffer_), from_, [this](auto ec, std::size_t n) {
      if (ec) return;
      Bytes query(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n));
      queries.push_back(query);
      sources.push_back(from_);
      if (behaviour_) behaviour_(*this, query, from_);
      Receive();
    });
  }
  asio::ip::udp::socket socket_;
  Behaviour behaviour_;
  std::array<std::uint8_t, 65535> buffer_{};
  asio::ip::udp::endpoint from_;
};

class TcpPeer {
 public:
  // Returns the reply to send, or nullopt to close the connection. `cut_short` makes the peer
  // announce the full length but close after half of the reply.
  using Behaviour = std::function<std::optional<Bytes>(const Bytes&)>;

  TcpPeer(asio::io_context& io, Behaviour behaviour, unsigned short port = 0)
      : io_(io),
        acceptor_(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)),
        behaviour_(std::move(behaviour)) {
    Accept();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::vector<Bytes> queries;
  int connections = 0;
  bool cut_short = false;
  bool close_after_reply = false;

 private:
  struct Connection {
    explicit Connection(asio::io_context& io) : socket(io) {}
    asio::ip::tcp::socket socket;
    std::array<std::uint8_t, 2> length{};
    Bytes message;
    Bytes out;
  };
  void Accept() {
    auto conn = std::make_shared<Connection>(io_);
    acceptor_.async_accept(conn->socket, [this, conn](auto ec) {
      if (ec) return;
      ++connections;
      Read(conn);
      Accept();
    });
  }
  void Read(std::shared_ptr<Connection> conn) {
    asio::async_read(conn->socket, asio::buffer(conn->length), [this, conn](auto ec, std::size_t) {
      if (ec) return;
      conn->message.resize(std::size_t{conn->length[0]} << 8 | conn->length[1]);
      asio::async_read(conn->socket, asio::buffer(conn->message),
                       [this, conn](auto ec2, std::size_t) {
                         if (ec2) return;
                         queries.push_back(conn->message);
                         auto reply = behaviour_(conn->message);
                         if (!reply) {
                           conn->socket.close();
                           return;
                         }
                         conn->out = {static_cast<std::uint8_t>(reply->size() >> 8),
                                      static_cast<std::uint8_t>(reply->size())};
                         std::size_t send = cut_short ? reply->size() / 2 : reply->size();
                         conn->out.insert(conn->out.end(), reply->begin(),
                                          reply->begin() + static_cast<std::ptrdiff_t>(send));
                         asio::async_write(conn->socket, asio::buffer(conn->out),
                                           [this, conn](auto ec3, std::size_t) {
                                             if (ec3) return;
                                             if (cut_short || close_after_reply) {
                                               conn->socket.close();
                                               return;
                                             }
                                             Read(conn);
                                           });
                       });
    });
  }
  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  Behaviour behaviour_;
};

}  // namespace dnsd::plugins::forward::testing
