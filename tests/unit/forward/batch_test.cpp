// The batched UDP path: datagrams queued in one wake-up leave together on the posted flush, a
// datagram the kernel refuses fails only its own query, shutdown drops what is queued, and replies
// read in batches are matched one by one (forged ones interleaved are still dropped).
#include <cerrno>

#include "exchange_fixture.hpp"

namespace dnsd::plugins::forward {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): the fixture and its helpers

// A query whose EDNS option pads it to `size` octets: more than a UDP datagram can carry
// (65,507 octets over IPv4) makes the kernel refuse it with EMSGSIZE.
Bytes PaddedQuery(const std::string& name, std::size_t size) {
  Bytes query = MakeQuery(name, wire::type::kA, kClientId);
  query[11] = 1;  // ARCOUNT
  const std::size_t rdlength = size - query.size() - 11;
  query.push_back(0);  // root owner
  Put16(query, wire::type::kOPT);
  Put16(query, 4096);
  Put16(query, 0);
  Put16(query, 0);
  Put16(query, static_cast<std::uint16_t>(rdlength));
  Put16(query, 65001);  // a local-use option
  Put16(query, static_cast<std::uint16_t>(rdlength - 4));
  query.resize(size, 0);
  return query;
}

// Every query answered, each with its own name's answer (the address is its name's length).
UdpPeer::Behaviour AnswerByName() {
  return [](UdpPeer& p, const Bytes& q, const ip::udp::endpoint& from) {
    wire::MessageView view;
    wire::ParseHead(q, view);
    p.Send(MakeReply(q, static_cast<std::uint32_t>(view.qname.WireLength())), from);
  };
}

std::vector<std::unique_ptr<RecordingTransaction>> Burst(int count) {
  std::vector<std::unique_ptr<RecordingTransaction>> txs;
  std::string name = "example.org.";
  for (int i = 0; i < count; ++i) {
    name = "a" + name;
    txs.push_back(std::make_unique<RecordingTransaction>(
        MakeQuery(name, wire::type::kA, static_cast<std::uint16_t>(i))));
  }
  return txs;
}

void ExpectAnsweredByName(const std::vector<std::unique_ptr<RecordingTransaction>>& txs) {
  for (const auto& tx : txs) {
    wire::MessageView view;
    ASSERT_EQ(wire::ParseHead(tx->Query(), view), wire::WireError::kOk);
    EXPECT_EQ(tx->responses, 1);
    EXPECT_EQ(AnswerAddress(tx->response()), view.qname.WireLength());
    EXPECT_EQ(IdOf(tx->response()), view.header.id);
  }
}

bool AllAnswered(const std::vector<std::unique_ptr<RecordingTransaction>>& txs) {
  for (const auto& tx : txs) {
    if (tx->responses == 0) return false;
  }
  return true;
}

class ForwardBatch : public ForwardExchange {
 protected:
  // One socket to the upstream, and timeouts no slow run (valgrind, sanitizers) reaches: these
  // tests count datagrams, which a retried attempt would add to.
  Options OneSocket(const ip::udp::endpoint& upstream) {
    Options options = Base({upstream});
    options.udp_sockets_per_upstream = 1;
    options.attempt_timeout = 2s;
    options.overall_timeout = 4s;
    return options;
  }
};

TEST_F(ForwardBatch, ABurstLeavesOnTheFlushAndEveryQueryGetsItsOwnAnswer) {
  UdpPeer peer(io, AnswerByName());
  Make(OneSocket(peer.endpoint()));
  auto txs = Burst(100);  // more than one sendmmsg call carries
  for (auto& tx : txs) handler->Serve(*tx);
  EXPECT_TRUE(peer.queries.empty());
  ASSERT_TRUE(RunUntil(io, [&] { return AllAnswered(txs); }));
  ExpectAnsweredByName(txs);
  ASSERT_EQ(peer.queries.size(), txs.size());
  for (std::size_t i = 0; i < txs.size(); ++i) {
    Bytes sent = peer.queries[i];
    sent[0] = txs[i]->Query()[0];
    sent[1] = txs[i]->Query()[1];
    EXPECT_TRUE(std::equal(sent.begin(), sent.end(), txs[i]->Query().begin(), txs[i]->Query().end()))
        << "query " << i << " left in the order it was asked, unchanged but for its ID";
  }
  EXPECT_EQ(Connections(peer.endpoint(), "udp"), 1);
  EXPECT_EQ(Dropped(peer.endpoint()), 0);
  EXPECT_EQ(forward->InFlight(), 0u);
}

