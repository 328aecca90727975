// TCP behaviour: pipelining on one connection, and clients that stall must not hold up anyone else.
#include <gtest/gtest.h>

#include <map>

#include "fixture/through_daemon.hpp"

namespace dnsd::it {
namespace {

using TcpClients = ThroughDaemon;
using namespace std::chrono_literals;

TEST_F(TcpClients, HundredPipelinedQueriesOnOneConnectionAreAllAnswered) {
  TcpConnection conn(target());
  ASSERT_TRUE(conn.connected());
  std::map<uint16_t, std::string> expected;  // ID -> the A record its name must resolve to
  Bytes all;
  for (uint16_t n = 0; n < 100; ++n) {
    int i = n % 5 + 1, j = n / 5 % 3 + 1;
    uint16_t id = static_cast<uint16_t>(1000 + n * 7);
    expected[id] = "10." + std::to_string(j) + ".0." + std::to_string(i);
    Bytes q = BuildQuery(zone::ServiceName(i, j), LDNS_RR_TYPE_A, QueryOptions{}.Id(id));
    all.push_back(static_cast<uint8_t>(q.size() >> 8));
    all.push_back(static_cast<uint8_t>(q.size()));
    all.insert(all.end(), q.begin(), q.end());
  }
  ASSERT_TRUE(conn.SendRaw(all));  // all queries before reading any answer
  for (int n = 0; n < 100; ++n) {
    auto wire = conn.ReadFramed(5000ms);
    ASSERT_TRUE(wire.has_value()) << "only " << n << " of 100 answers arrived";
    auto reply = ParseReply(*wire);
    ASSERT_TRUE(reply.has_value());
    auto it = expected.find(reply->id());
    ASSERT_NE(it, expected.end()) << "unexpected or duplicate ID " << reply->id();
    EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{it->second});
    expected.erase(it);
  }
  EXPECT_TRUE(expected.empty());
}

TEST_F(TcpClients, SilentClientIsClosedAfterTheFirstReadTimeoutAndOthersAreServedMeanwhile) {
  if (!through_daemon()) GTEST_SKIP() << "dnsd's timeouts only";
  TcpConnection silent(target());
  ASSERT_TRUE(silent.connected());
  ExpectStillAnswers();
  auto reply = Query(target(), zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Tcp());
  ASSERT_TRUE(reply.has_value()) << "a TCP client was not served while another one sat idle";
  auto closed_after = silent.WaitForClose(6000ms);
  ASSERT_TRUE(closed_after.has_value()) << "idle connection still open after 6 s (first-read timeout is 2 s)";
  EXPECT_GE(closed_after->count(), 1000) << "closed too early";
  EXPECT_LE(closed_after->count(), 4000);
}

TEST_F(TcpClients, IdleConnectionIsClosedAfterTheIdleTimeout) {
  if (!through_daemon()) GTEST_SKIP() << "dnsd's timeouts only";
  TcpConnection conn(target());
  ASSERT_TRUE(conn.connected());
  ASSERT_TRUE(conn.SendFramed(BuildQuery(zone::kService, LDNS_RR_TYPE_A, {})));
  ASSERT_TRUE(conn.ReadFramed(3000ms).has_value());
  auto closed_after = conn.WaitForClose(12000ms);
  ASSERT_TRUE(closed_after.has_value()) << "connection still open 12 s after its last answer";
  EXPECT_GE(closed_after->count(), 6000) << "idle timeout is 8 s";
}

TEST_F(TcpClients, LengthPrefixLongerThanTheDataDoesNotBlockOthersAndIsClosed) {
  if (!through_daemon()) GTEST_SKIP() << "dnsd's timeouts only";
  TcpConnection liar(target());
  ASSERT_TRUE(liar.connected());
  Bytes q = BuildQuery(zone::kService, LDNS_RR_TYPE_A, {});
  Bytes partial{0x01, 0x00};  // claims 256 octets ...
  partial.insert(partial.end(), q.begin(), q.end());  // ... sends ~50
  ASSERT_TRUE(liar.SendRaw(partial));
  for (int n = 0; n < 3; ++n) {
    ExpectStillAnswers();
    auto reply = Query(target(), zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Tcp());
    ASSERT_TRUE(reply.has_value()) << "TCP client starved by a half-sent message";
  }
  auto closed_after = liar.WaitForClose(12000ms);
  EXPECT_TRUE(closed_after.has_value()) << "half-sent message kept the connection open for 12 s";
}

TEST_F(TcpClients, ManyConcurrentConnectionsAreServed) {
  std::vector<std::unique_ptr<TcpConnection>> conns;
  for (int n = 0; n < 50; ++n) {
    conns.push_back(std::make_unique<TcpConnection>(target()));
    ASSERT_TRUE(conns.back()->connected());
  }
  for (size_t n = 0; n < conns.size(); ++n)
    ASSERT_TRUE(conns[n]->SendFramed(BuildQuery(zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Id(uint16_t(n)))));
  for (size_t n = 0; n < conns.size(); ++n) {
    auto wire = conns[n]->ReadFramed(5000ms);
    ASSERT_TRUE(wire.has_value()) << "connection " << n;
    auto reply = ParseReply(*wire);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->id(), n);
  }
}

}  // namespace
}  // namespace dnsd::it
