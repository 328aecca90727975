// The start-up probe against a real UDP socket standing in for the server: CoreDNS's timing (one
// attempt at a time, a reply timeout, a pause after a failure, a deadline), scaled down.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>

#include "dnsd/plugins/loop/prober.hpp"

namespace dnsd::plugins::loop {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr ProbeTiming kFast{1200ms, 200ms, 100ms};  // CoreDNS's 30 s, 2 s and 1 s, scaled

// The server the probe is sent to: records each probe (when, which ID) and answers as told.
class FakeServer {
 public:
  enum class Answer { kNever, kWithAnotherId, kServfail };
  FakeServer(asio::io_context& io, Answer answer)
      : socket_(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), answer_(answer) {
    Receive();
  }
  asio::ip::udp::endpoint endpoint() const { return socket_.local_endpoint(); }

  struct Probe {
    Clock::time_point at;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Probe> probes;

 private:
  void Receive() {
    socket_.async_receive_from(asio::buffer(buffer_), from_, [this](boost::system::error_code ec, std::size_t n) {
      if (ec) return;
      probes.push_back({Clock::now(), {buffer_.begin(), buffer_.begin() + n}});
      std::vector<std::uint8_t> reply(buffer_.begin(), buffer_.begin() + n);
      reply[2] |= 0x80;  // QR
      reply[3] = 0x02;   // SERVFAIL: any reply means "no loop"
      if (answer_ == Answer::kWithAnotherId) reply[0] ^= 0xFF;
      if (answer_ != Answer::kNever) socket_.send_to(asio::buffer(reply), from_);
      Receive();
    });
  }
  asio::ip::udp::socket socket_;
  Answer answer_;
  std::array<std::uint8_t, 512> buffer_{};
  asio::ip::udp::endpoint from_;
};

std::shared_ptr<Sightings> NewSightings() {
  return std::make_shared<Sightings>("example.org.", "11.22.example.org.", ":53");
}

// Posts the start of probing; nobody holds the prober but its own pending work (as in LoopFactory).
void StartProbing(asio::io_context& io, std::shared_ptr<Sightings> sightings,
                  const asio::ip::udp::endpoint& target, ProbeTiming timing = kFast) {
  asio::post(io, [p = std::make_shared<Prober>(io, std::move(sightings), target, timing)] { p->Begin(); });
}

// One probing run against a FakeServer, started (posted) on construction.
struct Probing {
  explicit Probing(FakeServer::Answer answer) : server(io, answer) {
    StartProbing(io, sightings, server.endpoint());
  }
  asio::io_context io;
  FakeServer server;
  std::shared_ptr<Sightings> sightings = NewSightings();
};

// Runs the io_context until the sightings are disabled (probing over) or `limit` has passed.
Clock::duration ProbeUntilOver(asio::io_context& io, const Sightings& sightings, Clock::duration limit) {
  const auto start = Clock::now();
  while (!sightings.disabled() && Clock::now() - start < limit) io.run_for(5ms);
  return Clock::now() - start;
}

TEST(LoopProber, SendsTheProbeNameAsHinfoWithRecursionDesired) {
  Probing run(FakeServer::Answer::kServfail);
  auto& [io, server, sightings] = run;
  ProbeUntilOver(io, *sightings, 2s);
  ASSERT_EQ(server.probes.size(), 1u);
  wire::MessageView view;
  ASSERT_EQ(wire::ParseMessage(server.probes[0].bytes, view), wire::WireError::kOk);
  EXPECT_EQ(view.qname.ToString(), "11.22.example.org.");
  EXPECT_EQ(view.qtype, kTypeHinfo);
  EXPECT_EQ(view.qclass, wire::klass::kIN);
  EXPECT_TRUE(view.header.rd());
  EXPECT_FALSE(view.header.qr());
  EXPECT_FALSE(view.edns.has_value());
}

TEST(LoopProber, AnyReplyWithItsIdEndsProbingAtOnce) {
  Probing run(FakeServer::Answer::kServfail);
  auto& [io, server, sightings] = run;
  ProbeUntilOver(io, *sightings, 2s);
  EXPECT_TRUE(sightings->disabled());
  io.run_for(400ms);  // a timed-out attempt would have been repeated by now
  EXPECT_EQ(server.probes.size(), 1u);
}

TEST(LoopProber, AReplyWithAnotherIdIsNoAnswer) {
  Probing run(FakeServer::Answer::kWithAnotherId);
  auto& [io, server, sightings] = run;
  io.run_for(400ms);
  EXPECT_FALSE(sightings->disabled());
  EXPECT_EQ(server.probes.size(), 2u);  // at 0 and 300 ms
}

TEST(LoopProber, WithoutAReplyItRetriesAfterTimeoutAndPauseUntilTheProbingTimeIsUp) {
  const auto start = Clock::now();
  Probing run(FakeServer::Answer::kNever);
  auto& [io, server, sightings] = run;
  // Sightings of a probe that got no reply are forgotten.
  asio::post(io, [&] {
    wire::MessageView view;
    view.qtype = kTypeHinfo;
    view.qname = sightings->probe_name();
    sightings->Count(view);
    sightings->Count(view);
  });
  const auto took = ProbeUntilOver(io, *sightings, 5s);
  ASSERT_TRUE(sightings->disabled());
  EXPECT_EQ(sightings->seen(), 0);
  // Attempts at 0, 300, 600 and 900 ms; the one at 1200 ms would be past the deadline.
  ASSERT_EQ(server.probes.size(), 4u);
  std::set<std::uint16_t> ids;
  for (std::size_t i = 0; i < server.probes.size(); ++i) {
    ids.insert(wire::ReadId(server.probes[i].bytes));
    const auto offset = server.probes[i].at - start;
    EXPECT_GE(offset, i * 300ms) << i;
    EXPECT_LT(offset, i * 300ms + 250ms) << i;
  }
  EXPECT_GE(ids.size(), 3u);  // a new ID each attempt (16 bits: a repeat is possible, not likely)
  EXPECT_GE(took, 1200ms);
  EXPECT_LT(took, 1700ms);
}

TEST(LoopProber, ANothingListeningPortFailsTheAttemptAtOnce) {
  asio::io_context io;
  asio::ip::udp::endpoint closed;
  {
    asio::ip::udp::socket probe(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed = probe.local_endpoint();
  }
  auto sightings = NewSightings();
  ProbeTiming timing{300ms, 10s, 50ms};  // only a refusal can end an attempt before the deadline
  StartProbing(io, sightings, closed, timing);
  const auto took = ProbeUntilOver(io, *sightings, 15s);
  EXPECT_TRUE(sightings->disabled());
  EXPECT_LT(took, 2s);
}

TEST(LoopProber, ProbingEndsWhenTheSightingsAreDisabledFromOutside) {
  Probing run(FakeServer::Answer::kNever);
  auto& [io, server, sightings] = run;
  io.run_for(30ms);
  sightings->Disable();  // what LoopFactory::Stop does on reload and shutdown
  io.run_for(700ms);
  EXPECT_EQ(server.probes.size(), 1u);
}

}  // namespace
}  // namespace dnsd::plugins::loop
