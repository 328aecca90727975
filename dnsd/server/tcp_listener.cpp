#include "dnsd/server/tcp_listener.hpp"

#include <array>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "dnsd/pipeline/transaction.hpp"
#include "dnsd/server/intake.hpp"
#include "dnsd/server/worker.hpp"
#include "dnsd/wire/builder.hpp"
#include "dnsd/wire/octets.hpp"

namespace dnsd::server {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// A client that stops reading must not make us buffer without bound: past kPauseReadingAt of
// queued answers no further query is read (TCP flow control then holds the client back), and
// answers still due from queries in flight may take the queue up to kMaxQueuedBytes.
constexpr std::size_t kPauseReadingAt = 64 << 10;
constexpr std::size_t kMaxQueuedBytes = 1 << 20;
// While reading is paused, writes must progress at least this often (miekg/dns's writeTimeout).
constexpr std::chrono::milliseconds kWriteTimeout{2000};
// Out of descriptors: accepting again at once would spin; connections close within seconds.
constexpr std::chrono::milliseconds kAcceptRetry{100};


}  // namespace

TcpTransaction::TcpTransaction(std::shared_ptr<TcpConnection> connection, std::vector<std::uint8_t> bytes,
                               const asio::ip::address& client, std::uint16_t client_port,
                               const asio::ip::address& server, std::uint16_t server_port)
    : connection_(std::move(connection)), buffer_(std::move(bytes)) {
  query_ = buffer_;
  transport_ = pipeline::Transport::kTcp;
  client_address_ = client;
  client_port_ = client_port;
  server_address_ = server;
  server_port_ = server_port;
}

void TcpTransaction::Respond(std::span<const std::uint8_t> response) {
  TcpConnection& connection = *connection_;
  connection.Send(response);
  connection.QueryFinished();
  // Deletes this; the connection lives on while its socket or another query holds it.
  connection.listener_->worker().tcp_transactions().Release(this);
}

TcpListener::TcpListener(Worker& worker, std::size_t listen_index, asio::ip::tcp::acceptor acceptor)
    : worker_(worker), listen_index_(listen_index), acceptor_(std::move(acceptor)),
      accept_retry_(acceptor_.get_executor()) {}

void TcpListener::Start() { Accept(); }

void TcpListener::Close() {
  closed_ = true;
  error_code ignored;
  accept_retry_.cancel();
  acceptor_.close(ignored);
}

void TcpListener::Accept() {
  acceptor_.async_accept([self = shared_from_this()](const error_code& ec, asio::ip::tcp::socket socket) {
    if (self->closed_) return;
    if (!ec) {
      if (self->connections_.size() >= self->worker_.limits().tcp_connections_per_worker &&
          !self->CloseLeastRecentlyActiveIdle()) {
        error_code ignored;
        socket.close(ignored);  // over the limit and every connection busy: refuse
      } else {
        std::make_shared<TcpConnection>(self, std::move(socket))->Start();
      }
    } else if (ec != asio::error::operation_aborted && ec != asio::error::connection_aborted) {
      // EMFILE and friends: the pending connection stays queued, so accepting again at once
      // would fail again at once. Retry shortly; descriptors free up as connections close.
      self->accept_retry_.expires_after(kAcceptRetry);
      self->accept_retry_.async_wait([self](const error_code& wait_ec) {
        if (!wait_ec && !self->closed_) self->Accept();
      });
      return;
    }
    self->Accept();
  });
}

TcpListener::Connections::iterator TcpListener::ConnectionOpened(TcpConnection* connection) {
  return connections_.insert(connections_.end(), connection);
}

void TcpListener::ConnectionActive(Connections::iterator position) {
  connections_.splice(connections_.end(), connections_, position);
}

// At the limit a new client is worth more than one that has sat idle longest (RFC 7766 6.2.3:
// under pressure a server should close idle connections first).
bool TcpListener::CloseLeastRecentlyActiveIdle() {
  for (TcpConnection* connection : connections_) {
    if (connection->Idle()) {
      connection->Close();  // erases it from connections_: stop iterating
      return true;
    }
  }
  return false;
}

TcpConnection::TcpConnection(std::shared_ptr<TcpListener> listener, asio::ip::tcp::socket socket)
    : listener_(std::move(listener)), socket_(std::move(socket)), timer_(socket_.get_executor()) {
  error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) {
    client_address_ = remote.address();
    client_port_ = remote.port();
  }
  auto local = socket_.local_endpoint(ec);
  if (!ec) {
    server_address_ = local.address();
    server_port_ = local.port();
  }
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

TcpConnection::~TcpConnection() {
  if (!closed_) listener_->ConnectionClosed(position_);  // torn down with its io_context
}

void TcpConnection::Start() {
  position_ = listener_->ConnectionOpened(this);
  ReadLength();
}

void TcpConnection::Close() {
  if (closed_) return;
  closed_ = true;
  error_code ignored;
  timer_.cancel();
  socket_.close(ignored);
  listener_->ConnectionClosed(position_);
}

