// The reverter's synthesized SOA: a negative upstream answer to a question a rule with Rule::soa
// rewrote gets the legacy zone's SOA in place of the upstream's (RFC 2308 section 3).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support.hpp"

namespace dnsd::rules::testing {
namespace {

constexpr std::uint16_t kA = 1, kIN = 1;

const std::string kK8sSoa =
    "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000001 7200 1800 86400 5";

Rule Marathon(std::shared_ptr<const SoaParams> soa, Mode mode = Mode::kStop) {
  Rule rule = MakeRule(Name(MatchKind::kSuffix, ".marathon.mesos.", ".svc.cluster.local.", {Auto()}), mode);
  rule.soa = std::move(soa);
  return rule;
}

struct Case {
  std::vector<Rule> rules;
  std::vector<std::uint32_t> applied = {0};
  std::string client_qname = "Foo.Marathon.Mesos.";
  std::string upstream_qname = "foo.svc.cluster.local.";
  Upstream upstream = {};
  std::optional<Bytes> client_edns = {};
};

struct Result {
  std::size_t length = 0;
  LdnsPkt pkt;
  Bytes response;  // the upstream's, for the allocation test
  std::vector<std::string> answer, authority, additional;
};

Result RunCase(const Case& c) {
  const std::vector<Rule> rules = Indexed(c.rules);
  const Outcome outcome = MakeOutcome(c.upstream_qname, kA, kIN, c.applied);
  const Bytes query = ClientQuery(c.client_qname, kA, kIN, c.client_edns);
  const Reverter reverter(std::span<const Rule>(rules), outcome, query);
  Upstream upstream = c.upstream;
  upstream.question = c.upstream_qname;
  Result r;
  r.response = UpstreamWire(upstream);
  Bytes out(65535);
  r.length = reverter.Revert(r.response, out);
  out.resize(r.length);
  if (r.length == 0) return r;
  r.pkt = Parse(out);
  if (!r.pkt) return r;
  r.answer = Section(r.pkt.get(), LDNS_SECTION_ANSWER);
  r.authority = Section(r.pkt.get(), LDNS_SECTION_AUTHORITY);
  r.additional = Section(r.pkt.get(), LDNS_SECTION_ADDITIONAL);
  return r;
}

using Rrs = std::vector<std::string>;

TEST(NegativeSoa, NxdomainGetsTheLegacySoaWithTheLesserTtlAndMinimum) {
  Case c{{Marathon(MesosSoa())}};
  c.upstream.rcode = LDNS_RCODE_NXDOMAIN;
  c.upstream.authority = {kK8sSoa};
  Result r = RunCase(c);
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(ldns_pkt_get_rcode(r.pkt.get()), LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(QuestionText(r.pkt.get()), "Foo.Marathon.Mesos. IN A");
  EXPECT_TRUE(r.answer.empty());
  // upstream TTL 5 < 45, upstream MINIMUM 5 < 30
  EXPECT_EQ(r.authority, Rrs{"mesos. 5 IN SOA ns1.mesos. root.ns1.mesos. 1700000000 60 600 86400 5"});

  c.upstream.authority = {
      "cluster.local. 300 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 600"};
  r = RunCase(c);
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(r.authority, Rrs{"mesos. 45 IN SOA ns1.mesos. root.ns1.mesos. 1700000000 60 600 86400 30"});
}

TEST(NegativeSoa, NodataGetsItToo) {
  Case c{{Marathon(MesosSoa())}};
  c.upstream.authority = {kK8sSoa};
  const Result r = RunCase(c);
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(ldns_pkt_get_rcode(r.pkt.get()), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r.answer.empty());
  EXPECT_EQ(r.authority, Rrs{"mesos. 5 IN SOA ns1.mesos. root.ns1.mesos. 1700000000 60 600 86400 5"});
}

TEST(NegativeSoa, WithoutAnUpstreamSoaOursIsAddedAtTheEndOfTheAuthority) {
  Case c{{Marathon(MesosSoa())}};
  c.upstream.rcode = LDNS_RCODE_NXDOMAIN;
  c.upstream.authority = {"cluster.local. 30 IN NS ns.dns.cluster.local."};
  c.upstream.additional = {"ns.dns.cluster.local. 30 IN A 10.0.0.10"};
  c.upstream.edns_options = Bytes{};
  c.client_edns = Bytes{};
  Result r = RunCase(c);
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(r.authority, (Rrs{"cluster.local. 30 IN NS ns.dns.cluster.local.",
                              "mesos. 45 IN SOA ns1.mesos. root.ns1.mesos. 1700000000 60 600 86400 30"}));
  EXPECT_EQ(r.additional, Rrs{"ns.dns.cluster.local. 30 IN A 10.0.0.10"});
  EXPECT_TRUE(ldns_pkt_edns(r.pkt.get()));

  c.upstream.authority.clear();
  c.upstream.additional.clear();
  c.upstream.edns_options.reset();
  c.client_edns.reset();
  r = RunCase(c);
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(r.authority, Rrs{"mesos. 45 IN SOA ns1.mesos. root.ns1.mesos. 1700000000 60 600 86400 30"});
  EXPECT_TRUE(r.additional.empty());
}

TEST(NegativeSoa, PositiveAndErrorAnswersAreUntouched) {
  Case c{{Marathon(MesosSoa())}};
  c.upstream.answer = {"foo.svc.cluster.local. 30 IN A 10.0.0.1"};
  c.upstream.authority = {kK8sSoa};  // unusual beside an answer, but not ours to replace
  Result r = RunCase(c);
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(r.answer, Rrs{"Foo.Marathon.Mesos. 30 IN A 10.0.0.1"});
  EXPECT_EQ(r.authority, Rrs{kK8sSoa});

  c.upstream.answer.clear();
  c.upstream.rcode = LDNS_RCODE_SERVFAIL;
  r = RunCase(c);
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(ldns_pkt_get_rcode(r.pkt.get()), LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(r.authority, Rrs{kK8sSoa});
}

TEST(NegativeSoa, UserRulesWithoutSoaKeepTheUpstreamSoa) {
  Case c{{Marathon(nullptr)}};
  c.upstream.rcode = LDNS_RCODE_NXDOMAIN;
  c.upstream.authority = {kK8sSoa};
  const Result r = RunCase(c);
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(r.authority, Rrs{kK8sSoa});
}

TEST(NegativeSoa, TheLastAppliedNameRuleWithASoaDecides) {
  auto other = std::make_shared<SoaParams>(*MesosSoa());
  other->zone = "thisdcos.directory.";
  other->mname = "ns.spartan.";
  other->rname = "support.mesosphere.com.";
  Rule second = MakeRule(Name(MatchKind::kSuffix, ".svc.cluster.local.", ".svc.cluster.local."));
  Case c{{Marathon(other, Mode::kContinue), second}};
  c.applied = {0, 1};
  c.upstream.rcode = LDNS_RCODE_NXDOMAIN;
  c.upstream.authority = {kK8sSoa};
  Result r = RunCase(c);
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(r.authority,
            Rrs{"thisdcos.directory. 5 IN SOA ns.spartan. support.mesosphere.com. 1700000000 60 600 86400 5"});

  c.rules[1].soa = MesosSoa();
  r = RunCase(c);
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(r.authority, Rrs{"mesos. 5 IN SOA ns1.mesos. root.ns1.mesos. 1700000000 60 600 86400 5"});
}

TEST(NegativeSoa, TtlRulesClampTheSynthesizedSoaToo) {
  Case c{{Marathon(MesosSoa(), Mode::kContinue), MakeRule(TtlRule{{MatchKind::kSuffix, "."}, 20, 20})}};
  c.applied = {0, 1};
  c.upstream.rcode = LDNS_RCODE_NXDOMAIN;
  const Result r = RunCase(c);
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(r.authority, Rrs{"mesos. 20 IN SOA ns1.mesos. root.ns1.mesos. 1700000000 60 600 86400 30"});
}

TEST(NegativeSoa, ASecondUpstreamSoaIsDropped) {
  Case c{{Marathon(MesosSoa())}};
  c.upstream.rcode = LDNS_RCODE_NXDOMAIN;
  c.upstream.authority = {kK8sSoa, "local. 5 IN SOA a.local. b.local. 1 2 3 4 5"};
  const Result r = RunCase(c);
  ASSERT_TRUE(r.pkt);
  EXPECT_EQ(r.authority, Rrs{"mesos. 5 IN SOA ns1.mesos. root.ns1.mesos. 1700000000 60 600 86400 5"});
}

TEST(NegativeSoa, ExtendedRcodeIsNotANegativeAnswer) {
  // BADVERS (16): RCODE bits 0 in the header, 1 in the OPT. Build it by hand from a NODATA answer.
  Case c{{Marathon(MesosSoa())}};
  c.upstream.authority = {kK8sSoa};
  c.upstream.edns_options = Bytes{};
  c.client_edns = Bytes{};
  const std::vector<Rule> rules = Indexed(c.rules);
  const Outcome outcome = MakeOutcome(c.upstream_qname, kA, kIN, c.applied);
  const Reverter reverter(std::span<const Rule>(rules), outcome, ClientQuery(c.client_qname, kA, kIN, Bytes{}));
  Upstream upstream = c.upstream;
  upstream.question = c.upstream_qname;
  Bytes response = UpstreamWire(upstream);
  // The OPT is the last record: owner 0, TYPE, CLASS, then TTL whose first octet is the extended RCODE.
  // The OPT (no options) is the last record: owner, TYPE, CLASS, TTL (its first octet the extended
  // RCODE), RDLENGTH.
  ASSERT_EQ(response[response.size() - 10], 0);
  ASSERT_EQ(response[response.size() - 9], 41);
  response[response.size() - 6] = 1;  // extended RCODE 1: 16, BADVERS
  Bytes out(65535);
  const std::size_t n = reverter.Revert(response, out);
  ASSERT_GT(n, 0u);
  out.resize(n);
  LdnsPkt pkt = Parse(out);
  ASSERT_TRUE(pkt);
  EXPECT_EQ(Section(pkt.get(), LDNS_SECTION_AUTHORITY), Rrs{kK8sSoa});
}

}  // namespace
}  // namespace dnsd::rules::testing
