// The request side: the query dnsd sends upstream after the rules (question replaced, lower case;
// edns0 rules applied to the OPT), read back with ldns.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support.hpp"

namespace dnsd::rules::testing {
namespace {

using wire::testing::Packet;

constexpr std::uint16_t kA = 1, kAAAA = 28, kHINFO = 13, kANY = 255;
constexpr std::uint16_t kIN = 1;

Edns0Rule Local(Edns0Rule::Action action, std::uint16_t code, std::string data, bool placeholder = false) {
  Edns0Rule rule;
  rule.option = Edns0Rule::Option::kLocal;
  rule.action = action;
  rule.code = code;
  rule.data = std::move(data);
  rule.data_is_placeholder = placeholder;
  return rule;
}

struct Built {
  std::size_t length = 0;
  Bytes wire;
  LdnsPkt pkt;
  // ARCOUNT as written (ldns takes the OPT out of its count).
  std::uint16_t arcount() const { return static_cast<std::uint16_t>(wire[10] << 8 | wire[11]); }
};

Built Build(const std::vector<Rule>& rules_in, const Outcome& outcome, const Bytes& query,
            const RequestContext& context = {"192.0.2.55", 40000, "10.1.1.1", 53, "udp"}) {
  const std::vector<Rule> rules = Indexed(rules_in);
  Bytes out(4096);
  Built b;
  b.length = BuildUpstreamQuery(std::span<const Rule>(rules), outcome, query, context, out);
  b.wire.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(b.length));
  if (b.length > 0) b.pkt = Parse(b.wire);
  return b;
}

TEST(BuildUpstreamQuery, SendsTheRewrittenQuestionInLowerCaseWithTheClientsHeader) {
  const std::vector<Rule> rules = {MakeRule(Name(MatchKind::kRegex, R"((.*)\.(.*)\.marathon\.mesos)",
                                                 "{1}.{2}-default.svc.cluster.local", {Auto()}))};
  const Built b = Build(rules, MakeOutcome("foo.bar-default.svc.cluster.local.", kA, kIN, {0}),
                        ClientQuery("FoO.BaR.Marathon.Mesos", kA, kIN, std::nullopt, 0x7777));
  ASSERT_GT(b.length, 0u);
  ASSERT_TRUE(b.pkt);
  EXPECT_EQ(QuestionText(b.pkt.get()), "foo.bar-default.svc.cluster.local. IN A");
  EXPECT_EQ(ldns_pkt_id(b.pkt.get()), 0x7777);
  EXPECT_TRUE(ldns_pkt_rd(b.pkt.get()));
  EXPECT_FALSE(ldns_pkt_qr(b.pkt.get()));
  EXPECT_FALSE(ldns_pkt_edns(b.pkt.get())) << "no OPT added without edns0 rules";
}

TEST(BuildUpstreamQuery, SendsTheRewrittenTypeAndClass) {
  const std::vector<Rule> rules = {MakeRule(TypeRule{kANY, kHINFO})};
  const Built b = Build(rules, MakeOutcome("x.example.org.", kHINFO, kIN, {0}),
                        ClientQuery("X.example.org", kANY));
  ASSERT_TRUE(b.pkt);
  EXPECT_EQ(QuestionText(b.pkt.get()), "x.example.org. IN HINFO");
}

TEST(BuildUpstreamQuery, WithoutAMatchSendsTheClientsQuestionLowerCased) {
  Outcome none;  // kNoMatch and no question: the caller did not fill it
  const Built b = Build({}, none, ClientQuery("B.Marathon.Mesos", kAAAA));
  ASSERT_TRUE(b.pkt);
  EXPECT_EQ(QuestionText(b.pkt.get()), "b.marathon.mesos. IN AAAA");
}

TEST(BuildUpstreamQuery, RefusesBadNameOutcomes) {
  // Case 15: a regex TO over 255 octets -> kBadName -> nothing is sent, the client gets SERVFAIL.
  Outcome bad = MakeOutcome("a.example.", kA, kIN, {0});
  bad.status = Outcome::Status::kBadName;
  EXPECT_EQ(Build({MakeRule(Name(MatchKind::kRegex, "(.*)", "{1}.x"))}, bad, ClientQuery("a.example", kA)).length, 0u);
  bad.status = Outcome::Status::kTooManyRules;
  EXPECT_EQ(Build({MakeRule(Name(MatchKind::kRegex, "(.*)", "{1}.x"))}, bad, ClientQuery("a.example", kA)).length, 0u);
}

TEST(BuildUpstreamQuery, RefusesMalformedQueriesAndSmallBuffers) {
  const std::vector<Rule> rules;
  const Outcome outcome = MakeOutcome("a.example.", kA, kIN, {});
  Bytes out(4096);
  const Bytes truncated{0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 3, 'a'};
  EXPECT_EQ(BuildUpstreamQuery(std::span<const Rule>(rules), outcome, truncated, {}, out), 0u);
  Bytes tiny(20);
  EXPECT_EQ(BuildUpstreamQuery(std::span<const Rule>(rules), outcome, ClientQuery("a.example", kA), {}, tiny), 0u);
}

TEST(BuildUpstreamQuery, Edns0LocalSetClientIpAddsAnOptWithTheClientAddress) {
  // Case 16: rewrite edns0 local set 0xffee {client_ip}
  const std::vector<Rule> rules = {MakeRule(Local(Edns0Rule::Action::kSet, 0xFFEE, "{client_ip}", true))};
  const Built b = Build(rules, MakeOutcome("a.example.", kA, kIN, {0}), ClientQuery("a.example", kA));
  ASSERT_TRUE(b.pkt);
  EXPECT_TRUE(ldns_pkt_edns(b.pkt.get()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(b.pkt.get()), 4096);
  EXPECT_EQ(EdnsOptions(b.pkt.get()), Option(0xFFEE, {192, 0, 2, 55}));
  EXPECT_EQ(b.arcount(), 1);
}

TEST(BuildUpstreamQuery, Edns0KeepsTheClientsOptAndItsOptions) {
  const std::vector<Rule> rules = {MakeRule(Local(Edns0Rule::Action::kSet, 0xFFEE, "{client_ip}", true))};
  const Bytes cookie = Option(10, {1, 2, 3, 4, 5, 6, 7, 8});
  const Built b = Build(rules, MakeOutcome("a.example.", kA, kIN, {0}),
                        ClientQuery("a.example", kA, kIN, cookie, 0x1234, /*dnssec_ok=*/true),
                        {"2001:db8::1", 1, "::1", 53, "tcp"});
  ASSERT_TRUE(b.pkt);
  EXPECT_EQ(ldns_pkt_edns_udp_size(b.pkt.get()), 1232);
  EXPECT_TRUE(ldns_pkt_edns_do(b.pkt.get()));
  Bytes want = cookie;
  const Bytes added = Option(0xFFEE, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  want.insert(want.end(), added.begin(), added.end());
  EXPECT_EQ(EdnsOptions(b.pkt.get()), want);
  EXPECT_EQ(b.arcount(), 1);
}

struct EdnsCase {
  std::string name;
  std::vector<Edns0Rule> rules;
  Bytes client_options;
  Bytes want_options;
};
std::ostream& operator<<(std::ostream& os, const EdnsCase& c) { return os << c.name; }

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<EdnsCase> EdnsCases() {
  using A = Edns0Rule::Action;
  Edns0Rule nsid;
  nsid.option = Edns0Rule::Option::kNsid;
  Edns0Rule subnet;
  subnet.option = Edns0Rule::Option::kSubnet;
  subnet.v4_bits = 20;
  subnet.v6_bits = 56;
  Edns0Rule unset = Local(A::kUnset, 0xFFEE, "");
  return {
      {"LocalSetAddsHexData", {Local(A::kSet, 0xFFEE, "\xab\xcd")}, {}, Option(0xFFEE, {0xab, 0xcd})},
      {"LocalSetReplacesTheClientsOption", {Local(A::kSet, 0xFFEE, "new")},
       Cat({Option(0xFFEE, {'o', 'l', 'd'}), Option(10, {9})}), Cat({Option(0xFFEE, {'n', 'e', 'w'}), Option(10, {9})})},
      {"LocalReplaceWithoutTheOptionAddsNothing", {Local(A::kReplace, 0xFFEE, "new")}, Option(10, {9}), Option(10, {9})},
      {"LocalAppendAddsASecondOption", {Local(A::kAppend, 0xFFEE, "b")}, Option(0xFFEE, {'a'}),
       Cat({Option(0xFFEE, {'a'}), Option(0xFFEE, {'b'})})},
      {"LocalUnsetRemovesTheOption", {unset}, Cat({Option(0xFFEE, {'a'}), Option(10, {9})}), Option(10, {9})},
      {"PlaceholdersForTypePortAndProtocol",
       {Local(A::kSet, 0xFF01, "{qtype}", true), Local(A::kSet, 0xFF02, "{client_port}", true),
        Local(A::kSet, 0xFF03, "{server_port}", true), Local(A::kSet, 0xFF04, "{protocol}", true),
        Local(A::kSet, 0xFF05, "{server_ip}", true), Local(A::kSet, 0xFF06, "{qname}", true)},
       {},
       Cat({Option(0xFF01, {0, 1}), Option(0xFF02, {0x9c, 0x40}), Option(0xFF03, {0, 53}), Option(0xFF04, {'u', 'd', 'p'}),
            Option(0xFF05, {10, 1, 1, 1}), Option(0xFF06, {'a', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.'})})},
      {"NsidSetAddsAnEmptyNsid", {nsid}, {}, Option(3, {})},
      {"SubnetSetAddsEcsMaskedToV4Bits", {subnet}, {}, Option(8, {0, 1, 20, 0, 192, 0, 0})},
  };
}

class Edns0Rules : public ::testing::TestWithParam<EdnsCase> {};

TEST_P(Edns0Rules, EditTheUpstreamQueryOptions) {
  const EdnsCase& c = GetParam();
  std::vector<Rule> rules;
  std::vector<std::uint32_t> applied;
  for (const Edns0Rule& r : c.rules) {
    applied.push_back(static_cast<std::uint32_t>(rules.size()));
    rules.push_back(MakeRule(r, Mode::kContinue));
  }
  const Built b = Build(rules, MakeOutcome("a.example.", kA, kIN, applied),
                        ClientQuery("a.example", kA, kIN, c.client_options));
  ASSERT_TRUE(b.pkt);
  EXPECT_EQ(EdnsOptions(b.pkt.get()), c.want_options);
}

INSTANTIATE_TEST_SUITE_P(BuildUpstreamQuery, Edns0Rules, ::testing::ValuesIn(EdnsCases()),
                         [](const auto& info) { return info.param.name; });

TEST(BuildUpstreamQuery, SubnetUsesV6BitsForAnIpv6Client) {
  Edns0Rule subnet;
  subnet.option = Edns0Rule::Option::kSubnet;
  subnet.v4_bits = 24;
  subnet.v6_bits = 56;
  const Built b = Build({MakeRule(subnet)}, MakeOutcome("a.example.", kA, kIN, {0}), ClientQuery("a.example", kA),
                        {"2001:db8:aaaa:bbcc:dd::1", 1, "::1", 53, "udp"});
  ASSERT_TRUE(b.pkt);
  EXPECT_EQ(EdnsOptions(b.pkt.get()), Option(8, {0, 2, 56, 0, 0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xaa, 0xbb}));
}

TEST(BuildUpstreamQuery, CopiesOtherAdditionalRecordsAroundTheOpt) {
  Packet p;
  p.Head(0x1234, 0x0100, 1, 0, 0, 2).Name("A.example").U16(kA).U16(kIN);
  p.Pointer(12).U16(kA).U16(kIN).U32(30).U16(4).Bytes({10, 0, 0, 1});  // points at the old question
  p.Opt(1232);
  const std::vector<Rule> rules = {MakeRule(Name(MatchKind::kExact, "a.example.", "longer.name.example."))};
  const Built b = Build(rules, MakeOutcome("longer.name.example.", kA, kIN, {0}), p.bytes());
  ASSERT_TRUE(b.pkt);
  EXPECT_EQ(QuestionText(b.pkt.get()), "longer.name.example. IN A");
  EXPECT_EQ(Section(b.pkt.get(), LDNS_SECTION_ADDITIONAL), std::vector<std::string>{"A.example. 30 IN A 10.0.0.1"});
  EXPECT_TRUE(ldns_pkt_edns(b.pkt.get()));
}

}  // namespace
}  // namespace dnsd::rules::testing
