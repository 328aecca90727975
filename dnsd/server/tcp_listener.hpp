// A worker's TCP acceptor on one port and the connections it accepted: 2-byte length framing,
// several queries in flight per connection answered in completion order, first-read, idle and
// write timeouts, reading paused while answers queue up, and a per-worker connection limit at
// which the connection idle the longest makes room for a new one.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <span>
#include <vector>

#include "dnsd/pipeline/transaction.hpp"
#include "dnsd/pipeline/transaction_pool.hpp"

namespace dnsd::server {

class Worker;
class TcpConnection;

// One query read from a connection, until it is answered. Owned by the worker's pool (not by the
// connection: it holds the connection, so one dropped unanswered at shutdown is still freed).
class TcpTransaction final : public pipeline::Transaction, public pipeline::PoolLink {
 public:
  TcpTransaction(std::shared_ptr<TcpConnection> connection, std::vector<std::uint8_t> bytes,
                 const boost::asio::ip::address& client, std::uint16_t client_port,
                 const boost::asio::ip::address& server, std::uint16_t server_port);
  wire::MessageView& MutableView() { return view_; }
  void Respond(std::span<const std::uint8_t> response) override;

 private:
  std::shared_ptr<TcpConnection> connection_;
  std::vector<std::uint8_t> buffer_;
};

class TcpListener : public std::enable_shared_from_this<TcpListener> {
 public:
  // Open connections, the least recently active first.
  using Connections = std::list<TcpConnection*>;

  TcpListener(Worker& worker, std::size_t listen_index, boost::asio::ip::tcp::acceptor acceptor);
  void Start();
  void Close();

  Worker& worker() { return worker_; }
  std::size_t listen_index() const { return listen_index_; }
  Connections::iterator ConnectionOpened(TcpConnection* connection);
  void ConnectionActive(Connections::iterator position);
  void ConnectionClosed(Connections::iterator position) { connections_.erase(position); }

 private:
  void Accept();
  bool CloseLeastRecentlyActiveIdle();

  Worker& worker_;
  std::size_t listen_index_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;
  Connections connections_;
  bool closed_ = false;
};

class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
 public:
  TcpConnection(std::shared_ptr<TcpListener> listener, boost::asio::ip::tcp::socket socket);
  ~TcpConnection();
  void Start();
  void Close();
  bool closed() const { return closed_; }
  // Waiting for a client's next query with nothing in flight and nothing to write.
  bool Idle() const { return awaiting_length_ && in_flight_ == 0 && !writing_; }
  // Frames and queues one answer; called by a finished transaction.
  void Send(std::span<const std::uint8_t> response);
  void QueryFinished();

 private:
  friend class TcpTransaction;
  void ReadLength();
  void ReadBody(std::size_t length);
  void ReadNextOrPause();
  void ResumeReading();
  void Serve();
  void WriteNext();
  void WatchWrites();
  void ArmTimer(std::chrono::milliseconds timeout);
  void CloseIfDone();

  std::shared_ptr<TcpListener> listener_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  std::array<std::uint8_t, 2> length_{};
  std::vector<std::uint8_t> body_;
  std::deque<std::vector<std::uint8_t>> writes_;
  std::size_t queued_bytes_ = 0;
  std::size_t in_flight_ = 0;
  bool reading_paused_ = false;
  bool writing_ = false;
  bool closed_ = false;
  bool first_query_ = true;
  bool read_eof_ = false;
  bool awaiting_length_ = false;
  TcpListener::Connections::iterator position_;
  boost::asio::ip::address client_address_, server_address_;
  std::uint16_t client_port_ = 0, server_port_ = 0;
};

}  // namespace dnsd::server
