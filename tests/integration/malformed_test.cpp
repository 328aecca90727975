// Bad input: each malformed packet gets the specified treatment (dropped or FORMERR), and the daemon
// keeps answering normal queries afterwards.
#include <gtest/gtest.h>

#include <string>

#include "fixture/through_daemon.hpp"

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;

enum class Expect { kNoReply, kFormErr };

constexpr uint16_t kId = 0xbeef;

Bytes Header(uint16_t flags, uint16_t qdcount) {
  return {uint8_t(kId >> 8), uint8_t(kId & 0xff), uint8_t(flags >> 8), uint8_t(flags & 0xff),
          uint8_t(qdcount >> 8), uint8_t(qdcount & 0xff), 0, 0, 0, 0, 0, 0};
}

Bytes Packet(uint16_t flags, uint16_t qdcount, const Bytes& body) {
  Bytes p = Header(flags, qdcount);
  p.insert(p.end(), body.begin(), body.end());
  return p;
}

const Bytes kTypeAClassIn = {0x00, 0x01, 0x00, 0x01};

Bytes Question(const Bytes& name) {
  Bytes q = name;
  q.insert(q.end(), kTypeAClassIn.begin(), kTypeAClassIn.end());
  return q;
}

Bytes Label(size_t length) {
  Bytes l{uint8_t(length)};
  l.insert(l.end(), length, 'a');
  return l;
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

const Bytes kValidName = Concat({Label(4), Label(3), {0x00}});  // aaaa.aaa.

struct BadInput {
  const char* label;
  Bytes packet;
  Expect expect;
};

const BadInput kBadInputs[] = {
    {"ShortHeaderOfFiveOctets", {0xbe, 0xef, 0x01, 0x00, 0x00}, Expect::kNoReply},
    {"CompressionPointerToItself", Packet(0x0100, 1, Question({0xc0, 0x0c})), Expect::kFormErr},
    {"CompressionLoopOfTwoPointers", Packet(0x0100, 1, Question({0xc0, 0x0e, 0xc0, 0x0c})), Expect::kFormErr},
    {"CompressionPointerPastTheEnd", Packet(0x0100, 1, Question({0xc0, 0x20})), Expect::kFormErr},
    {"LabelOf64Octets", Packet(0x0100, 1, Question(Concat({Label(64), {0x00}}))), Expect::kFormErr},
    {"NameOver255Octets",
     Packet(0x0100, 1, Question(Concat({Label(63), Label(63), Label(63), Label(63), {0x00}}))), Expect::kFormErr},
    {"QuestionCutShort", Packet(0x0100, 1, {0x04, 'a', 'a'}), Expect::kFormErr},
    {"QdcountZero", Header(0x0100, 0), Expect::kFormErr},
    {"QdcountTwo", Packet(0x0100, 2, Concat({Question(kValidName), Question(kValidName)})), Expect::kFormErr},
    {"ResponseSentAsQuery", Packet(0x8180, 1, Question(kValidName)), Expect::kNoReply},
};

void PrintTo(const BadInput& input, std::ostream* os) { *os << input.label; }

void ExpectFormErr(const Bytes& reply) {
  ASSERT_GE(reply.size(), 12u);
  EXPECT_EQ(reply[0] << 8 | reply[1], kId) << "FORMERR must echo the query ID";
  EXPECT_TRUE(reply[2] & 0x80) << "QR not set";
  EXPECT_EQ(reply[3] & 0x0f, LDNS_RCODE_FORMERR) << "rcode " << (reply[3] & 0x0f);
}

class Malformed : public ThroughDaemon,
                  public ::testing::WithParamInterface<std::tuple<BadInput, Transport>> {
 protected:
  void SetUp() override {
    ThroughDaemon::SetUp();
    if (!through_daemon()) GTEST_SKIP() << "dnsd's own handling of bad input";
  }
};

TEST_P(Malformed, GetsTheSpecifiedTreatmentAndTheDaemonKeepsServing) {
  const auto& [input, transport] = GetParam();
  if (transport == Transport::kUdp) {
    auto reply = SendRawUdp(target(), input.packet, 700ms);
    if (input.expect == Expect::kNoReply) {
      EXPECT_FALSE(reply.has_value()) << "got a " << reply->size() << "-octet reply to a packet that must be dropped";
    } else {
      ASSERT_TRUE(reply.has_value()) << "no FORMERR";
      ExpectFormErr(*reply);
    }
  } else {
    TcpConnection conn(target());
    ASSERT_TRUE(conn.connected());
    ASSERT_TRUE(conn.SendFramed(input.packet));
    auto reply = conn.ReadFramed(700ms);
    if (input.expect == Expect::kNoReply) {
      EXPECT_FALSE(reply.has_value()) << "got a reply to a packet that must be dropped";
    } else {
      ASSERT_TRUE(reply.has_value()) << "no FORMERR";
      ExpectFormErr(*reply);
    }
  }
  ExpectStillAnswers();
  EXPECT_TRUE(Query(target(), zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Tcp()).has_value());
}

INSTANTIATE_TEST_SUITE_P(
    BadInputs, Malformed,
    ::testing::Combine(::testing::ValuesIn(kBadInputs), ::testing::Values(Transport::kUdp, Transport::kTcp)),
    [](const auto& info) {
      return std::string(std::get<0>(info.param).label) +
             (std::get<1>(info.param) == Transport::kUdp ? "OverUdp" : "OverTcp");
    });

using MalformedBurst = ThroughDaemon;

TEST_F(MalformedBurst, ThousandsOfGarbageDatagramsDoNotStopTheDaemon) {
  if (!through_daemon()) GTEST_SKIP();
  uint32_t seed = 12345;
  for (int n = 0; n < 3000; ++n) {
    Bytes junk(12 + n % 300);
    for (auto& b : junk) b = uint8_t((seed = seed * 1103515245 + 12345) >> 16);
    junk[2] &= 0x7f;  // QR=0 so it is treated as a query and parsed
    SendRawUdp(target(), junk, 0ms);
  }
  // A flood can overflow the socket's receive buffer, and a datagram lost there is plain UDP: like
  // a stub resolver, try again (3 tries) before calling the daemon dead.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (Query(target(), zone::kService, LDNS_RR_TYPE_A).has_value()) break;
  }
  ExpectStillAnswers();
}

}  // namespace
}  // namespace dnsd::it