TEST_F(ForwardBatch, ADatagramTheKernelRefusesFailsOnlyItsOwnQuery) {
  UdpPeer peer(io, AnswerByName());
  Options options = OneSocket(peer.endpoint());
  options.prefer_udp = true;  // a TCP client's query may be larger than a datagram
  Make(options);
  auto txs = Burst(3);
  RecordingTransaction huge(PaddedQuery("huge.example.org.", 65520), Transport::kTcp);
  handler->Serve(*txs[0]);
  handler->Serve(huge);  // in the middle of the batch
  handler->Serve(*txs[1]);
  handler->Serve(*txs[2]);
  ASSERT_TRUE(RunUntil(io, [&] { return AllAnswered(txs) && huge.responses > 0; }));
  ExpectAnsweredByName(txs);
  EXPECT_EQ(huge.responses, 1);
  EXPECT_EQ(huge.rcode(), 2);  // SERVFAIL
  EXPECT_EQ(huge.Failure().kind, pipeline::FailureKind::kNetwork);
  EXPECT_EQ(huge.Failure().op, pipeline::NetOp::kWrite);
  EXPECT_EQ(huge.Failure().code, EMSGSIZE);
  EXPECT_FALSE(huge.Failure().tcp);
  EXPECT_EQ(huge.Failure().remote_port, peer.endpoint().port());
  EXPECT_NE(huge.Failure().local_port, 0) << "a write error names the socket's local address";
  EXPECT_EQ(peer.queries.size(), txs.size()) << "the refused datagram never left";
  EXPECT_EQ(forward->InFlight(), 0u);
}

TEST_F(ForwardBatch, ShutdownWithDatagramsQueuedSendsNothingAndAnswersNothing) {
  UdpPeer peer(io, AnswerByName());
  Make(Base({peer.endpoint()}));
  auto txs = Burst(20);
  for (auto& tx : txs) handler->Serve(*tx);
  EXPECT_EQ(forward->InFlight(), txs.size());
  handler.reset();  // the flush is still posted
  RunFor(io, 100ms);
  EXPECT_TRUE(peer.queries.empty());
  for (const auto& tx : txs) EXPECT_EQ(tx->responses, 0);
}

TEST_F(ForwardBatch, RepliesReadInBatchesAreMatchedOneByOneWithForgeriesDropped) {
  std::vector<std::pair<Bytes, ip::udp::endpoint>> held;
  UdpPeer peer(io, [&held](UdpPeer&, const Bytes& q, const ip::udp::endpoint& from) { held.emplace_back(q, from); });
  Make(OneSocket(peer.endpoint()));
  auto txs = Burst(40);  // 120 datagrams waiting: several recvmmsg batches
  for (auto& tx : txs) handler->Serve(*tx);
  ASSERT_TRUE(RunUntil(io, [&] { return held.size() == txs.size(); }));
  // Every reply is preceded by one with another ID and followed by one for another question, all
  // queued on the socket before the worker reads any.
  for (auto& [query, from] : held) {
    wire::MessageView view;
    ASSERT_EQ(wire::ParseHead(query, view), wire::WireError::kOk);
    const auto right = static_cast<std::uint32_t>(view.qname.WireLength());
    Bytes wrong_id = MakeReply(query, 0x06060606);
    wrong_id[0] ^= 0x80;
    Bytes wrong_type = MakeReply(query, 0x06060606);
    wrong_type[wrong_type.size() - 16 - 3] = wire::type::kNS;  // the question's QTYPE (before the answer)
    peer.Send(wrong_id, from);
    peer.Send(MakeReply(query, right), from);
    peer.Send(wrong_type, from);
  }
  ASSERT_TRUE(RunUntil(io, [&] { return AllAnswered(txs); }));
  RunFor(io, 20ms);  // the trailing forgeries too
  ExpectAnsweredByName(txs);
  EXPECT_EQ(Dropped(peer.endpoint()), 2.0 * static_cast<double>(txs.size()));
}

}  // namespace
}  // namespace dnsd::plugins::forward
