// Several forward instances in one chain, `next RCODE` and `failover RCODE`, with real sockets.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

#include "dnsd/plugins/forward/forwarder.hpp"
#include "peer.hpp"
#include "test_util.hpp"

namespace dnsd::plugins::forward {
namespace {

using namespace std::chrono_literals;
using testing::AnswerAddress;
using testing::Bytes;
using testing::MakeQuery;
using testing::MakeReply;
using testing::RecordingTransaction;
using testing::RunUntil;
using testing::UdpPeer;
namespace ip = boost::asio::ip;

// A peer that answers every query with `rcode` and the A record `address`.
UdpPeer::Behaviour AnswerRcode(std::uint16_t rcode, std::uint32_t address) {
  return [rcode, address](UdpPeer& peer, const Bytes& q, const ip::udp::endpoint& from) {
    peer.Send(MakeReply(q, address, rcode), from);
  };
}

class ForwardChain : public ::testing::Test {
 protected:
  static Options Base(std::vector<ip::udp::endpoint> upstreams) {
    return testing::FastOptions(std::move(upstreams));
  }
  // Links one forward per Options, in order, then `end`.
  void Make(std::vector<Options> instances) {
    pipeline::WorkerContext worker{io, 0};
    for (Options& options : instances) {
      factories.push_back(std::make_unique<ForwardFactory>(std::move(options)));
      handlers.push_back(factories.back()->CreateHandler(worker));
      if (handlers.size() > 1) handlers[handlers.size() - 2]->SetNext(handlers.back().get());
    }
    handlers.back()->SetNext(&end);
  }
  std::unique_ptr<RecordingTransaction> Ask(const std::string& name = "www.example.org.") {
    auto tx = std::make_unique<RecordingTransaction>(MakeQuery(name, wire::type::kA, 0x4321));
    handlers.front()->Serve(*tx);
    EXPECT_TRUE(RunUntil(io, [&] { return tx->responses > 0; })) << "no response";
    EXPECT_EQ(tx->responses, 1);
    return tx;
  }
  static unsigned RcodeOf(const RecordingTransaction& tx) { return tx.response()[3] & 0x0F; }

