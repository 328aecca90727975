// A forwarded UDP query must not touch the heap once the worker is warm (pooled exchanges, queues
// and receive buffers kept): counted by replacing the global operator new for this test binary.
// The upstream is a thread that echoes with plain system calls, so it counts nothing either.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <thread>

#include "dnsd/plugins/forward/forwarder.hpp"
#include "peer.hpp"
#include "test_util.hpp"

#include "../../support/counting_operator_new.hpp"

using dnsd::testing::g_allocations;

namespace dnsd::plugins::forward {
namespace {

namespace ip = boost::asio::ip;
using testing::MakeQuery;
using testing::RecordingTransaction;

// Answers every query with itself, QR set, from a thread of its own.
class EchoUpstream {
 public:
  EchoUpstream() : socket_(io_, ip::udp::endpoint(ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~EchoUpstream() {
    ::shutdown(socket_.native_handle(), SHUT_RDWR);  // wakes the blocked receive
    thread_.join();
  }
  ip::udp::endpoint endpoint() const { return socket_.local_endpoint(); }

 private:
  void Run() {
    std::array<std::uint8_t, 4096> buffer;
    sockaddr_storage from;
    while (true) {
      socklen_t length = sizeof from;
      const ssize_t n = ::recvfrom(socket_.native_handle(), buffer.data(), buffer.size(), 0,
                                   reinterpret_cast<sockaddr*>(&from), &length);
      if (n < 12) return;
      buffer[2] |= 0x80;
      ::sendto(socket_.native_handle(), buffer.data(), static_cast<std::size_t>(n), 0,
               reinterpret_cast<sockaddr*>(&from), length);
    }
  }
  boost::asio::io_context io_;
  ip::udp::socket socket_;
  std::thread thread_;
};

TEST(ForwardNoAllocation, AWarmBurstOfUdpQueriesAllocatesNothingPerQuery) {
  EchoUpstream upstream;
  boost::asio::io_context io;
  ForwardFactory factory(testing::FastOptions({upstream.endpoint()}));
  pipeline::WorkerContext worker{io, 0};
  std::unique_ptr<pipeline::Handler> handler = factory.CreateHandler(worker);
  testing::EndOfChain end;
  handler->SetNext(&end);
  constexpr int kQueries = 32;  // one listener batch
  std::vector<std::unique_ptr<RecordingTransaction>> txs;
  for (int i = 0; i < kQueries; ++i) {
    txs.push_back(std::make_unique<RecordingTransaction>(
        MakeQuery("q" + std::to_string(i) + ".example.org.", wire::type::kA, static_cast<std::uint16_t>(i))));
  }
  auto round = [&](int expected) {
    for (auto& tx : txs) handler->Serve(*tx);
    return testing::RunUntil(io, [&] {
      for (auto& tx : txs) {
        if (tx->responses < expected) return false;
      }
      return true;
    });
  };
  for (int i = 1; i <= 20; ++i) ASSERT_TRUE(round(i));  // every socket of the pool opened, queues grown
  const long before = g_allocations.load();
  constexpr int kRounds = 10;
  for (int i = 21; i < 21 + kRounds; ++i) ASSERT_TRUE(round(i));
  const long allocations = g_allocations.load() - before;
  EXPECT_EQ(allocations, 0) << "over " << kRounds * kQueries << " queries";
}

}  // namespace
}  // namespace dnsd::plugins::forward