void TcpConnection::ArmTimer(std::chrono::milliseconds timeout) {
  timer_.expires_after(timeout);
  timer_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) self->Close();
  });
}

void TcpConnection::ReadLength() {
  const ListenLimits& limits = listener_->worker().limits();
  ArmTimer(first_query_ ? limits.tcp_first_read_timeout : limits.tcp_idle_timeout);
  awaiting_length_ = true;
  asio::async_read(socket_, asio::buffer(length_),
                   [self = shared_from_this()](const error_code& ec, std::size_t) {
                     self->awaiting_length_ = false;
                     if (ec == asio::error::eof && !self->closed_ && (self->in_flight_ > 0 || self->writing_)) {
                       // Half-closed by the client: answer what it asked, then close.
                       self->read_eof_ = true;
                       self->WatchWrites();
                       return;
                     }
                     if (ec || self->closed_) return self->Close();
                     std::size_t length = wire::Read16(self->length_.data());
                     if (length == 0) return self->Close();
                     self->listener_->ConnectionActive(self->position_);
                     self->ReadBody(length);
                   });
}

void TcpConnection::ReadBody(std::size_t length) {
  // The rest of a message must follow promptly; a length prefix larger than what follows times out.
  ArmTimer(listener_->worker().limits().tcp_first_read_timeout);
  body_.resize(length);
  asio::async_read(socket_, asio::buffer(body_),
                   [self = shared_from_this()](const error_code& ec, std::size_t) {
                     if (ec || self->closed_) return self->Close();
                     self->first_query_ = false;
                     self->Serve();
                     if (self->closed_) return;
                     self->ReadNextOrPause();
                   });
}

// Reads the next query unless too many are in flight or too many answers wait to be written.
void TcpConnection::ReadNextOrPause() {
  if (in_flight_ >= listener_->worker().limits().tcp_pipelined_per_connection ||
      queued_bytes_ >= kPauseReadingAt) {
    reading_paused_ = true;
    WatchWrites();
  } else {
    ReadLength();
  }
}

void TcpConnection::ResumeReading() {
  if (!reading_paused_ || closed_) return;
  reading_paused_ = false;
  ReadNextOrPause();
}

// The read timer does not run while reading is paused or the client has half-closed: then the
// writes must progress instead, or the client is not reading and the connection is closed.
void TcpConnection::WatchWrites() {
  if (closed_ || (!reading_paused_ && !read_eof_)) return;
  if (writing_) {
    ArmTimer(kWriteTimeout);
  } else {
    timer_.cancel();
  }
}

void TcpConnection::Serve() {
  wire::MessageView view;
  Intake intake = ExamineQuery(body_, view);
  if (intake.verdict == IntakeVerdict::kDrop) return;
  if (intake.verdict == IntakeVerdict::kReject) {
    std::array<std::uint8_t, wire::kHeaderSize> reply;
    Send({reply.data(), wire::BuildHeaderOnlyResponse(body_, intake.rcode, reply)});
    return;
  }
  ++in_flight_;
  TcpTransaction* tx = listener_->worker().tcp_transactions().Acquire(
      shared_from_this(), std::move(body_), client_address_, client_port_, server_address_, server_port_);
  body_ = {};
  tx->MutableView() = view;
  Worker& worker = listener_->worker();
  worker.QueryStarted();
  worker.Dispatch(listener_->listen_index(), *tx);
}

void TcpConnection::QueryFinished() {
  --in_flight_;
  listener_->worker().QueryFinished();
  ResumeReading();
  CloseIfDone();
}

void TcpConnection::CloseIfDone() {
  if (read_eof_ && in_flight_ == 0 && !writing_) Close();
}

void TcpConnection::Send(std::span<const std::uint8_t> response) {
  if (closed_) return;
  if (queued_bytes_ + response.size() > kMaxQueuedBytes) return Close();
  std::vector<std::uint8_t> framed(response.size() + 2);
  wire::Write16(framed.data(), static_cast<std::uint16_t>(response.size()));
  std::copy(response.begin(), response.end(), framed.begin() + 2);
  queued_bytes_ += framed.size();
  writes_.push_back(std::move(framed));
  if (!writing_) WriteNext();
}

void TcpConnection::WriteNext() {
  if (writes_.empty() || closed_) {
    writing_ = false;
    WatchWrites();
    CloseIfDone();
    return;
  }
  writing_ = true;
  WatchWrites();  // each write that completes re-arms the write timeout
  asio::async_write(socket_, asio::buffer(writes_.front()),
                    [self = shared_from_this()](const error_code& ec, std::size_t) {
                      if (ec) return self->Close();
                      self->queued_bytes_ -= self->writes_.front().size();
                      self->writes_.pop_front();
                      self->WriteNext();
                      self->ResumeReading();
                    });
}

}  // namespace dnsd::server
