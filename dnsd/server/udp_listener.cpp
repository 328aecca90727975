#include "dnsd/server/udp_listener.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/defer.hpp>
#include <cerrno>
#include <cstring>

#include "dnsd/pipeline/transaction.hpp"
#include "dnsd/server/intake.hpp"
#include "dnsd/server/worker.hpp"
#include "dnsd/wire/builder.hpp"

namespace dnsd::server {

namespace asio = boost::asio;

class UdpTransaction final : public pipeline::Transaction, public pipeline::PoolLink {
 public:
  explicit UdpTransaction(UdpListener& listener) : listener_(listener) { buffer_.reserve(512); }

  // Copies the packet so the receive slot can be reused while this query waits for upstream.
  std::span<const std::uint8_t> Load(std::span<const std::uint8_t> packet, const UdpPeer& peer,
                                     const asio::ip::address& server_address,
                                     std::uint16_t server_port) {
    buffer_.assign(packet.begin(), packet.end());
    query_ = buffer_;
    peer_ = peer;
    transport_ = pipeline::Transport::kUdp;
    client_address_ = PeerAddress(peer, &client_port_);
    server_address_ = server_address;
    server_port_ = server_port;
    return query_;
  }
  wire::MessageView& MutableView() { return view_; }

  void Respond(std::span<const std::uint8_t> response) override {
    if (response.size() > MaxResponseSize()) {
      std::array<std::uint8_t, kErrorResponseCapacity + 64> truncated;
      std::size_t length = wire::BuildTruncated(response, truncated);
      if (length != 0) listener_.Send({truncated.data(), length}, peer_);
    } else {
      listener_.Send(response, peer_);
    }
    listener_.Release(this);
  }

  static asio::ip::address PeerAddress(const UdpPeer& peer, std::uint16_t* port) {
    if (peer.address.ss_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&peer.address);
      asio::ip::address_v6::bytes_type bytes;
      std::memcpy(bytes.data(), &sin6->sin6_addr, 16);
      *port = ntohs(sin6->sin6_port);
      return asio::ip::address_v6(bytes, sin6->sin6_scope_id);
    }
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&peer.address);
    *port = ntohs(sin->sin_port);
    return asio::ip::address_v4(ntohl(sin->sin_addr.s_addr));
  }

 private:
  UdpListener& listener_;
  std::vector<std::uint8_t> buffer_;
  UdpPeer peer_;
};

UdpListener::UdpListener(Worker& worker, std::size_t listen_index, asio::ip::udp::socket socket)
    : worker_(worker), listen_index_(listen_index), socket_(std::move(socket)),
      receive_buffers_(kBatch), pending_(kBatch) {
  socket_.non_blocking(true);
  const int on = 1;
  const bool v6 = socket_.local_endpoint().address().is_v6();
  if (v6) {
    ::setsockopt(socket_.native_handle(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
  } else {
    ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
  }
  local_address_ = socket_.local_endpoint().address();
  local_port_ = socket_.local_endpoint().port();
}

UdpListener::~UdpListener() = default;

void UdpListener::Start() { WaitReadable(); }

void UdpListener::Close() {
  closed_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void UdpListener::WaitReadable() {
  socket_.async_wait(asio::ip::udp::socket::wait_read, [this](const boost::system::error_code& ec) {
    if (ec || closed_) return;
    ReceiveBatch();
    WaitReadable();
  });
}

namespace {

void ReadPacketInfo(msghdr& header, UdpPeer& peer) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      std::memcpy(&peer.local4, CMSG_DATA(c), sizeof peer.local4);
      peer.local4.ipi_spec_dst = peer.local4.ipi_addr;  // answer from the address asked
      peer.local4.ipi_ifindex = 0;
      peer.has_local = true;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      std::memcpy(&peer.local6, CMSG_DATA(c), sizeof peer.local6);
      peer.has_local = true;
      peer.ipv6 = true;
    }
  }
}

}  // namespace

