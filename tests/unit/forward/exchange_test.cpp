// Protocol tests with real sockets on 127.0.0.1: what forward sends, what it accepts, failover.
#include "exchange_fixture.hpp"

namespace dnsd::plugins::forward {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): the fixture and its helpers

TEST_F(ForwardExchange, ReplyIsPassedThroughVerbatimWithTheClientsId) {
  UdpPeer peer(io, AnswerWith(0x01020304));
  Make(Base({peer.endpoint()}));
  auto tx = Ask();
  Bytes client_query = MakeQuery("www.example.org.", wire::type::kA, kClientId);
  EXPECT_EQ(tx->response(), MakeReply(client_query, 0x01020304));
  ASSERT_EQ(peer.queries.size(), 1u);
  Bytes sent = peer.queries[0];
  sent[0] = client_query[0];
  sent[1] = client_query[1];
  EXPECT_EQ(sent, client_query) << "the query goes upstream unchanged but for its ID";
  EXPECT_EQ(Replies(peer.endpoint()), 1);  // the one reply, passed to the client
  EXPECT_EQ(forward->InFlight(), 0u);
}

TEST_F(ForwardExchange, UpstreamIdsAreFreshAndRandom) {
  UdpPeer peer(io, AnswerWith(1));
  Make(Base({peer.endpoint()}));
  std::set<std::uint16_t> ids;
  for (int i = 0; i < 30; ++i) Ask();
  for (const Bytes& q : peer.queries) ids.insert(IdOf(q));
  EXPECT_GE(ids.size(), 28u);
}