  boost::asio::io_context io;
  testing::EndOfChain end;
  std::vector<std::unique_ptr<ForwardFactory>> factories;
  std::vector<std::unique_ptr<pipeline::Handler>> handlers;
};

TEST_F(ForwardChain, NamesOutsideFromOrInExceptGoToTheNextForward) {
  UdpPeer zone(io, AnswerRcode(0, 0x0A000001));
  UdpPeer rest(io, AnswerRcode(0, 0x0A000002));
  Options first = Base({zone.endpoint()});
  first.from = "example.org.";
  first.except = {"private.example.org."};
  Make({first, Base({rest.endpoint()})});
  EXPECT_EQ(AnswerAddress(Ask("www.example.org.")->response()), 0x0A000001u);
  EXPECT_EQ(AnswerAddress(Ask("www.example.net.")->response()), 0x0A000002u);
  EXPECT_EQ(AnswerAddress(Ask("a.private.example.org.")->response()), 0x0A000002u);
  EXPECT_EQ(zone.queries.size(), 1u);
  EXPECT_EQ(rest.queries.size(), 2u);
}

TEST_F(ForwardChain, NamesNoForwardHandlesGoToTheNextPlugin) {
  UdpPeer zone(io, AnswerRcode(0, 1));
  Options first = Base({zone.endpoint()});
  first.from = "example.org.";
  Make({first});
  EXPECT_EQ(RcodeOf(*Ask("www.example.net.")), 3u);
  EXPECT_EQ(end.calls, 1);
}

TEST_F(ForwardChain, NextRcodeHandsTheQueryToTheNextForward) {
  UdpPeer nx(io, AnswerRcode(3, 0x0A000001));
  UdpPeer knows(io, AnswerRcode(0, 0x0A000002));
  Options first = Base({nx.endpoint()});
  first.next_rcodes = RcodeSet{1} << 3;
  Make({first, Base({knows.endpoint()})});
  auto tx = Ask();
  EXPECT_EQ(RcodeOf(*tx), 0u);
  EXPECT_EQ(AnswerAddress(tx->response()), 0x0A000002u);
  EXPECT_EQ(wire::ReadId(tx->response()), 0x4321);
  EXPECT_EQ(nx.queries.size(), 1u);
  EXPECT_EQ(knows.queries.size(), 1u);
}

TEST_F(ForwardChain, NextRcodeIsIgnoredWhenNoForwardFollows) {
  UdpPeer nx(io, AnswerRcode(3, 0x0A000001));
  Options only = Base({nx.endpoint()});
  only.next_rcodes = RcodeSet{1} << 3;
  Make({only});
  EXPECT_EQ(RcodeOf(*Ask()), 3u) << "CoreDNS: next only hands over to another forward";
  EXPECT_EQ(end.calls, 0);
}

// BADCOOKIE (23) is header rcode 7 with extended rcode 1 in the OPT record.
TEST_F(ForwardChain, ExtendedRcodesMatchWithTheirEdnsBits) {
  UdpPeer cookie(io, [](UdpPeer& peer, const Bytes& q, const ip::udp::endpoint& from) {
    Bytes reply = MakeReply(q, 0, 7, /*with_answer=*/false);
    reply[11] = 1;  // ARCOUNT
    for (std::uint8_t octet : {0, 0, 41, 0x10, 0, 1, 0, 0, 0, 0, 0}) reply.push_back(octet);
    peer.Send(reply, from);
  });
  UdpPeer knows(io, AnswerRcode(0, 0x0A000002));
  Options first = Base({cookie.endpoint()});
  first.next_rcodes = RcodeSet{1} << 23;
  Make({first, Base({knows.endpoint()})});
  EXPECT_EQ(AnswerAddress(Ask()->response()), 0x0A000002u);
  first = Base({cookie.endpoint()});
  first.next_rcodes = RcodeSet{1} << 7;  // YXRRSET: the header bits alone do not match
  factories.clear();
  handlers.clear();
  Make({first, Base({knows.endpoint()})});
  EXPECT_EQ(RcodeOf(*Ask()), 7u);
}

TEST_F(ForwardChain, OtherRcodesAreAnsweredDespiteNext) {
  UdpPeer fail(io, AnswerRcode(2, 0));
  UdpPeer knows(io, AnswerRcode(0, 0x0A000002));
  Options first = Base({fail.endpoint()});
  first.next_rcodes = RcodeSet{1} << 3;
  Make({first, Base({knows.endpoint()})});
  EXPECT_EQ(RcodeOf(*Ask()), 2u);
  EXPECT_EQ(knows.queries.size(), 0u);
}

TEST_F(ForwardChain, FailoverRcodeTriesTheNextUpstream) {
  UdpPeer fail(io, AnswerRcode(2, 0));
  UdpPeer good(io, AnswerRcode(0, 0x0A000002));
  Options options = Base({fail.endpoint(), good.endpoint()});
  options.failover_rcodes = RcodeSet{1} << 2;
  Make({options});
  auto tx = Ask();
  EXPECT_EQ(RcodeOf(*tx), 0u);
  EXPECT_EQ(AnswerAddress(tx->response()), 0x0A000002u);
  EXPECT_EQ(fail.queries.size(), 1u);
}

TEST_F(ForwardChain, WhenEveryUpstreamFailsOverTheLastReplyIsAnswered) {
  UdpPeer a(io, AnswerRcode(5, 0));
  UdpPeer b(io, AnswerRcode(2, 0));
  Options options = Base({a.endpoint(), b.endpoint()});
  options.failover_rcodes = RcodeSet{1} << 2 | RcodeSet{1} << 5;
  Make({options});
  auto tx = Ask();
  EXPECT_EQ(RcodeOf(*tx), 2u) << "one try per upstream, then the reply as it is";
  EXPECT_EQ(a.queries.size(), 1u);
  EXPECT_EQ(b.queries.size(), 1u);
}

TEST_F(ForwardChain, WithoutFailoverAnRcodeIsTheAnswer) {
  UdpPeer fail(io, AnswerRcode(2, 0));
  UdpPeer good(io, AnswerRcode(0, 0x0A000002));
  Make({Base({fail.endpoint(), good.endpoint()})});
  EXPECT_EQ(RcodeOf(*Ask()), 2u);
  EXPECT_EQ(good.queries.size(), 0u);
}

TEST_F(ForwardChain, FailoverComesBeforeNext) {
  UdpPeer fail(io, AnswerRcode(2, 0));
  UdpPeer nx(io, AnswerRcode(3, 0));
  UdpPeer knows(io, AnswerRcode(0, 0x0A000003));
  Options first = Base({fail.endpoint(), nx.endpoint()});
  first.failover_rcodes = RcodeSet{1} << 2;
  first.next_rcodes = RcodeSet{1} << 3;
  Make({first, Base({knows.endpoint()})});
  EXPECT_EQ(AnswerAddress(Ask()->response()), 0x0A000003u);
  EXPECT_EQ(fail.queries.size(), 1u);
  EXPECT_EQ(nx.queries.size(), 1u);
}

}  // namespace
}  // namespace dnsd::plugins::forward
