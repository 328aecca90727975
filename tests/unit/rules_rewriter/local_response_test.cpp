// Local answers (LocalRule, Outcome::Status::kLocal): the whole response built by
// BuildLocalResponse, read back with ldns.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support.hpp"

namespace dnsd::rules::testing {
namespace {

constexpr std::uint16_t kA = 1, kSOA = 6, kAAAA = 28, kANY = 255, kIN = 1;

Rule Local(MatchKind kind, std::string pattern, std::uint16_t rcode, std::shared_ptr<const SoaParams> soa) {
  Rule rule = MakeRule(LocalRule{{kind, std::move(pattern)}, rcode});
  rule.soa = std::move(soa);
  return rule;
}

Outcome LocalOutcome(std::string_view question, std::uint16_t qtype, std::vector<std::uint32_t> applied) {
  Outcome outcome = MakeOutcome(question, qtype, kIN, std::move(applied));
  outcome.status = Outcome::Status::kLocal;
  return outcome;
}

struct Built {
  std::size_t length = 0;
  Bytes wire;
  LdnsPkt pkt;
};

Built Build(const std::vector<Rule>& rules, const Outcome& outcome, const Bytes& query, std::size_t size = 65535) {
  Built r;
  r.wire.resize(size);
  r.length = BuildLocalResponse(rules, outcome, query, r.wire);
  r.wire.resize(r.length);
  if (r.length > 0) r.pkt = Parse(r.wire);
  return r;
}

const std::string kMesosSoaText = "mesos. 45 IN SOA ns1.mesos. root.ns1.mesos. 1700000000 60 600 86400 30";

TEST(LocalResponse, NxdomainWithTheZoneSoaAndTheClientsQuestion) {
  const auto rules = Indexed({Local(MatchKind::kSuffix, ".slave.mesos.", 3, MesosSoa())});
  const Bytes query = ClientQuery("Agent1.Slave.Mesos.", kA, kIN, std::nullopt, 0xBEEF);
  const Built r = Build(rules, LocalOutcome("agent1.slave.mesos.", kA, {0}), query);
  ASSERT_GT(r.length, 0u);
  ASSERT_TRUE(r.pkt) << "ldns cannot parse our output";
  ldns_pkt* p = r.pkt.get();
  EXPECT_EQ(ldns_pkt_id(p), 0xBEEF);
  EXPECT_EQ(ldns_pkt_get_rcode(p), LDNS_RCODE_NXDOMAIN);
  EXPECT_TRUE(ldns_pkt_qr(p));
  EXPECT_TRUE(ldns_pkt_aa(p));
  EXPECT_TRUE(ldns_pkt_ra(p));
  EXPECT_TRUE(ldns_pkt_rd(p));  // the client's RD
  EXPECT_FALSE(ldns_pkt_tc(p));
  EXPECT_EQ(QuestionText(p), "Agent1.Slave.Mesos. IN A");
  EXPECT_TRUE(Section(p, LDNS_SECTION_ANSWER).empty());
  EXPECT_EQ(Section(p, LDNS_SECTION_AUTHORITY), std::vector<std::string>{kMesosSoaText});
  EXPECT_TRUE(Section(p, LDNS_SECTION_ADDITIONAL).empty());
  EXPECT_EQ(ldns_pkt_edns(p), false);  // the client sent no OPT
}

TEST(LocalResponse, RdIsCopiedNotSet) {
  const auto rules = Indexed({Local(MatchKind::kExact, "leader.mesos.", 3, MesosSoa())});
  Bytes query = ClientQuery("leader.mesos.", kA);
  query[2] &= 0xFE;  // RD off
  const Built r = Build(rules, LocalOutcome("leader.mesos.", kA, {0}), query);
  ASSERT_TRUE(r.pkt);
  EXPECT_FALSE(ldns_pkt_rd(r.pkt.get()));
  EXPECT_TRUE(ldns_pkt_ra(r.pkt.get()));
}

TEST(LocalResponse, OptOnlyForAClientThatSentOneWithItsDoBit) {
  const auto rules = Indexed({Local(MatchKind::kExact, "leader.mesos.", 3, MesosSoa())});
  for (bool dnssec_ok : {false, true}) {
    SCOPED_TRACE(dnssec_ok);
    const Bytes query = ClientQuery("leader.mesos.", kA, kIN, Bytes{}, 7, dnssec_ok);
    const Built r = Build(rules, LocalOutcome("leader.mesos.", kA, {0}), query);
    ASSERT_TRUE(r.pkt);
    ldns_pkt* p = r.pkt.get();
    EXPECT_TRUE(ldns_pkt_edns(p));
    EXPECT_EQ(ldns_pkt_edns_udp_size(p), 1232);
    EXPECT_EQ(ldns_pkt_edns_do(p), dnssec_ok);
    EXPECT_EQ(ldns_pkt_edns_version(p), 0);
    EXPECT_TRUE(EdnsOptions(p).empty());
    EXPECT_EQ(Section(p, LDNS_SECTION_AUTHORITY), std::vector<std::string>{kMesosSoaText});
  }
}

TEST(LocalResponse, NoerrorIsNodataWithTheSoaInAuthority) {
  const auto rules = Indexed({Local(MatchKind::kSuffix, "mesos.", 0, MesosSoa())});
  const Built r = Build(rules, LocalOutcome("mesos.", kAAAA, {0}), ClientQuery("MESOS.", kAAAA));
  ASSERT_TRUE(r.pkt);
  ldns_pkt* p = r.pkt.get();
  EXPECT_EQ(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
  EXPECT_EQ(QuestionText(p), "MESOS. IN AAAA");
  EXPECT_TRUE(Section(p, LDNS_SECTION_ANSWER).empty());
  EXPECT_EQ(Section(p, LDNS_SECTION_AUTHORITY), std::vector<std::string>{kMesosSoaText});
}

TEST(LocalResponse, ZoneApexSoaOrAnyGetsTheSoaAsTheAnswer) {
  const auto rules = Indexed({Local(MatchKind::kExact, "mesos.", 0, MesosSoa())});
  for (std::uint16_t qtype : {kSOA, kANY}) {
    SCOPED_TRACE(qtype);
    const Built r = Build(rules, LocalOutcome("mesos.", qtype, {0}), ClientQuery("Mesos.", qtype));
    ASSERT_TRUE(r.pkt);
    ldns_pkt* p = r.pkt.get();
    EXPECT_EQ(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
    EXPECT_TRUE(ldns_pkt_aa(p));
    EXPECT_EQ(Section(p, LDNS_SECTION_ANSWER), std::vector<std::string>{kMesosSoaText});
    EXPECT_TRUE(Section(p, LDNS_SECTION_AUTHORITY).empty());
  }
}

TEST(LocalResponse, SoaQuestionBelowTheApexIsStillNegative) {
  const auto rules = Indexed({Local(MatchKind::kSuffix, ".mesos.", 0, MesosSoa())});
  const Built r = Build(rules, LocalOutcome("x.mesos.", kSOA, {0}), ClientQuery("x.mesos.", kSOA));
  ASSERT_TRUE(r.pkt);
  EXPECT_TRUE(Section(r.pkt.get(), LDNS_SECTION_ANSWER).empty());
  EXPECT_EQ(Section(r.pkt.get(), LDNS_SECTION_AUTHORITY), std::vector<std::string>{kMesosSoaText});
}

TEST(LocalResponse, NxdomainOnTheApexKeepsTheSoaInAuthority) {
  const auto rules = Indexed({Local(MatchKind::kExact, "mesos.", 3, MesosSoa())});
  const Built r = Build(rules, LocalOutcome("mesos.", kSOA, {0}), ClientQuery("mesos.", kSOA));
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(ldns_pkt_get_rcode(r.pkt.get()), LDNS_RCODE_NXDOMAIN);
  EXPECT_TRUE(Section(r.pkt.get(), LDNS_SECTION_ANSWER).empty());
  EXPECT_EQ(Section(r.pkt.get(), LDNS_SECTION_AUTHORITY), std::vector<std::string>{kMesosSoaText});
}

TEST(LocalResponse, WithoutASoaTheNegativeAnswerIsBare) {
  const auto rules = Indexed({Local(MatchKind::kExact, "leader.mesos.", 3, nullptr)});
  const Built r = Build(rules, LocalOutcome("leader.mesos.", kA, {0}), ClientQuery("leader.mesos.", kA));
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(ldns_pkt_get_rcode(r.pkt.get()), LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(ldns_pkt_ancount(r.pkt.get()) + ldns_pkt_nscount(r.pkt.get()) + ldns_pkt_arcount(r.pkt.get()), 0);
}

TEST(LocalResponse, TheLastAppliedRuleDecidesAfterAContinueChain) {
  const auto rules = Indexed({MakeRule(Name(MatchKind::kSuffix, ".old.", ".mesos."), Mode::kContinue),
                              Local(MatchKind::kSuffix, ".mesos.", 3, MesosSoa())});
  const Built r = Build(rules, LocalOutcome("a.mesos.", kA, {0, 1}), ClientQuery("A.Old.", kA));
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(QuestionText(r.pkt.get()), "A.Old. IN A");  // what the client asked, not the rewrite
  EXPECT_EQ(ldns_pkt_get_rcode(r.pkt.get()), LDNS_RCODE_NXDOMAIN);
}

TEST(LocalResponse, RefusesWhatItCannotAnswer) {
  const auto rules = Indexed({MakeRule(Name(MatchKind::kExact, "a.mesos.", "b.")),
                              Local(MatchKind::kExact, "leader.mesos.", 3, MesosSoa())});
  const Bytes query = ClientQuery("leader.mesos.", kA);
  EXPECT_EQ(Build(rules, LocalOutcome("leader.mesos.", kA, {0}), query).length, 0u) << "not a local rule";
  EXPECT_EQ(Build(rules, LocalOutcome("leader.mesos.", kA, {}), query).length, 0u) << "nothing applied";
  EXPECT_EQ(Build(rules, LocalOutcome("leader.mesos.", kA, {7}), query).length, 0u) << "index out of range";
  Outcome rewritten = LocalOutcome("leader.mesos.", kA, {1});
  rewritten.status = Outcome::Status::kRewritten;
  EXPECT_EQ(Build(rules, rewritten, query).length, 0u) << "status not kLocal";
  EXPECT_EQ(Build(rules, LocalOutcome("leader.mesos.", kA, {1}), Bytes(query.begin(), query.begin() + 9)).length,
            0u) << "malformed query";
  const Built fits = Build(rules, LocalOutcome("leader.mesos.", kA, {1}), query);
  ASSERT_GT(fits.length, 0u);
  EXPECT_EQ(Build(rules, LocalOutcome("leader.mesos.", kA, {1}), query, fits.length - 1).length, 0u)
      << "out too small";
  EXPECT_EQ(Build(rules, LocalOutcome("leader.mesos.", kA, {1}), query, fits.length).length, fits.length);
  auto bad = std::make_shared<SoaParams>(*MesosSoa());
  bad->mname = "a..b.";
  const auto bad_rules = Indexed({Local(MatchKind::kExact, "leader.mesos.", 3, bad)});
  EXPECT_EQ(Build(bad_rules, LocalOutcome("leader.mesos.", kA, {0}), query).length, 0u) << "bad SOA name";
}

}  // namespace
}  // namespace dnsd::rules::testing
