// What the loop handler counts (only the probe's own question, while probing), when it calls it a
// loop, and the exact words CoreDNS logs then.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "dnsd/plugins/loop/factory.hpp"
#include "dnsd/plugins/loop/prober.hpp"
#include "dnsd/plugins/loop/sightings.hpp"

namespace dnsd::plugins::loop {
namespace {

constexpr std::uint16_t kTypeA = 1;
constexpr const char* kProbe = "4547991504243258144.3688648895315093531.example.org.";

// A query for `name` of `type`, as bytes and parsed.
struct TestQuery {
  std::vector<std::uint8_t> bytes;
  wire::MessageView view;
};

TestQuery MakeQuery(const std::string& name, std::uint16_t type) {
  wire::Name wire_name;
  EXPECT_EQ(wire::Name::FromString(name, wire_name), wire::WireError::kOk) << name;
  TestQuery q{BuildProbeQuery(wire_name, 0x4242), {}};
  q.bytes[q.bytes.size() - 3] = static_cast<std::uint8_t>(type);
  EXPECT_EQ(wire::ParseMessage(q.bytes, q.view), wire::WireError::kOk);
  return q;
}

Sightings ExampleSightings() { return Sightings("example.org.", kProbe, ":1053"); }

TEST(LoopProbeName, IsTwoNumbersInFrontOfTheZone) {
  EXPECT_EQ(ProbeName(".", 4547991504243258144u, 3688648895315093531u),
            "4547991504243258144.3688648895315093531.");
  EXPECT_EQ(ProbeName("example.org.", 1, 2), "1.2.example.org.");
}

TEST(LoopProbeName, NumbersAreNonNegative63BitAndDiffer) {
  std::set<std::uint64_t> drawn;
  for (int i = 0; i < 100; ++i) {
    std::uint64_t n = RandomLabel();
    EXPECT_LT(n, std::uint64_t{1} << 63);
    drawn.insert(n);
  }
  EXPECT_GT(drawn.size(), 95u);
}

TEST(LoopSightings, CountOnlyTheProbeQuestion) {
  struct Case {
    std::string name;
    std::uint16_t type;
    bool counted;
  };
  const std::vector<Case> cases = {
      {kProbe, kTypeHinfo, true},
      {"4547991504243258144.3688648895315093531.EXAMPLE.org.", kTypeHinfo, true},  // case-insensitive
      {kProbe, kTypeA, false},
      {"1.2.example.org.", kTypeHinfo, false},
      {"x.4547991504243258144.3688648895315093531.example.org.", kTypeHinfo, false},
      {"3688648895315093531.example.org.", kTypeHinfo, false},
      {"example.org.", kTypeHinfo, false},
  };
  for (const Case& c : cases) {
    Sightings sightings = ExampleSightings();
    EXPECT_FALSE(sightings.Count(MakeQuery(c.name, c.type).view)) << c.name;
    EXPECT_EQ(sightings.seen(), c.counted ? 1 : 0) << c.name;
  }
}

TEST(LoopSightings, TheThirdSightingIsALoopAndAResetStartsOver) {
  Sightings sightings = ExampleSightings();
  const TestQuery probe = MakeQuery(kProbe, kTypeHinfo);
  EXPECT_FALSE(sightings.Count(probe.view));
  EXPECT_FALSE(sightings.Count(probe.view));
  sightings.Reset();
  EXPECT_FALSE(sightings.Count(probe.view));
  EXPECT_FALSE(sightings.Count(probe.view));
  EXPECT_TRUE(sightings.Count(probe.view));
  EXPECT_EQ(sightings.seen(), 3);
}

TEST(LoopSightings, AProbeNameTooLongForANameEndsProbingAtOnce) {
  const std::string zone = std::string(60, 'a') + "." + std::string(60, 'b') + "." + std::string(60, 'c') +
                           "." + std::string(60, 'd') + ".";
  Sightings sightings(zone, ProbeName(zone, 4547991504243258144u, 3688648895315093531u), ":53");
  EXPECT_TRUE(sightings.disabled());
  EXPECT_FALSE(ExampleSightings().disabled());
}

TEST(LoopSightings, TheLoopMessageIsCoreDnsFatalLine) {
  Sightings root(".", "4547991504243258144.3688648895315093531.", ":1053");
  EXPECT_EQ(root.LoopMessage(boost::asio::ip::make_address("127.0.0.1"), 55953),
            "Loop (127.0.0.1:55953 -> :1053) detected for zone \".\", see "
            "https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO "
            "4547991504243258144.3688648895315093531.\"");
  Sightings zone("example.org.", kProbe, "[::1]:53");
  EXPECT_EQ(zone.LoopMessage(boost::asio::ip::make_address("::1"), 4000),
            std::string("Loop ([::1]:4000 -> [::1]:53) detected for zone \"example.org.\", see "
                        "https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO ") +
                kProbe + "\"");
}

// The client side of one query: records whether the chain answered it.
class RecordingTransaction : public pipeline::Transaction {
 public:
  explicit RecordingTransaction(const TestQuery& q) {
    query_ = q.bytes;
    view_ = q.view;
  }
  void Respond(std::span<const std::uint8_t> /*response*/) override { ++responses; }
  int responses = 0;
};

// The rest of the chain: counts what reaches it and answers.
class CountingNext : public pipeline::Handler {
 public:
  void Serve(pipeline::Transaction& tx) override {
    ++served;
    tx.RespondError(wire::Rcode::kNoError);
  }
  int served = 0;
};

TEST(LoopHandler, PassesEveryQueryOnAndCountsOnlyWhileProbing) {
  LoopOptions options;
  options.zone = "example.org.";
  LoopFactory factory(options);
  boost::asio::io_context io;
  pipeline::WorkerContext worker{io, 0};
  auto handler = factory.CreateHandler(worker);
  CountingNext next;
  handler->SetNext(&next);
  const std::string probe = factory.sightings().probe_text();
  EXPECT_TRUE(std::regex_match(probe, std::regex(R"([0-9]+\.[0-9]+\.example\.org\.)"))) << probe;

  for (const TestQuery& q : {MakeQuery(probe, kTypeHinfo), MakeQuery(probe, kTypeHinfo),
                             MakeQuery("www.example.org.", kTypeHinfo), MakeQuery(probe, kTypeA)}) {
    RecordingTransaction tx(q);
    handler->Serve(tx);
    EXPECT_EQ(tx.responses, 1);
  }
  EXPECT_EQ(next.served, 4);
  EXPECT_EQ(factory.sightings().seen(), 2);

  factory.Stop();  // probing over: the probe goes through uncounted
  for (int i = 0; i < 3; ++i) {
    const TestQuery q = MakeQuery(probe, kTypeHinfo);  // the transaction only views its bytes
    RecordingTransaction tx(q);
    handler->Serve(tx);
  }
  EXPECT_EQ(next.served, 7);
  EXPECT_EQ(factory.sightings().seen(), 2);
}

TEST(LoopHandler, EveryConfigDrawsItsOwnProbeName) {
  LoopFactory a{LoopOptions{}}, b{LoopOptions{}};
  EXPECT_NE(a.sightings().probe_text(), b.sightings().probe_text());
}

}  // namespace
}  // namespace dnsd::plugins::loop
