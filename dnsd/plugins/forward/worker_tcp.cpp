// The TCP side of the worker: 2-octet length framing, one query at a time per connection,
// connections kept idle for reuse within `expire`.
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "dnsd/plugins/forward/worker.hpp"

namespace dnsd::plugins::forward {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

constexpr std::size_t kMaxIdlePerUpstream = 8;

}  // namespace

void Worker::SendTcp(Exchange* ex) {
  auto& idle = sockets_[ex->upstream].idle;
  std::shared_ptr<TcpConnection> conn;
  while (!ex->fresh_tcp_retry && !idle.empty() && !conn) {
    std::shared_ptr<TcpConnection> candidate = std::move(idle.back());
    idle.pop_back();
    if (Clock::now() - candidate->idle_since < options_.expire) {
      conn = std::move(candidate);
    } else {
      error_code ignored;
      candidate->socket.close(ignored);
    }
  }
  wire::WriteId(ex->query, ex->upstream_id);
  const std::uint64_t generation = ex->generation;
  if (conn) {
    upstream_counters_[ex->upstream]->conn_cache_hits[1].Add();
    conn->reused = true;
    ex->conn = conn;
    return OnTcpConnected(ex, generation);
  }
  upstream_counters_[ex->upstream]->conn_cache_misses[1].Add();
  conn = std::make_shared<TcpConnection>(io_);
  ex->conn = conn;
  ++stats.tcp_connections_opened;
  const auto& upstream = (*shared_->pool)[ex->upstream].endpoint;
  conn->socket.async_connect(asio::ip::tcp::endpoint(upstream.address(), upstream.port()),
                             [self = shared_from_this(), ex, generation, conn](error_code ec) {
                               if (self->shut_down_ || ex->generation != generation) return;
                               if (ec) return self->OnTcpError(ex, generation, pipeline::NetOp::kDial, ec);
                               self->OnTcpConnected(ex, generation);
                             });
}

void Worker::OnTcpConnected(Exchange* ex, std::uint64_t generation) {
  std::shared_ptr<TcpConnection> conn = ex->conn;
  ex->tcp_connected = true;
  conn->length = {static_cast<std::uint8_t>(ex->query.size() >> 8),
                  static_cast<std::uint8_t>(ex->query.size())};
  std::array<asio::const_buffer, 2> out = {asio::buffer(conn->length), asio::buffer(ex->query)};
  asio::async_write(conn->socket, out,
                    [self = shared_from_this(), ex, generation, conn](error_code ec, std::size_t) {
                      if (self->shut_down_ || ex->generation != generation) return;
                      if (ec) return self->OnTcpError(ex, generation, pipeline::NetOp::kWrite, ec);
                      self->ReadTcpLength(ex, generation);
                    });
}

void Worker::ReadTcpLength(Exchange* ex, std::uint64_t generation) {
  std::shared_ptr<TcpConnection> conn = ex->conn;
  asio::async_read(conn->socket, asio::buffer(conn->length),
                   [self = shared_from_this(), ex, generation, conn](error_code ec, std::size_t) {
                     if (self->shut_down_ || ex->generation != generation) return;
                     if (ec) return self->OnTcpError(ex, generation, pipeline::NetOp::kRead, ec);
                     conn->buffer.resize(std::size_t{conn->length[0]} << 8 | conn->length[1]);
                     // A connection closed before the announced length is an upstream error (eof).
                     asio::async_read(
                         conn->socket, asio::buffer(conn->buffer),
                         [self, ex, generation, conn](error_code ec2, std::size_t) {
                           if (self->shut_down_ || ex->generation != generation) return;
                           if (ec2) return self->OnTcpError(ex, generation, pipeline::NetOp::kRead, ec2);
                           if (!self->Matches(ex, conn->buffer)) {
                             self->DropReply(ex->upstream);
                             return self->ReadTcpLength(ex, generation);
                           }
                           const std::size_t upstream = ex->upstream;
                           ex->conn.reset();  // keep it open: it goes back to the idle list
                           self->Answer(ex, conn->buffer);
                           self->KeepIdle(upstream, conn);
                         });
                   });
}

void Worker::OnTcpError(Exchange* ex, std::uint64_t generation, pipeline::NetOp op, error_code ec) {
  if (ex->conn && ex->conn->reused && !ex->fresh_tcp_retry) {
    // The upstream closed the idle connection meanwhile: not its fault, try a new connection.
    error_code ignored;
    ex->conn->socket.close(ignored);
    ex->conn.reset();
    ex->fresh_tcp_retry = true;
    return SendTcp(ex);
  }
  (void)generation;
  NoteFailure(ex, op, ec == asio::error::eof ? pipeline::kFailureEof : ec.value());
  AttemptFailed(ex);
}

void Worker::KeepIdle(std::size_t upstream, std::shared_ptr<TcpConnection> conn) {
  auto& idle = sockets_[upstream].idle;
  if (shut_down_ || idle.size() >= kMaxIdlePerUpstream || !conn->socket.is_open()) {
    error_code ignored;
    conn->socket.close(ignored);
    return;
  }
  conn->idle_since = Clock::now();
  idle.push_back(std::move(conn));
}

}  // namespace dnsd::plugins::forward
