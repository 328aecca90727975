// round_robin on the wire: the records of each section come back complete, CNAMEs first, then
// other types, then addresses, then MX, the addresses and MX in an order that changes; answers it
// must not touch (errors, zone transfers, moves that would break a compression pointer) pass as
// they came.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "dnsd/plugins/loadbalance/handler.hpp"
#include "dnsd/plugins/loadbalance/shuffle.hpp"
#include "../log/support.hpp"

namespace dnsd::plugins::loadbalance {
namespace {

using cache::testing::Answer;
using cache::testing::Bytes;
using cache::testing::Query;
using cache::testing::Reply;

using Section = std::vector<std::string>;

// The records of each section in presentation form, in order.
std::vector<Section> Sections(const Bytes& wire) {
  ldns_pkt* pkt = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&pkt, wire.data(), wire.size()), LDNS_STATUS_OK);
  std::vector<Section> out;
  if (pkt == nullptr) return out;
  for (ldns_rr_list* list : {ldns_pkt_answer(pkt), ldns_pkt_authority(pkt), ldns_pkt_additional(pkt)}) {
    Section section;
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
      char* text = ldns_rr2str(ldns_rr_list_rr(list, i));
      section.emplace_back(text);
      free(text);
    }
    out.push_back(section);
  }
  ldns_pkt_free(pkt);
  return out;
}

// 1 CNAME, 2 rest, 3 address, 4 MX: the order round_robin leaves them in.
int Rank(const std::string& rr) {
  if (rr.find("\tCNAME\t") != std::string::npos) return 1;
  if (rr.find("\tA\t") != std::string::npos || rr.find("\tAAAA\t") != std::string::npos) return 3;
  if (rr.find("\tMX\t") != std::string::npos) return 4;
  return 2;
}

struct Case {
  const char* name;
  const char* qname;
  std::uint16_t qtype;
  Reply reply;
  bool reorders;  // false: every run must hand the answer back untouched
  const char* pinned_first = nullptr;  // a record that compression pointers name: never moves
};

class RoundRobin : public ::testing::TestWithParam<Case> {};

TEST_P(RoundRobin, KeepsEveryRecordAndOrdersThemAsCoreDns) {
  const Case& c = GetParam();
  const Bytes query = Query(c.qname, c.qtype);
  const Bytes response = Answer(query, c.reply);
  const std::vector<Section> before = Sections(response);
  Random random(42);
  Shuffler shuffler;
  Bytes out(65535);
  std::set<std::vector<Section>> orders;
  for (int run = 0; run < 64; ++run) {
    if (!shuffler.Shuffle(response, out, random)) {
      orders.insert(before);
      continue;
    }
    const std::vector<Section> after = Sections(Bytes(out.begin(), out.begin() + response.size()));
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t s = 0; s < before.size(); ++s) {
      Section want = before[s], got = after[s];
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      EXPECT_EQ(got, want) << "section " << s << " lost or changed records";
      if (s < 2) {
        EXPECT_TRUE(std::is_sorted(after[s].begin(), after[s].end(),
                                   [](const auto& a, const auto& b) { return Rank(a) < Rank(b); }))
            << "section " << s << " not in CNAME, other, address, MX order";
      }
    }
    if (c.pinned_first != nullptr) {
      EXPECT_EQ(after[0].at(0), before[0].at(0));
    }
    orders.insert(after);
  }
  if (c.reorders) EXPECT_GT(orders.size(), 1u) << "the order never changed";
  else EXPECT_EQ(orders, std::set<std::vector<Section>>{before});
}

std::vector<std::string> Addresses(const char* owner, int count) {
  std::vector<std::string> out;
  for (int i = 1; i <= count; ++i) out.push_back(std::string(owner) + " 30 IN A 10.100.0." + std::to_string(i));
  return out;
}

Reply CnameThenAddresses() {
  Reply r{.answer = {"www.example.org. 30 IN CNAME web.example.org."}};
  for (const auto& rr : Addresses("web.example.org.", 5)) r.answer.push_back(rr);
  return r;
}