TEST_F(ForwardExchange, UpstreamIdsComeFromTheWorkersRandomSource) {
  UdpPeer peer(io, AnswerWith(1));
  const std::vector<std::uint16_t> pinned = {0xBEEF, 0x0000, 0xFFFF};
  Make(Base({peer.endpoint()}), [&pinned](unsigned worker) {
    EXPECT_EQ(worker, 0u);
    return std::make_unique<random::FixedRandom>(pinned);
  });
  for (int i = 0; i < 3; ++i) EXPECT_EQ(IdOf(Ask()->response()), kClientId);
  ASSERT_EQ(peer.queries.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(IdOf(peer.queries[i]), pinned[i]);
}

TEST_F(ForwardExchange, AnIdAlreadyInFlightOnTheSocketIsDrawnAgain) {
  std::vector<std::pair<Bytes, ip::udp::endpoint>> held;
  UdpPeer peer(io, [&held](UdpPeer&, const Bytes& q, const ip::udp::endpoint& from) {
    held.emplace_back(q, from);
  });
  Options options = Base({peer.endpoint()});
  options.udp_sockets_per_upstream = 1;
  Make(options, [](unsigned) {  // the second query draws 7 too, which the first holds
    return std::make_unique<random::FixedRandom>(std::vector<std::uint16_t>{7, 7, 9});
  });
  RecordingTransaction first(MakeQuery("www.example.org.", wire::type::kA, kClientId));
  RecordingTransaction second(MakeQuery("www.example.org.", wire::type::kA, kClientId));
  handler->Serve(first);
  handler->Serve(second);
  ASSERT_TRUE(RunUntil(io, [&] { return held.size() == 2; }));
  EXPECT_EQ(IdOf(held[0].first), 7);
  EXPECT_EQ(IdOf(held[1].first), 9);
  for (auto& [query, from] : held) peer.Send(MakeReply(query), from);
  ASSERT_TRUE(RunUntil(io, [&] { return first.responses == 1 && second.responses == 1; }));
  EXPECT_EQ(Dropped(peer.endpoint()), 0);
}

TEST_F(ForwardExchange, SourcePortsComeFromAPoolOfSockets) {
  UdpPeer peer(io, AnswerWith(1));
  Make(Base({peer.endpoint()}));
  for (int i = 0; i < 60; ++i) Ask();
  std::set<unsigned short> ports;
  for (const auto& source : peer.sources) ports.insert(source.port());
  EXPECT_GE(ports.size(), 4u);
  EXPECT_LE(ports.size(), 8u);
  EXPECT_EQ(Connections(peer.endpoint(), "udp"), static_cast<double>(ports.size()));
}

TEST_F(ForwardExchange, ExpiredSocketsAreReplacedByFreshPorts) {
  UdpPeer peer(io, AnswerWith(1));
  Options options = Base({peer.endpoint()});
  options.expire = 0ms;
  Make(options);
  for (int i = 0; i < 10; ++i) Ask();
  EXPECT_EQ(Connections(peer.endpoint(), "udp"), 10);
}

TEST_F(ForwardExchange, RetiredSocketsStayOpenUntilTheirQueriesAreAnswered) {
  std::vector<std::pair<Bytes, ip::udp::endpoint>> held;
  UdpPeer peer(io, [&held](UdpPeer&, const Bytes& q, const ip::udp::endpoint& from) {
    held.emplace_back(q, from);
  });
  Options options = Base({peer.endpoint()});
  options.expire = 0ms;  // every query retires the socket it finds
  Make(options);
  std::vector<std::unique_ptr<RecordingTransaction>> txs;
  for (int i = 0; i < 12; ++i) {
    txs.push_back(
        std::make_unique<RecordingTransaction>(MakeQuery("www.example.org.", wire::type::kA, 7)));
    handler->Serve(*txs.back());
  }
  ASSERT_TRUE(RunUntil(io, [&] { return held.size() == 12; }));
  for (auto& [query, from] : held) peer.Send(MakeReply(query), from);
  ASSERT_TRUE(RunUntil(io, [&] {
    for (auto& tx : txs)
      if (tx->responses == 0) return false;
    return true;
  }));
  for (auto& tx : txs) EXPECT_EQ(AnswerAddress(tx->response()), 0x01020304u);
  EXPECT_EQ(Connections(peer.endpoint(), "udp"), 12);
  EXPECT_EQ(Dropped(peer.endpoint()), 0);
}

TEST_F(ForwardExchange, ReplyWithAnotherIdIsDroppedAndTheRightOneAccepted) {
  UdpPeer peer(io, [](UdpPeer& p, const Bytes& q, const ip::udp::endpoint& from) {
    Bytes forged = MakeReply(q, 0x06060606);
    forged[1] ^= 0x5A;
    p.Send(forged, from);
    p.Send(MakeReply(q, 0x01020304), from);
  });
  Make(Base({peer.endpoint()}));
  auto tx = Ask();
  EXPECT_EQ(AnswerAddress(tx->response()), 0x01020304u);
  EXPECT_EQ(IdOf(tx->response()), kClientId);
  EXPECT_EQ(Dropped(peer.endpoint()), 1);
  EXPECT_EQ(ForwardCounter("dnsd_forward_replies_dropped_total", UpstreamLabel(peer.endpoint())), 1);
}

TEST_F(ForwardExchange, ReplyForAnotherQuestionIsDropped) {
  UdpPeer peer(io, [](UdpPeer& p, const Bytes& q, const ip::udp::endpoint& from) {
    Bytes other_name = MakeQuery("evil.example.org.", wire::type::kA, IdOf(q));
    p.Send(MakeReply(other_name, 0x06060606), from);
    Bytes other_type = MakeQuery("www.example.org.", wire::type::kAAAA, IdOf(q));
    p.Send(MakeReply(other_type, 0x06060606), from);
    Bytes not_a_reply = q;  // QR clear
    p.Send(not_a_reply, from);
    p.Send(Bytes{1, 2, 3}, from);  // runt
    Bytes upper = MakeQuery("WWW.EXAMPLE.ORG.", wire::type::kA, IdOf(q));
    p.Send(MakeReply(upper, 0x01020304), from);  // same question, other case: accepted
  });
  Make(Base({peer.endpoint()}));
  auto tx = Ask();
  EXPECT_EQ(AnswerAddress(tx->response()), 0x01020304u);
  EXPECT_EQ(Dropped(peer.endpoint()), 4);
  EXPECT_EQ(ForwardCounter("dnsd_forward_replies_dropped_total", UpstreamLabel(peer.endpoint())), 4);
}

TEST_F(ForwardExchange, ReplyFromAnotherPortNeverReachesTheQuery) {
  UdpPeer spoofer(io, nullptr);
  UdpPeer peer(io, [&spoofer](UdpPeer& p, const Bytes& q, const ip::udp::endpoint& from) {
    spoofer.Send(MakeReply(q, 0x06060606), from);  // right ID and question, wrong source port
    p.Send(MakeReply(q, 0x01020304), from);
  });
  Make(Base({peer.endpoint()}));
  auto tx = Ask();
  EXPECT_EQ(AnswerAddress(tx->response()), 0x01020304u);
}

TEST_F(ForwardExchange, TruncatedUdpReplyIsRetriedOverTcpToTheSameUpstream) {
  TcpPeer tcp(io, TcpAnswer());
  UdpPeer udp(
      io,
      [](UdpPeer& p, const Bytes& q, const ip::udp::endpoint& from) {
        p.Send(MakeReply(q, 0, 0x0200, false), from);  // TC, no records
      },
      tcp.port());
  Make(Base({udp.endpoint()}));
  auto tx = Ask();
  EXPECT_EQ(AnswerAddress(tx->response()), 0x01020304u);
  EXPECT_FALSE(wire::Header::Decode(tx->response().data()).tc());
  EXPECT_EQ(IdOf(tx->response()), kClientId);
  EXPECT_EQ(Connections(udp.endpoint(), "tcp"), 1);  // the retry after TC
  EXPECT_EQ(tcp.queries.size(), 1u);
}

TEST_F(ForwardExchange, TcpClientsAreForwardedOverTcpOnAReusedConnection) {
  TcpPeer tcp(io, TcpAnswer());
  UdpPeer udp(io, AnswerWith(0x06060606), tcp.port());
  Make(Base({udp.endpoint()}));
  auto first = Ask("www.example.org.", Transport::kTcp);
  auto second = Ask("www.example.org.", Transport::kTcp);
  EXPECT_EQ(AnswerAddress(first->response()), 0x01020304u);
  EXPECT_EQ(AnswerAddress(second->response()), 0x01020304u);
  EXPECT_EQ(IdOf(second->response()), kClientId);
  EXPECT_TRUE(udp.queries.empty());
  EXPECT_EQ(tcp.queries.size(), 2u);
  EXPECT_EQ(tcp.connections, 1);
  EXPECT_NE(IdOf(tcp.queries[0]), IdOf(tcp.queries[1]));
}

TEST_F(ForwardExchange, IdleTcpConnectionClosedByTheUpstreamIsReplacedWithoutAFailure) {
  TcpPeer tcp(io, TcpAnswer());
  tcp.close_after_reply = true;
  const ip::udp::endpoint upstream(ip::make_address("127.0.0.1"), tcp.port());
  Options options = Base({upstream});
  options.force_tcp = true;
  Make(options);
  Ask();
  RunFor(io, 20ms);  // let the close arrive
  auto tx = Ask();
  EXPECT_EQ(AnswerAddress(tx->response()), 0x01020304u);
  EXPECT_EQ(tcp.connections, 2);
  EXPECT_EQ(FailedAttempts(upstream), 0);
}

TEST_F(ForwardExchange, PreferUdpSendsTcpClientsOverUdp) {
  TcpPeer tcp(io, TcpAnswer());
  UdpPeer udp(io, AnswerWith(0x06060606), tcp.port());
  Options options = Base({udp.endpoint()});
  options.prefer_udp = true;
  Make(options);
  auto tx = Ask("www.example.org.", Transport::kTcp);
  EXPECT_EQ(AnswerAddress(tx->response()), 0x06060606u);
  EXPECT_TRUE(tcp.queries.empty());
}

TEST_F(ForwardExchange, ForceTcpSendsUdpClientsOverTcp) {
  TcpPeer tcp(io, TcpAnswer());
  UdpPeer udp(io, AnswerWith(0x06060606), tcp.port());
  Options options = Base({udp.endpoint()});
  options.force_tcp = true;
  Make(options);
  auto tx = Ask();
  EXPECT_EQ(AnswerAddress(tx->response()), 0x01020304u);
  EXPECT_TRUE(udp.queries.empty());
}

TEST_F(ForwardExchange, TcpReplyCutShortIsAnUpstreamError) {
  TcpPeer tcp(io, TcpAnswer());
  tcp.cut_short = true;
  const ip::udp::endpoint upstream(ip::make_address("127.0.0.1"), tcp.port());
  Options options = Base({upstream});
  options.force_tcp = true;
  Make(options);
  auto tx = Ask();
  EXPECT_EQ(tx->rcode(), 2);  // SERVFAIL
  EXPECT_GE(FailedAttempts(upstream), 1);
}

TEST_F(ForwardExchange, SilentUpstreamGivesServfailWhenTimeIsUp) {
  UdpPeer peer(io, nullptr);
  Make(Base({peer.endpoint()}));
  auto start = std::chrono::steady_clock::now();
  auto tx = Ask();
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(tx->rcode(), 2);
  EXPECT_EQ(IdOf(tx->response()), kClientId);
  EXPECT_GE(elapsed, 390ms);
  EXPECT_LT(elapsed, 1000ms);
  EXPECT_EQ(peer.queries.size(), 3u) << "150 + 150 + 100 ms attempts";
  EXPECT_EQ(Replies(peer.endpoint()), 0);  // nothing answered: the SERVFAIL is forward's own
  EXPECT_EQ(forward->InFlight(), 0u);
}

TEST_F(ForwardExchange, LateReplyAfterTheTimeoutIsDropped) {
  UdpPeer peer(io, nullptr);
  Options options = Base({peer.endpoint()});
  options.udp_sockets_per_upstream = 1;
  Make(options);
  auto tx = Ask();
  ASSERT_EQ(tx->rcode(), 2);
  peer.Send(MakeReply(peer.queries.at(0)), peer.sources.at(0));
  RunFor(io, 50ms);
  EXPECT_EQ(Dropped(peer.endpoint()), 1);
  EXPECT_EQ(tx->responses, 1);
}

TEST_F(ForwardExchange, RefusedPortFailsOverToTheNextUpstreamAtOnce) {
  UdpPeer peer(io, AnswerWith(0x01020304));
  const ip::udp::endpoint closed = ClosedPort();
  Make(Base({closed, peer.endpoint()}));
  auto start = std::chrono::steady_clock::now();
  auto tx = Ask();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 140ms) << "ICMP refusal is not a timeout";
  EXPECT_EQ(AnswerAddress(tx->response()), 0x01020304u);
  EXPECT_EQ(FailedAttempts(closed) + FailedAttempts(peer.endpoint()), 1);
}

