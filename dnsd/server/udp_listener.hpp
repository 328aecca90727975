// A worker's UDP socket on one port: receives in batches with recvmmsg, answers in batches with
// sendmmsg, and replies from the address the query was sent to (IP_PKTINFO), as multi-homed
// hosts need. Batching is why this is hand-written rather than Asio's async_receive_from: one
// wake-up serves up to kBatch queries (bench/compare: hits, misses).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "dnsd/pipeline/transaction_pool.hpp"

namespace dnsd::server {

class Worker;
class UdpTransaction;

// Where a datagram came from and which local address and interface received it.
struct UdpPeer {
  sockaddr_storage address{};
  socklen_t address_length = 0;
  bool has_local = false;
  bool ipv6 = false;
  in_pktinfo local4{};
  in6_pktinfo local6{};
};

class UdpListener {
 public:
  static constexpr std::size_t kBatch = 32;
  static constexpr std::size_t kMaxQuery = 4096;  // larger datagrams are dropped (MSG_TRUNC)

  UdpListener(Worker& worker, std::size_t listen_index, boost::asio::ip::udp::socket socket);
  ~UdpListener();

  void Start();
  void Close();

  // Queues `response` for `peer`; sent with the next flush (deferred once per batch of answers).
  void Send(std::span<const std::uint8_t> response, const UdpPeer& peer);
  void Release(UdpTransaction* tx);

 private:
  void WaitReadable();
  void ReceiveBatch();
  void Serve(std::span<const std::uint8_t> packet, const UdpPeer& peer);
  void Flush();

  Worker& worker_;
  std::size_t listen_index_;
  boost::asio::ip::udp::socket socket_;
  bool closed_ = false;
  boost::asio::ip::address local_address_;
  std::uint16_t local_port_ = 0;

  // Receive side: kBatch slots.
  std::vector<std::array<std::uint8_t, kMaxQuery>> receive_buffers_;
  std::array<std::array<std::uint8_t, 128>, kBatch> receive_control_{};
  std::array<sockaddr_storage, kBatch> receive_from_{};

  // Send side: pending answers, flushed together.
  struct Pending {
    std::vector<std::uint8_t> bytes;
    UdpPeer peer;
  };
  std::vector<Pending> pending_;
  std::size_t pending_count_ = 0;
  bool flush_posted_ = false;

  // Queries in flight and free ones. Those still in flight when the listener goes (dropped
  // unanswered at shutdown) are deleted with it.
  pipeline::TransactionPool<UdpTransaction> transactions_;
};

}  // namespace dnsd::server