void UdpListener::ReceiveBatch() {
  // Drain the socket: a wake-up may carry many datagrams; stop after a few batches to stay fair
  // to the other sockets on this worker.
  for (int round = 0; round < 8 && !closed_; ++round) {
    std::array<mmsghdr, kBatch> messages{};
    std::array<iovec, kBatch> vectors{};
    for (std::size_t i = 0; i < kBatch; ++i) {
      vectors[i] = {receive_buffers_[i].data(), kMaxQuery};
      msghdr& h = messages[i].msg_hdr;
      h.msg_name = &receive_from_[i];
      h.msg_namelen = sizeof(sockaddr_storage);
      h.msg_iov = &vectors[i];
      h.msg_iovlen = 1;
      h.msg_control = receive_control_[i].data();
      h.msg_controllen = receive_control_[i].size();
    }
    int received = ::recvmmsg(socket_.native_handle(), messages.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (received <= 0) return;
    for (int i = 0; i < received; ++i) {
      msghdr& h = messages[i].msg_hdr;
      if (h.msg_flags & MSG_TRUNC) continue;  // over kMaxQuery: not a query we serve
      UdpPeer peer;
      std::memcpy(&peer.address, &receive_from_[i], h.msg_namelen);
      peer.address_length = h.msg_namelen;
      ReadPacketInfo(h, peer);
      Serve({receive_buffers_[i].data(), messages[i].msg_len}, peer);
    }
    if (static_cast<std::size_t>(received) < kBatch) return;
  }
}

void UdpListener::Serve(std::span<const std::uint8_t> packet, const UdpPeer& peer) {
  wire::MessageView view;
  Intake intake = ExamineQuery(packet, view);
  if (intake.verdict == IntakeVerdict::kDrop) return;
  if (intake.verdict == IntakeVerdict::kReject) {
    std::array<std::uint8_t, wire::kHeaderSize> reply;
    Send({reply.data(), wire::BuildHeaderOnlyResponse(packet, intake.rcode, reply)}, peer);
    return;
  }
  UdpTransaction* tx = transactions_.Acquire(*this);
  tx->Load(packet, peer, local_address_, local_port_);
  tx->MutableView() = view;  // offsets only: valid for the copied bytes too
  worker_.QueryStarted();
  worker_.Dispatch(listen_index_, *tx);
}

void UdpListener::Release(UdpTransaction* tx) {
  worker_.QueryFinished();
  transactions_.Release(tx);
}

void UdpListener::Send(std::span<const std::uint8_t> response, const UdpPeer& peer) {
  if (closed_) return;
  if (pending_count_ == pending_.size()) Flush();
  Pending& slot = pending_[pending_count_++];
  slot.bytes.assign(response.begin(), response.end());
  slot.peer = peer;
  if (!flush_posted_) {
    flush_posted_ = true;
    // defer, not post: on the worker's own thread it queues without waking the reactor (post costs
    // an epoll_ctl per batch; bench/compare, hits and misses).
    asio::defer(worker_.io(), [this] { Flush(); });
  }
}

void UdpListener::Flush() {
  flush_posted_ = false;
  if (pending_count_ == 0 || closed_) {
    pending_count_ = 0;
    return;
  }
  std::array<mmsghdr, kBatch> messages{};
  std::array<iovec, kBatch> vectors{};
  std::array<std::array<std::uint8_t, CMSG_SPACE(sizeof(in6_pktinfo))>, kBatch> control{};
  for (std::size_t i = 0; i < pending_count_; ++i) {
    Pending& p = pending_[i];
    vectors[i] = {p.bytes.data(), p.bytes.size()};
    msghdr& h = messages[i].msg_hdr;
    h.msg_name = &p.peer.address;
    h.msg_namelen = p.peer.address_length;
    h.msg_iov = &vectors[i];
    h.msg_iovlen = 1;
    if (p.peer.has_local) {
      h.msg_control = control[i].data();
      h.msg_controllen = p.peer.ipv6 ? CMSG_SPACE(sizeof(in6_pktinfo)) : CMSG_SPACE(sizeof(in_pktinfo));
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      if (p.peer.ipv6) {
        c->cmsg_level = IPPROTO_IPV6;
        c->cmsg_type = IPV6_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
        std::memcpy(CMSG_DATA(c), &p.peer.local6, sizeof(in6_pktinfo));
      } else {
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        std::memcpy(CMSG_DATA(c), &p.peer.local4, sizeof(in_pktinfo));
      }
    }
  }
  std::size_t sent = 0;
  while (sent < pending_count_) {
    int n = ::sendmmsg(socket_.native_handle(), messages.data() + sent,
                       static_cast<unsigned>(pending_count_ - sent), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      ++sent;  // this datagram failed (e.g. unreachable client): skip it, send the rest
      continue;
    }
    sent += static_cast<std::size_t>(n);
  }
  pending_count_ = 0;
}

}  // namespace dnsd::server