TEST_F(ForwardExchange, SilentUpstreamFailsOverToTheNextAfterTheAttemptTimeout) {
  UdpPeer silent(io, nullptr);
  UdpPeer peer(io, AnswerWith(0x01020304));
  Make(Base({silent.endpoint(), peer.endpoint()}));
  auto tx = Ask();
  EXPECT_EQ(AnswerAddress(tx->response()), 0x01020304u);
  EXPECT_EQ(silent.queries.size(), 1u);
}

TEST_F(ForwardExchange, FailuresMarkTheUpstreamDownUntilTheHealthCheckRestoresIt) {
  bool answer_a = false;
  UdpPeer flaky(io, [&answer_a](UdpPeer& p, const Bytes& q, const ip::udp::endpoint& from) {
    wire::MessageView view;
    wire::ParseHead(q, view);
    if (view.qtype == wire::type::kNS || answer_a) p.Send(MakeReply(q, 0, 0, false), from);
  });
  UdpPeer backup(io, AnswerWith(0x01020304));
  Options options = Base({flaky.endpoint(), backup.endpoint()});
  options.health_check = 20ms;
  options.max_fails = 1;
  Make(options);
  factory->Start(io);
  auto tx = Ask();
  EXPECT_EQ(AnswerAddress(tx->response()), 0x01020304u);
  ASSERT_TRUE(RunUntil(io, [&] { return !factory->upstreams()[0].probing.load(); }));
  EXPECT_EQ(factory->upstreams()[0].fails.load(), 0u) << "the probe got an answer";
  factory->Stop();
}