INSTANTIATE_TEST_SUITE_P(
    Answers, RoundRobin,
    ::testing::Values(
        Case{"FortyAddressesAreShuffled", "medium.example.org.", 1,
             Reply{.answer = Addresses("medium.example.org.", 40), .edns = true}, true},
        Case{"TwoAddressesSwapSometimes", "two.example.org.", 1,
             Reply{.answer = Addresses("two.example.org.", 2)}, true},
        Case{"ACnameStaysFirstBeforeItsTargetsAddresses", "www.example.org.", 1, CnameThenAddresses(), true},
        Case{"ACnameAfterAddressesMovesFirst", "www.example.org.", 1,
             Reply{.answer = {"www.example.org. 30 IN A 10.0.0.1", "www.example.org. 30 IN CNAME x.example.org.",
                              "www.example.org. 30 IN A 10.0.0.2"}},
             true},
        Case{"MixedAAndAaaaShuffleTogether", "mixed.example.org.", 255,
             Reply{.answer = {"mixed.example.org. 30 IN A 10.0.0.1", "mixed.example.org. 30 IN AAAA fd00::1",
                              "mixed.example.org. 30 IN A 10.0.0.2", "mixed.example.org. 30 IN TXT \"t\""}},
             true},
        Case{"MxRecordsAreShuffledAfterAddresses", "example.org.", 15,
             Reply{.answer = {"example.org. 30 IN MX 10 mx1.example.org.", "example.org. 30 IN MX 20 mx2.example.org.",
                              "example.org. 30 IN MX 30 mx3.example.org."}},
             true},
        Case{"GlueInTheAdditionalSectionIsShuffledToo", "example.org.", 2,
             Reply{.answer = {"example.org. 30 IN NS ns.example.org."},
                   .additional = Addresses("ns.example.org.", 4)},
             true},
        Case{"OneRecordStaysAsItIs", "one.example.org.", 1, Reply{.answer = Addresses("one.example.org.", 1)},
             false},
        Case{"AnErrorAnswerIsNotTouched", "medium.example.org.", 1,
             Reply{.rcode = 2, .answer = Addresses("medium.example.org.", 5)}, false},
        Case{"AZoneTransferIsNotTouched", "example.org.", 252,
             Reply{.answer = Addresses("example.org.", 5)}, false},
        // The later owners are pointers into the first record's: only the others may move.
        Case{"ARecordThatPointersNameStaysInPlace", "x.example.org.", 1,
             Reply{.answer = Addresses("deep.name.example.org.", 4)}, true, "pinned"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(RoundRobinHandler, SendsTheClientEveryRecordInAChangingOrder) {
  log::testing::ChainEnd end;
  end.reply = Reply{.answer = Addresses("medium.example.org.", 40)};
  LoadBalanceFactory factory(7);
  boost::asio::io_context io;
  pipeline::WorkerContext worker{io, 0};
  auto handler = factory.CreateHandler(worker);
  handler->SetNext(&end);
  std::set<std::vector<Section>> orders;
  for (int run = 0; run < 8; ++run) {
    log::testing::ClientTransaction client(Query("medium.example.org.", 1));
    handler->Serve(client);
    ASSERT_EQ(client.responses, 1);
    auto sections = Sections(client.answer);
    ASSERT_EQ(sections.at(0).size(), 40u);
    orders.insert(sections);
  }
  EXPECT_GT(orders.size(), 1u);
}

}  // namespace
}  // namespace dnsd::plugins::loadbalance

namespace dnsd::plugins::loadbalance {
namespace {

// Upstream bytes are untrusted: on mangled answers the shuffler either declines or only moves
// whole records (the octets of the answer stay the same multiset), and never reads out of bounds.
TEST(RoundRobinRobustness, MangledAnswersAreDeclinedOrOnlyPermuted) {
  Reply reply = CnameThenAddresses();
  reply.authority = {"example.org. 30 IN NS ns.example.org."};
  reply.additional = {"ns.example.org. 30 IN A 10.0.0.53", "ns.example.org. 30 IN AAAA fd00::53"};
  const Bytes response = Answer(Query("www.example.org.", 1), reply);
  Random random(3), mangle(99);
  Shuffler shuffler;
  Bytes out(65535);
  for (int run = 0; run < 5000; ++run) {
    Bytes mangled = response;
    const int flips = 1 + mangle.Next16() % 4;
    for (int f = 0; f < flips; ++f) mangled[mangle.Next16() % mangled.size()] = static_cast<std::uint8_t>(mangle.Next16());
    if (run % 7 == 0) mangled.resize(mangle.Next16() % mangled.size());
    if (!shuffler.Shuffle(mangled, out, random)) continue;
    Bytes sorted_in = mangled, sorted_out(out.begin(), out.begin() + mangled.size());
    std::sort(sorted_in.begin(), sorted_in.end());
    std::sort(sorted_out.begin(), sorted_out.end());
    ASSERT_EQ(sorted_out, sorted_in) << "run " << run;
  }
}

// A name read through a pointer whose target stays put but whose later octets lie in records that
// move: the additional record's owner points at "x" at the end of the TXT's RDATA (offset 41),
// after which the walk reads the first A record's owner pointer (offset 43), which a shuffle
// would replace. Every run declines, whatever the random numbers.
TEST(RoundRobinRobustness, ANameReadingIntoMovingRecordsThroughAPointerIsLeftAlone) {
  const Bytes response = {
      0x12, 0x34, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 1,                     // header
      7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0, 0, 1, 0, 1,  // question, ends at 29
      0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 30, 0, 2, 1, 'x',                   // TXT "x" (RDATA at 41)
      0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 10, 0, 0, 1,               // A at 43
      0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 10, 0, 0, 2,               // A at 59
      0xC0, 41, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 10, 0, 0, 3};              // x.example.org. A
  Shuffler shuffler;
  Bytes out(response.size());
  for (std::uint64_t seed = 0; seed < 32; ++seed) {
    Random random(seed);
    EXPECT_FALSE(shuffler.Shuffle(response, out, random)) << "seed " << seed;
  }
  // The same answer without the additional record shuffles for some seed.
  Bytes plain(response.begin(), response.end() - 16);
  plain[11] = 0;
  bool shuffled = false;
  for (std::uint64_t seed = 0; seed < 32 && !shuffled; ++seed) {
    Random random(seed);
    shuffled = shuffler.Shuffle(plain, out, random);
  }
  EXPECT_TRUE(shuffled);
}

}  // namespace
}  // namespace dnsd::plugins::loadbalance
