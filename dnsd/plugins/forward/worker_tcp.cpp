// The TCP side of the worker: 2-octet length framing, one query at a time per connection,
// connections kept idle for reuse within `expire`. DNS over TLS is the same over a TLS stream.
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "dnsd/plugins/forward/tls.hpp"
#include "dnsd/plugins/forward/worker.hpp"
#include "dnsd/wire/octets.hpp"

namespace dnsd::plugins::forward {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

constexpr std::size_t kMaxIdlePerUpstream = 8;

// Reads and writes on the connection's TLS stream when it has one, else on its socket.
template <typename Connection, typename Buffers, typename Handler>
void Write(Connection& conn, const Buffers& buffers, Handler&& handler) {
  if (conn.tls) {
    asio::async_write(*conn.tls, buffers, std::forward<Handler>(handler));
  } else {
    asio::async_write(conn.socket, buffers, std::forward<Handler>(handler));
  }
}
template <typename Connection, typename Buffers, typename Handler>
void Read(Connection& conn, const Buffers& buffers, Handler&& handler) {
  if (conn.tls) {
    asio::async_read(*conn.tls, buffers, std::forward<Handler>(handler));
  } else {
    asio::async_read(conn.socket, buffers, std::forward<Handler>(handler));
  }
}

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
  const bool tls = (*shared_->pool)[ex->upstream].tls;
  const std::size_t proto = tls ? kProtoTls : kProtoTcp;
  if (conn) {
    upstream_counters_[ex->upstream]->conn_cache_hits[proto].Add();
    conn->reused = true;
    ex->conn = conn;
    return OnTcpConnected(ex, generation);
  }
  upstream_counters_[ex->upstream]->conn_cache_misses[proto].Add();
  conn = std::make_shared<TcpConnection>(io_);
  ex->conn = conn;
  const auto& upstream = (*shared_->pool)[ex->upstream].endpoint;
  if (tls) {
    // Setup always makes a context; preparing a connection fails only when OpenSSL is out of memory.
    const error_code unusable = asio::error::make_error_code(asio::error::no_memory);
    if (!options_.tls.context) return OnTcpError(ex, generation, pipeline::NetOp::kDial, unusable);
    conn->tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(conn->socket,
                                                                            *options_.tls.context);
    if (!PrepareTlsConnection(conn->tls->native_handle(), options_.tls.server_name,
                              upstream.address())) {
      return OnTcpError(ex, generation, pipeline::NetOp::kDial, unusable);
    }
  }
  conn->socket.async_connect(asio::ip::tcp::endpoint(upstream.address(), upstream.port()),
                             [self = shared_from_this(), ex, generation, conn, tls](error_code ec) {
                               if (self->shut_down_ || ex->generation != generation) return;
                               if (ec) return self->OnTcpError(ex, generation, pipeline::NetOp::kDial, ec);
                               if (tls) return self->StartTls(ex, generation);
                               self->OnTcpConnected(ex, generation);
                             });
}

// A failed handshake (no TLS there, or a certificate that does not verify for the name) is an
// upstream error like a refused connection: the next upstream is tried.
void Worker::StartTls(Exchange* ex, std::uint64_t generation) {
  std::shared_ptr<TcpConnection> conn = ex->conn;
  conn->tls->async_handshake(asio::ssl::stream_base::client,
                             [self = shared_from_this(), ex, generation, conn](error_code ec) {
                               if (self->shut_down_ || ex->generation != generation) return;
                               if (ec) return self->OnTcpError(ex, generation, pipeline::NetOp::kDial, ec);
                               self->OnTcpConnected(ex, generation);
                             });
}

void Worker::OnTcpConnected(Exchange* ex, std::uint64_t generation) {
  std::shared_ptr<TcpConnection> conn = ex->conn;
  ex->tcp_connected = true;
  wire::Write16(conn->length.data(), static_cast<std::uint16_t>(ex->query.size()));
  std::array<asio::const_buffer, 2> out = {asio::buffer(conn->length), asio::buffer(ex->query)};
  Write(*conn, out,
                    [self = shared_from_this(), ex, generation, conn](error_code ec, std::size_t) {
                      if (self->shut_down_ || ex->generation != generation) return;
                      if (ec) return self->OnTcpError(ex, generation, pipeline::NetOp::kWrite, ec);
                      self->ReadTcpLength(ex, generation);
                    });
}

void Worker::ReadTcpLength(Exchange* ex, std::uint64_t generation) {
  std::shared_ptr<TcpConnection> conn = ex->conn;
  Read(*conn, asio::buffer(conn->length),
                   [self = shared_from_this(), ex, generation, conn](error_code ec, std::size_t) {
                     if (self->shut_down_ || ex->generation != generation) return;
                     if (ec) return self->OnTcpError(ex, generation, pipeline::NetOp::kRead, ec);
                     conn->buffer.resize(wire::Read16(conn->length.data()));
                     // A connection closed before the announced length is an upstream error (eof).
                     Read(
                         *conn, asio::buffer(conn->buffer),
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