TEST_F(ForwardExchange, DownUpstreamsAreSkipped) {
  UdpPeer first(io, AnswerWith(0x0A0A0A0A));
  UdpPeer second(io, AnswerWith(0x01020304));
  Make(Base({first.endpoint(), second.endpoint()}));
  factory->upstreams()[0].fails = 3;  // > max_fails 2
  auto tx = Ask();
  EXPECT_EQ(AnswerAddress(tx->response()), 0x01020304u);
  EXPECT_TRUE(first.queries.empty());
}

TEST_F(ForwardExchange, WhenAllUpstreamsAreDownOneIsTriedAnyway) {
  UdpPeer peer(io, AnswerWith(0x01020304));
  Make(Base({peer.endpoint()}));
  factory->upstreams()[0].fails = 10;
  auto tx = Ask();
  EXPECT_EQ(AnswerAddress(tx->response()), 0x01020304u);
}

TEST_F(ForwardExchange, OverMaxConcurrentIsRefused) {
  UdpPeer peer(io, nullptr);
  Options options = Base({peer.endpoint()});
  options.max_concurrent = 1;
  Make(options);
  RecordingTransaction first(MakeQuery("a.example.org.", wire::type::kA, 1));
  RecordingTransaction second(MakeQuery("b.example.org.", wire::type::kA, 2));
  handler->Serve(first);
  handler->Serve(second);
  EXPECT_EQ(second.responses, 1);
  EXPECT_EQ(second.rcode(), 5);  // REFUSED
  EXPECT_EQ(first.responses, 0);
  ASSERT_TRUE(RunUntil(io, [&] { return first.responses > 0; }));
  EXPECT_EQ(factory->shared().in_flight.load(), 0u);
  RecordingTransaction third(MakeQuery("c.example.org.", wire::type::kA, 3));
  handler->Serve(third);
  EXPECT_EQ(third.responses, 0) << "a slot is free again";
  ASSERT_TRUE(RunUntil(io, [&] { return third.responses > 0; }));
}

TEST_F(ForwardExchange, PastTheInFlightCapTheOldestQueryGivesWayWithServfail) {
  UdpPeer peer(io, nullptr);
  Options options = Base({peer.endpoint()});
  options.max_in_flight_per_worker = 2;
  Make(options);
  const double evictions_before = ForwardCounter("dnsd_forward_in_flight_evictions_total");
  RecordingTransaction first(MakeQuery("a.example.org.", wire::type::kA, 1));
  RecordingTransaction second(MakeQuery("b.example.org.", wire::type::kA, 2));
  RecordingTransaction third(MakeQuery("c.example.org.", wire::type::kA, 3));
  handler->Serve(first);
  handler->Serve(second);
  EXPECT_EQ(first.responses, 0);
  handler->Serve(third);
  EXPECT_EQ(first.responses, 1);
  EXPECT_EQ(first.rcode(), 2);  // SERVFAIL at once
  EXPECT_EQ(ForwardCounter("dnsd_forward_in_flight_evictions_total") - evictions_before, 1);
  EXPECT_EQ(second.responses, 0);
  EXPECT_EQ(third.responses, 0) << "the new query goes upstream";
  EXPECT_EQ(forward->InFlight(), 2u);
  ASSERT_TRUE(RunUntil(io, [&] { return third.responses > 0; }));
  EXPECT_EQ(second.responses, 1);
}

TEST_F(ForwardExchange, NamesOutsideFromOrExceptedGoToTheNextHandler) {
  UdpPeer peer(io, AnswerWith(0x01020304));
  Options options = Base({peer.endpoint()});
  options.from = "example.org.";
  options.except = {"internal.example.org."};
  Make(options);
  auto outside = Ask("www.example.com.");
  auto excepted = Ask("db.internal.example.org.");
  EXPECT_EQ(outside->rcode(), 3);
  EXPECT_EQ(excepted->rcode(), 3);
  EXPECT_EQ(next.calls, 2);
  EXPECT_TRUE(peer.queries.empty());
  auto inside = Ask("www.Example.org.");
  EXPECT_EQ(AnswerAddress(inside->response()), 0x01020304u);
}

TEST_F(ForwardExchange, ManyConcurrentQueriesAreAllAnsweredCorrectly) {
  UdpPeer peer(io, [](UdpPeer& p, const Bytes& q, const ip::udp::endpoint& from) {
    wire::MessageView view;
    wire::ParseHead(q, view);
    p.Send(MakeReply(q, static_cast<std::uint32_t>(view.qname.WireLength())), from);
  });
  Make(Base({peer.endpoint()}));
  std::vector<std::unique_ptr<RecordingTransaction>> txs;
  std::string name = "example.org.";
  for (int i = 0; i < 50; ++i) {
    name = "a" + name;
    txs.push_back(std::make_unique<RecordingTransaction>(
        MakeQuery(name, wire::type::kA, static_cast<std::uint16_t>(i))));
    handler->Serve(*txs.back());
  }
  ASSERT_TRUE(RunUntil(io, [&] {
    for (auto& tx : txs)
      if (tx->responses == 0) return false;
    return true;
  }));
  for (auto& tx : txs) {
    wire::MessageView view;
    ASSERT_EQ(wire::ParseHead(tx->Query(), view), wire::WireError::kOk);
    EXPECT_EQ(AnswerAddress(tx->response()), view.qname.WireLength());
    EXPECT_EQ(IdOf(tx->response()), view.header.id);
  }
  EXPECT_EQ(Dropped(peer.endpoint()), 0);
}

}  // namespace
}  // namespace dnsd::plugins::forward
