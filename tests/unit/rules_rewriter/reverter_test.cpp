// The response side of the rewrite plugin: every response case of shared/spec/CASES.md, CoreDNS's
// answer auto / name / value behaviour, ttl/rcode/edns0 revert, and responses that must not be
// reverted (-> 0, the caller answers SERVFAIL). Rules and outcomes are built by hand; upstream
// responses come from ldns and our output is read back with ldns.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "dnsd/wire/message.hpp"
#include "support.hpp"

namespace dnsd::rules::testing {
namespace {

using wire::testing::Packet;

constexpr std::uint16_t kA = 1, kNS = 2, kCNAME = 5, kSOA = 6, kPTR = 12, kMX = 15, kTXT = 16,
                        kSRV = 33, kNAPTR = 35, kDNAME = 39, kHINFO = 13, kANY = 255;
constexpr std::uint16_t kIN = 1, kCH = 3;

// One response case: rules, the client's question, the outcome (rewritten question + applied
// rules), what the upstream answers, and what the client must get.
struct RevertCase {
  std::string name;
  std::vector<Rule> rules;
  std::string client_qname;
  std::uint16_t client_qtype = kA;
  std::uint16_t client_qclass = kIN;
  std::string upstream_qname;  // the rewritten question (outcome), lower case, fully qualified
  std::uint16_t upstream_qtype = kA;
  std::uint16_t upstream_qclass = kIN;
  std::vector<std::uint32_t> applied;
  Upstream upstream;  // question filled from upstream_q*
  std::string want_question;
  std::vector<std::string> want_answer;
  std::vector<std::string> want_authority = {};
  std::vector<std::string> want_additional = {};
  ldns_pkt_rcode want_rcode = LDNS_RCODE_NOERROR;
};

std::ostream& operator<<(std::ostream& os, const RevertCase& c) { return os << c.name; }

struct Reverted {
  std::size_t length = 0;
  Bytes wire;
  LdnsPkt pkt;
};

Reverted RunRevert(const RevertCase& c, std::size_t out_size = 65535) {
  const std::vector<Rule> rules = Indexed(c.rules);
  const Outcome outcome = MakeOutcome(c.upstream_qname, c.upstream_qtype, c.upstream_qclass, c.applied);
  const Bytes query = ClientQuery(c.client_qname, c.client_qtype, c.client_qclass);
  const Reverter reverter(std::span<const Rule>(rules), outcome, query);
  Upstream upstream = c.upstream;
  upstream.question = c.upstream_qname;
  upstream.qtype = c.upstream_qtype;
  upstream.qclass = c.upstream_qclass;
  const Bytes response = UpstreamWire(upstream);
  Reverted r;
  r.wire.resize(out_size);
  r.length = reverter.Revert(response, r.wire);
  r.wire.resize(r.length);
  if (r.length > 0) r.pkt = Parse(r.wire);
  return r;
}

class RevertCases : public ::testing::TestWithParam<RevertCase> {};

TEST_P(RevertCases, ClientGetsWhatCorednsWouldGive) {
  const RevertCase& c = GetParam();
  const Reverted r = RunRevert(c);
  ASSERT_GT(r.length, 0u);
  ASSERT_TRUE(r.pkt) << "ldns cannot parse our output";
  EXPECT_EQ(QuestionText(r.pkt.get()), c.want_question);
  EXPECT_EQ(Section(r.pkt.get(), LDNS_SECTION_ANSWER), c.want_answer);
  EXPECT_EQ(Section(r.pkt.get(), LDNS_SECTION_AUTHORITY), c.want_authority);
  EXPECT_EQ(Section(r.pkt.get(), LDNS_SECTION_ADDITIONAL), c.want_additional);
  EXPECT_EQ(ldns_pkt_get_rcode(r.pkt.get()), c.want_rcode);
  EXPECT_EQ(ldns_pkt_id(r.pkt.get()), 0x1234) << "the client's ID";
  EXPECT_TRUE(ldns_pkt_qr(r.pkt.get()));
}

const NameRule kCase6Regex = Name(MatchKind::kRegex, R"((.*)\.(.*)\.marathon\.mesos)",
                                  "{1}.{2}-default.svc.cluster.local", {Auto()});
const std::string kSoa = "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30";

std::vector<RevertCase> SpecCases() {
  std::vector<RevertCase> cases;
  {
    RevertCase c;
    c.name = "Case1ExactRevertsQuestionAndQueriedOwnerName";
    c.rules = {MakeRule(Name(MatchKind::kExact, "a.marathon.mesos.", "a.ns-default.svc.cluster.local."))};
    c.client_qname = "a.marathon.mesos";
    c.upstream_qname = "a.ns-default.svc.cluster.local.";
    c.applied = {0};
    c.upstream.answer = {"a.ns-default.svc.cluster.local. 30 IN A 10.0.0.1"};
    c.want_question = "a.marathon.mesos. IN A";
    c.want_answer = {"a.marathon.mesos. 30 IN A 10.0.0.1"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case2NoMatchLeavesTheResponseUnchanged";
    c.rules = {MakeRule(Name(MatchKind::kExact, "a.marathon.mesos.", "a.ns-default.svc.cluster.local."))};
    c.client_qname = "b.marathon.mesos";
    c.upstream_qname = "b.marathon.mesos.";
    c.upstream.answer = {"b.marathon.mesos. 30 IN A 10.0.0.2"};
    c.want_question = "b.marathon.mesos. IN A";
    c.want_answer = {"b.marathon.mesos. 30 IN A 10.0.0.2"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case3SuffixAnswerAutoRevertsOwnerNames";
    c.rules = {MakeRule(Name(MatchKind::kSuffix, ".marathon.mesos.", ".svc.cluster.local.", {Auto()}))};
    c.client_qname = "web.shop.marathon.mesos";
    c.upstream_qname = "web.shop.svc.cluster.local.";
    c.applied = {0};
    c.upstream.answer = {"web.shop.svc.cluster.local. 30 IN A 10.0.0.3"};
    c.want_question = "web.shop.marathon.mesos. IN A";
    c.want_answer = {"web.shop.marathon.mesos. 30 IN A 10.0.0.3"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case4PrefixWithoutOptionKeepsUpstreamOwner";
    c.rules = {MakeRule(Name(MatchKind::kPrefix, "old.", "svc1."))};
    c.client_qname = "old.ns0-default.svc.cluster.local";
    c.upstream_qname = "svc1.ns0-default.svc.cluster.local.";
    c.applied = {0};
    c.upstream.answer = {"svc1.ns0-default.svc.cluster.local. 30 IN A 10.0.0.4"};
    c.want_question = "old.ns0-default.svc.cluster.local. IN A";
    c.want_answer = {"svc1.ns0-default.svc.cluster.local. 30 IN A 10.0.0.4"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case5SubstringWithoutOptionKeepsUpstreamOwner";
    c.rules = {MakeRule(Name(MatchKind::kSubstring, ".legacy.", ".svc."))};
    c.client_qname = "x.legacy.cluster.local";
    c.upstream_qname = "x.svc.cluster.local.";
    c.applied = {0};
    c.upstream.answer = {"x.svc.cluster.local. 30 IN A 10.0.0.5"};
    c.want_question = "x.legacy.cluster.local. IN A";
    c.want_answer = {"x.svc.cluster.local. 30 IN A 10.0.0.5"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case6RegexAnswerAutoRevertsQueriedOwner";
    c.rules = {MakeRule(kCase6Regex)};
    c.client_qname = "foo.bar.marathon.mesos";
    c.upstream_qname = "foo.bar-default.svc.cluster.local.";
    c.applied = {0};
    c.upstream.answer = {"foo.bar-default.svc.cluster.local. 30 IN A 10.0.0.6"};
    c.want_question = "foo.bar.marathon.mesos. IN A";
    c.want_answer = {"foo.bar.marathon.mesos. 30 IN A 10.0.0.6"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case7RegexAnswerAutoKeepsClientCase";
    c.rules = {MakeRule(kCase6Regex)};
    c.client_qname = "FoO.BaR.Marathon.Mesos";
    c.upstream_qname = "foo.bar-default.svc.cluster.local.";
    c.applied = {0};
    c.upstream.answer = {"foo.bar-default.svc.cluster.local. 30 IN A 10.0.0.7"};
    c.want_question = "FoO.BaR.Marathon.Mesos. IN A";
    c.want_answer = {"FoO.BaR.Marathon.Mesos. 30 IN A 10.0.0.7"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case8RegexAnswerNameRewritesOwners";
    c.rules = {MakeRule(Name(MatchKind::kRegex, R"((.*)\.marathon\.mesos)", "{1}.svc.cluster.local",
                             {AnswerName(R"((.*)\.svc\.cluster\.local)", "{1}.marathon.mesos")}))};
    c.client_qname = "a.b.marathon.mesos";
    c.upstream_qname = "a.b.svc.cluster.local.";
    c.applied = {0};
    c.upstream.answer = {"a.b.svc.cluster.local. 30 IN A 10.0.0.8"};
    c.want_question = "a.b.marathon.mesos. IN A";
    c.want_answer = {"a.b.marathon.mesos. 30 IN A 10.0.0.8"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case9ContinueChainRestoresQuestionOnly";
    c.rules = {MakeRule(Name(MatchKind::kSuffix, ".marathon.mesos.", ".mesos.internal."), Mode::kContinue),
               MakeRule(Name(MatchKind::kSuffix, ".mesos.internal.", ".svc.cluster.local."))};
    c.client_qname = "a.b.marathon.mesos";
    c.upstream_qname = "a.b.svc.cluster.local.";
    c.applied = {0, 1};
    c.upstream.answer = {"a.b.svc.cluster.local. 30 IN A 10.0.0.9"};
    c.want_question = "a.b.marathon.mesos. IN A";
    c.want_answer = {"a.b.svc.cluster.local. 30 IN A 10.0.0.9"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case9WithAnswerAutoUndoesTheChainLastRuleFirst";
    c.rules = {MakeRule(Name(MatchKind::kSuffix, ".marathon.mesos.", ".mesos.internal.", {Auto()}),
                        Mode::kContinue),
               MakeRule(Name(MatchKind::kSuffix, ".mesos.internal.", ".svc.cluster.local.", {Auto()}))};
    c.client_qname = "A.b.Marathon.mesos";
    c.upstream_qname = "a.b.svc.cluster.local.";
    c.applied = {0, 1};
    c.upstream.answer = {"a.b.svc.cluster.local. 30 IN A 10.0.0.9"};
    c.want_question = "A.b.Marathon.mesos. IN A";
    c.want_answer = {"A.b.Marathon.mesos. 30 IN A 10.0.0.9"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "ContinueChainOfRegexAndExactRevertsThroughReplayedNames";
    c.rules = {MakeRule(Name(MatchKind::kRegex, R"(^(.*)\.marathon\.mesos\.$)", "{1}.mesos.internal", {Auto()}),
                        Mode::kContinue),
               MakeRule(Name(MatchKind::kExact, "web.mesos.internal.", "web.ns-default.svc.cluster.local."))};
    c.client_qname = "Web.Marathon.Mesos";
    c.upstream_qname = "web.ns-default.svc.cluster.local.";
    c.applied = {0, 1};
    c.upstream.answer = {"web.ns-default.svc.cluster.local. 30 IN A 10.0.0.19"};
    c.want_question = "Web.Marathon.Mesos. IN A";
    c.want_answer = {"Web.Marathon.Mesos. 30 IN A 10.0.0.19"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case10StopAfterFirstSuffixRule";
    c.rules = {MakeRule(Name(MatchKind::kSuffix, ".marathon.mesos.", ".one.local.")),
               MakeRule(Name(MatchKind::kSuffix, ".marathon.mesos.", ".two.local."))};
    c.client_qname = "a.marathon.mesos";
    c.upstream_qname = "a.one.local.";
    c.applied = {0};
    c.upstream.answer = {"a.one.local. 30 IN A 10.0.0.10"};
    c.want_question = "a.marathon.mesos. IN A";
    c.want_answer = {"a.one.local. 30 IN A 10.0.0.10"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case11TypeRuleRestoresQuestionType";
    c.rules = {MakeRule(TypeRule{kANY, kHINFO})};
    c.client_qname = "x.example.org";
    c.client_qtype = kANY;
    c.upstream_qname = "x.example.org.";
    c.upstream_qtype = kHINFO;
    c.applied = {0};
    c.upstream.answer = {"x.example.org. 30 IN HINFO \"RFC8482\" \"\""};
    c.want_question = "x.example.org. IN ANY";
    c.want_answer = {"x.example.org. 30 IN HINFO \"RFC8482\" \"\""};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case12ClassRuleRestoresQuestionClass";
    c.rules = {MakeRule(ClassRule{kCH, kIN})};
    c.client_qname = "version.bind";
    c.client_qtype = kTXT;
    c.client_qclass = kCH;
    c.upstream_qname = "version.bind.";
    c.upstream_qtype = kTXT;
    c.applied = {0};
    c.upstream.answer = {"version.bind. 0 IN TXT \"dnsd\""};
    c.want_question = "version.bind. CH TXT";
    c.want_answer = {"version.bind. 0 IN TXT \"dnsd\""};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case13TtlRuleSetsEveryRecordsTtl";
    c.rules = {MakeRule(TtlRule{{MatchKind::kSuffix, ".svc.cluster.local."}, 15, 15})};
    c.client_qname = "svc1.ns1-default.svc.cluster.local";
    c.upstream_qname = "svc1.ns1-default.svc.cluster.local.";
    c.applied = {0};
    c.upstream.answer = {"svc1.ns1-default.svc.cluster.local. 30 IN A 10.0.1.1",
                         "svc1.ns1-default.svc.cluster.local. 5 IN A 10.0.1.2"};
    c.upstream.additional = {"ns.example. 3600 IN A 10.9.9.9"};
    c.want_question = "svc1.ns1-default.svc.cluster.local. IN A";
    c.want_answer = {"svc1.ns1-default.svc.cluster.local. 15 IN A 10.0.1.1",
                     "svc1.ns1-default.svc.cluster.local. 15 IN A 10.0.1.2"};
    c.want_additional = {"ns.example. 15 IN A 10.9.9.9"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "Case14AnswerValueRevertsCnameTarget";
    c.rules = {MakeRule(Name(MatchKind::kRegex, R"((.*)\.marathon\.mesos)", "{1}.svc.cluster.local",
                             {Auto(), AnswerValue(R"((.*)\.svc\.cluster\.local)", "{1}.marathon.mesos")}))};
    c.client_qname = "www.marathon.mesos";
    c.upstream_qname = "www.svc.cluster.local.";
    c.applied = {0};
    c.upstream.answer = {"www.svc.cluster.local. 30 IN CNAME web.svc.cluster.local.",
                         "web.svc.cluster.local. 30 IN A 10.0.0.14"};
    c.want_question = "www.marathon.mesos. IN A";
    // The target's own record keeps its owner: auto reverts only the queried name, `answer value`
    // only RDATA targets (CoreDNS 1.11).
    c.want_answer = {"www.marathon.mesos. 30 IN CNAME web.marathon.mesos.",
                     "web.svc.cluster.local. 30 IN A 10.0.0.14"};
    cases.push_back(c);
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(CasesMd, RevertCases, ::testing::ValuesIn(SpecCases()),
                         [](const auto& info) { return info.param.name; });

std::vector<RevertCase> CorednsBehaviourCases() {
  std::vector<RevertCase> cases;
  const Rule suffix_auto =
      MakeRule(Name(MatchKind::kSuffix, ".marathon.mesos.", ".svc.cluster.local.", {Auto()}));
  {
    RevertCase c;
    c.name = "SuffixAutoMapsTargetsInAllSectionsButNotApexOrRname";
    c.rules = {suffix_auto};
    c.client_qname = "Web.Marathon.Mesos";
    c.client_qtype = kSRV;
    c.upstream_qname = "web.svc.cluster.local.";
    c.upstream_qtype = kSRV;
    c.applied = {0};
    c.upstream.answer = {"web.svc.cluster.local. 30 IN SRV 0 5 80 a.web.svc.cluster.local.",
                         "web.svc.cluster.local. 30 IN MX 10 mail.svc.cluster.local.",
                         "web.svc.cluster.local. 30 IN CNAME other.example.",
                         "1.0.0.10.in-addr.arpa. 30 IN PTR web.svc.cluster.local.",
                         "d.svc.cluster.local. 30 IN DNAME x.svc.cluster.local.",
                         "n.svc.cluster.local. 30 IN NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.svc.cluster.local."};
    c.upstream.authority = {"svc.cluster.local. 30 IN NS ns1.svc.cluster.local.",
                            "svc.cluster.local. 30 IN SOA ns.svc.cluster.local. admin.svc.cluster.local. 1 2 3 4 5"};
    c.upstream.additional = {"a.web.svc.cluster.local. 30 IN A 10.0.0.20"};
    c.want_question = "Web.Marathon.Mesos. IN SRV";
    c.want_answer = {"Web.Marathon.Mesos. 30 IN SRV 0 5 80 a.Web.Marathon.Mesos.",
                     "Web.Marathon.Mesos. 30 IN MX 10 mail.marathon.mesos.",
                     "Web.Marathon.Mesos. 30 IN CNAME other.example.",
                     "1.0.0.10.in-addr.arpa. 30 IN PTR Web.Marathon.Mesos.",
                     "d.marathon.mesos. 30 IN DNAME x.marathon.mesos.",
                     "n.marathon.mesos. 30 IN NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.marathon.mesos."};
    c.want_authority = {"svc.cluster.local. 30 IN NS ns1.marathon.mesos.",
                        "svc.cluster.local. 30 IN SOA ns.marathon.mesos. admin.svc.cluster.local. 1 2 3 4 5"};
    c.want_additional = {"a.Web.Marathon.Mesos. 30 IN A 10.0.0.20"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "ExactWithoutOptionKeepsCnameTargetAndItsRecords";
    c.rules = {MakeRule(Name(MatchKind::kExact, "a.marathon.mesos.", "a.ns-default.svc.cluster.local."))};
    c.client_qname = "A.marathon.mesos";
    c.upstream_qname = "a.ns-default.svc.cluster.local.";
    c.applied = {0};
    c.upstream.answer = {"a.ns-default.svc.cluster.local. 30 IN CNAME b.ns-default.svc.cluster.local.",
                         "b.ns-default.svc.cluster.local. 30 IN A 10.0.0.21"};
    c.want_question = "A.marathon.mesos. IN A";
    c.want_answer = {"A.marathon.mesos. 30 IN CNAME b.ns-default.svc.cluster.local.",
                     "b.ns-default.svc.cluster.local. 30 IN A 10.0.0.21"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "RegexAutoKeepsCnameTargetAndItsRecords";
    c.rules = {MakeRule(kCase6Regex)};
    c.client_qname = "foo.bar.marathon.mesos";
    c.upstream_qname = "foo.bar-default.svc.cluster.local.";
    c.applied = {0};
    c.upstream.answer = {"foo.bar-default.svc.cluster.local. 30 IN CNAME real.bar-default.svc.cluster.local.",
                         "real.bar-default.svc.cluster.local. 30 IN A 10.0.0.22"};
    c.want_question = "foo.bar.marathon.mesos. IN A";
    c.want_answer = {"foo.bar.marathon.mesos. 30 IN CNAME real.bar-default.svc.cluster.local.",
                     "real.bar-default.svc.cluster.local. 30 IN A 10.0.0.22"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "CnameChainWithAnswerValueAndAnswerName";
    c.rules = {MakeRule(Name(MatchKind::kRegex, R"((.*)\.marathon\.mesos)", "{1}.svc.cluster.local",
                             {AnswerName(R"((.*)\.svc\.cluster\.local)", "{1}.marathon.mesos"),
                              AnswerValue(R"((.*)\.svc\.cluster\.local)", "{1}.marathon.mesos")}))};
    c.client_qname = "a.marathon.mesos";
    c.upstream_qname = "a.svc.cluster.local.";
    c.applied = {0};
    c.upstream.answer = {"a.svc.cluster.local. 30 IN CNAME b.svc.cluster.local.",
                         "b.svc.cluster.local. 30 IN CNAME c.svc.cluster.local.",
                         "c.svc.cluster.local. 30 IN A 10.0.0.23"};
    c.want_question = "a.marathon.mesos. IN A";
    c.want_answer = {"a.marathon.mesos. 30 IN CNAME b.marathon.mesos.",
                     "b.marathon.mesos. 30 IN CNAME c.marathon.mesos.",
                     "c.marathon.mesos. 30 IN A 10.0.0.23"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "NxdomainPassesUpstreamSoaThroughUnchanged";
    c.rules = {MakeRule(kCase6Regex)};
    c.client_qname = "no.bar.marathon.mesos";
    c.upstream_qname = "no.bar-default.svc.cluster.local.";
    c.applied = {0};
    c.upstream.rcode = LDNS_RCODE_NXDOMAIN;
    c.upstream.authority = {kSoa};
    c.want_question = "no.bar.marathon.mesos. IN A";
    c.want_answer = {};
    c.want_authority = {kSoa};
    c.want_rcode = LDNS_RCODE_NXDOMAIN;
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "TtlRuleAlsoSetsTheSoaTtlOfANegativeAnswer";
    c.rules = {MakeRule(TtlRule{{MatchKind::kSuffix, ".svc.cluster.local."}, 15, 15})};
    c.client_qname = "gone.ns1-default.svc.cluster.local";
    c.upstream_qname = "gone.ns1-default.svc.cluster.local.";
    c.applied = {0};
    c.upstream.rcode = LDNS_RCODE_NXDOMAIN;
    c.upstream.authority = {kSoa};
    c.want_question = "gone.ns1-default.svc.cluster.local. IN A";
    c.want_answer = {};
    c.want_authority = {
        "cluster.local. 15 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30"};
    c.want_rcode = LDNS_RCODE_NXDOMAIN;
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "TtlRangeClampsBothWays";
    c.rules = {MakeRule(TtlRule{{MatchKind::kExact, "t.example."}, 10, 100})};
    c.client_qname = "t.example";
    c.upstream_qname = "t.example.";
    c.applied = {0};
    c.upstream.answer = {"t.example. 5 IN A 10.0.0.1", "t.example. 50 IN A 10.0.0.2",
                         "t.example. 500 IN A 10.0.0.3"};
    c.want_question = "t.example. IN A";
    c.want_answer = {"t.example. 10 IN A 10.0.0.1", "t.example. 50 IN A 10.0.0.2",
                     "t.example. 100 IN A 10.0.0.3"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "RcodeRuleTurnsNxdomainIntoNoerror";
    c.rules = {MakeRule(RcodeRule{{MatchKind::kExact, "r.example."}, 3, 0})};
    c.client_qname = "r.example";
    c.upstream_qname = "r.example.";
    c.applied = {0};
    c.upstream.rcode = LDNS_RCODE_NXDOMAIN;
    c.upstream.authority = {"example. 30 IN SOA ns.example. h.example. 1 2 3 4 5"};
    c.want_question = "r.example. IN A";
    c.want_answer = {};
    c.want_authority = {"example. 30 IN SOA ns.example. h.example. 1 2 3 4 5"};
    c.want_rcode = LDNS_RCODE_NOERROR;
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "RcodeRuleLeavesOtherRcodesAlone";
    c.rules = {MakeRule(RcodeRule{{MatchKind::kExact, "r.example."}, 3, 0})};
    c.client_qname = "r.example";
    c.upstream_qname = "r.example.";
    c.applied = {0};
    c.upstream.rcode = LDNS_RCODE_REFUSED;
    c.want_question = "r.example. IN A";
    c.want_answer = {};
    c.want_rcode = LDNS_RCODE_REFUSED;
    cases.push_back(c);
  }
  {
    RevertCase c;
    c.name = "UnknownTypeRdataIsCopiedVerbatim";
    c.rules = {suffix_auto};
    c.client_qname = "u.marathon.mesos";
    c.client_qtype = 65280;
    c.upstream_qname = "u.svc.cluster.local.";
    c.upstream_qtype = 65280;
    c.applied = {0};
    c.upstream.answer = {"u.svc.cluster.local. 30 IN TYPE65280 \\# 4 c00c0001"};
    c.want_question = "u.marathon.mesos. IN TYPE65280";
    c.want_answer = {"u.marathon.mesos. 30 IN TYPE65280 \\# 4 c00c0001"};
    cases.push_back(c);
  }
  {
    RevertCase c;
    // Like exact and regex (spec: observed CoreDNS 1.10.1), only the queried owner name goes back.
    c.name = "PrefixAnswerAutoRevertsOnlyTheQueriedOwnerName";
    c.rules = {MakeRule(Name(MatchKind::kPrefix, "old.", "svc1.", {Auto()}))};
    c.client_qname = "Old.ns0-default.svc.cluster.local";
    c.upstream_qname = "svc1.ns0-default.svc.cluster.local.";
    c.applied = {0};
    c.upstream.answer = {"svc1.ns0-default.svc.cluster.local. 30 IN CNAME x.svc1.ns0-default.svc.cluster.local.",
                         "x.svc1.ns0-default.svc.cluster.local. 30 IN A 10.0.0.24"};
    c.want_question = "Old.ns0-default.svc.cluster.local. IN A";
    c.want_answer = {"Old.ns0-default.svc.cluster.local. 30 IN CNAME x.svc1.ns0-default.svc.cluster.local.",
                     "x.svc1.ns0-default.svc.cluster.local. 30 IN A 10.0.0.24"};
    cases.push_back(c);
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Coredns, RevertCases, ::testing::ValuesIn(CorednsBehaviourCases()),
                         [](const auto& info) { return info.param.name; });

RevertCase SimpleSuffixAuto() {
  RevertCase c;
  c.rules = {MakeRule(Name(MatchKind::kSuffix, ".marathon.mesos.", ".svc.cluster.local.", {Auto()}))};
  c.client_qname = "web.marathon.mesos";
  c.upstream_qname = "web.svc.cluster.local.";
  c.applied = {0};
  c.upstream.answer = {"web.svc.cluster.local. 30 IN A 10.0.0.1"};
  return c;
}

TEST(Reverter, PassesHeaderFlagsThrough) {
  RevertCase c = SimpleSuffixAuto();
  c.upstream.aa = true;
  c.upstream.ra = false;
  c.upstream.tc = true;
  const Reverted r = RunRevert(c);
  ASSERT_TRUE(r.pkt);
  EXPECT_TRUE(ldns_pkt_aa(r.pkt.get()));
  EXPECT_FALSE(ldns_pkt_ra(r.pkt.get()));
  EXPECT_TRUE(ldns_pkt_tc(r.pkt.get()));
  EXPECT_TRUE(ldns_pkt_rd(r.pkt.get()));
  c.upstream.aa = false;
  c.upstream.ra = true;
  c.upstream.tc = false;
  const Reverted r2 = RunRevert(c);
  ASSERT_TRUE(r2.pkt);
  EXPECT_FALSE(ldns_pkt_aa(r2.pkt.get()));
  EXPECT_TRUE(ldns_pkt_ra(r2.pkt.get()));
  EXPECT_FALSE(ldns_pkt_tc(r2.pkt.get()));
}

TEST(Reverter, CompressesOwnerNamesTowardsTheQuestion) {
  RevertCase c = SimpleSuffixAuto();
  const Reverted r = RunRevert(c);
  ASSERT_TRUE(r.pkt);
  // header, question (web.marathon.mesos. = 20 octets + 4), then the answer's owner: a pointer to 12.
  const std::size_t answer = 12 + 20 + 4;
  ASSERT_GT(r.wire.size(), answer + 2);
  EXPECT_EQ(r.wire[answer], 0xC0);
  EXPECT_EQ(r.wire[answer + 1], 12);
}

TEST(Reverter, ReadsCompressedUpstreamNamesWrittenByHand) {
  // Question at 12; the answer's owner points to it, its CNAME target is "x" + pointer to the
  // question's parent labels.
  const std::vector<Rule> rules = Indexed({MakeRule(
      Name(MatchKind::kSuffix, ".marathon.mesos.", ".svc.cluster.local.", {Auto()}))});
  const Outcome outcome = MakeOutcome("a.svc.cluster.local.", kA, kIN, {0});
  const Bytes query = ClientQuery("a.marathon.mesos", kA);
  Packet p;
  p.Head(0x9999, 0x8180, 1, 1).Name("a.svc.cluster.local").U16(kA).U16(kIN);
  p.Pointer(12).U16(kCNAME).U16(kIN).U32(30).U16(4).Label("x").Pointer(14);
  const Reverter reverter(std::span<const Rule>(rules), outcome, query);
  Bytes out(512);
  const std::size_t n = reverter.Revert(p, out);
  ASSERT_GT(n, 0u);
  LdnsPkt pkt = Parse(std::span(out.data(), n));
  ASSERT_TRUE(pkt);
  EXPECT_EQ(Section(pkt.get(), LDNS_SECTION_ANSWER),
            std::vector<std::string>{"a.marathon.mesos. 30 IN CNAME x.marathon.mesos."});
}

// Malformed upstream responses cannot be reverted safely: 0, the caller answers SERVFAIL.
struct MalformedCase {
  std::string name;
  Bytes response;
};
std::ostream& operator<<(std::ostream& os, const MalformedCase& c) { return os << c.name; }

std::vector<MalformedCase> MalformedCases() {
  const auto head = [](std::uint16_t an) {
    Packet p;
    p.Head(0x9999, 0x8180, 1, an).Name("web.svc.cluster.local").U16(kA).U16(kIN);
    return p;
  };
  std::vector<MalformedCase> cases;
  {
    Packet p = head(1);
    p.Pointer(12).U16(kA).U16(kIN).U32(30).U16(4).Bytes({10, 0});  // RDATA cut short
    cases.push_back({"TruncatedRdata", p.bytes()});
  }
  {
    Packet p = head(1);
    p.Pointer(12).U16(kA).U16(kIN);  // record header cut short
    cases.push_back({"TruncatedRecordHeader", p.bytes()});
  }
  {
    Packet p = head(2);
    p.Pointer(12).U16(kA).U16(kIN).U32(30).U16(4).Bytes({10, 0, 0, 1});  // only 1 of 2
    cases.push_back({"MissingRecord", p.bytes()});
  }
  {
    Packet p = head(1);
    const std::uint16_t self = static_cast<std::uint16_t>(p.size());
    p.Pointer(self).U16(kA).U16(kIN).U32(30).U16(4).Bytes({10, 0, 0, 1});
    cases.push_back({"PointerLoop", p.bytes()});
  }
  {
    Packet p = head(1);
    const std::uint16_t at = static_cast<std::uint16_t>(p.size());
    p.Label("a").Pointer(static_cast<std::uint16_t>(at + 4)).Pointer(at).U16(kA).U16(kIN).U32(30).U16(4).Bytes({10, 0, 0, 1});
    cases.push_back({"PointerCycleThroughTwoPointers", p.bytes()});
  }
  {
    Packet p = head(1);
    p.Pointer(12).U16(kCNAME).U16(kIN).U32(30).U16(3).Label("x").Pointer(12);  // name runs past RDLENGTH
    cases.push_back({"RdataNameLongerThanRdlength", p.bytes()});
  }
  {
    Packet p = head(1);
    p.Pointer(12).U16(kMX).U16(kIN).U32(30).U16(6).U16(10).Label("x").U8(0).U8(0xAA);  // junk after the name
    cases.push_back({"RdataLongerThanItsType", p.bytes()});
  }
  {
    Packet p = head(1);
    p.Pointer(12).U16(kSOA).U16(kIN).U32(30).U16(4).Pointer(12).Pointer(12);  // no serial..minimum
    cases.push_back({"SoaWithoutTimers", p.bytes()});
  }
  {
    Packet p = head(1);
    p.Opt(4096);  // OPT in the answer section
    cases.push_back({"OptInAnswerSection", p.bytes()});
  }
  {
    Packet p;
    p.Head(0x9999, 0x8180, 1, 0, 0, 2).Name("web.svc.cluster.local").U16(kA).U16(kIN).Opt(4096).Opt(4096);
    cases.push_back({"TwoOptRecords", p.bytes()});
  }
  {
    Packet p;
    p.Head(0x9999, 0x8180, 1, 0, 0, 1).Name("web.svc.cluster.local").U16(kA).U16(kIN);
    p.U8(0).U16(41).U16(4096).U32(0).U16(6).U16(10).U16(8).U16(0);  // option longer than RDATA
    cases.push_back({"OptOptionPastRdata", p.bytes()});
  }
  {
    Packet p;
    p.Head(0x9999, 0x8180, 0).Name("web.svc.cluster.local");
    cases.push_back({"NoQuestion", p.bytes()});
  }
  cases.push_back({"HeaderOnly", Bytes{0x99, 0x99, 0x81}});
  return cases;
}

class MalformedUpstream : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedUpstream, IsNotReverted) {
  const std::vector<Rule> rules = Indexed({MakeRule(
      Name(MatchKind::kSuffix, ".marathon.mesos.", ".svc.cluster.local.", {Auto()}))});
  const Outcome outcome = MakeOutcome("web.svc.cluster.local.", kA, kIN, {0});
  const Bytes query = ClientQuery("web.marathon.mesos", kA, kIN, Bytes{});
  const Reverter reverter(std::span<const Rule>(rules), outcome, query);
  Bytes out(65535);
  EXPECT_EQ(reverter.Revert(GetParam().response, out), 0u);
}

INSTANTIATE_TEST_SUITE_P(Reverter, MalformedUpstream, ::testing::ValuesIn(MalformedCases()),
                         [](const auto& info) { return info.param.name; });

TEST(Reverter, FailsWhenAMappedNameWouldExceed255Octets) {
  // Mapping .x. back to a 200-octet suffix makes the answer's 100-octet owner too long; the
  // question (the client's own name) is fine.
  std::string long_suffix;
  for (int i = 0; i < 4; ++i) long_suffix += "." + std::string(49, 'l');  // 4 * 50 octets
  const std::vector<Rule> rules = Indexed({MakeRule(
      Name(MatchKind::kSuffix, long_suffix + ".", ".x.", {Auto()}))});
  const std::string client = "q" + long_suffix;
  const Outcome outcome = MakeOutcome("q.x.", kA, kIN, {0});
  const Bytes query = ClientQuery(client, kA);
  const Reverter reverter(std::span<const Rule>(rules), outcome, query);
  Upstream u;
  u.question = "q.x.";
  const std::string long_owner = std::string(60, 'a') + "." + std::string(60, 'b') + ".x.";
  u.answer = {"q.x. 30 IN CNAME " + long_owner, long_owner + " 30 IN A 10.0.0.1"};
  Bytes out(65535);
  EXPECT_EQ(reverter.Revert(UpstreamWire(u), out), 0u);

  u.answer = {"q.x. 30 IN A 10.0.0.1"};  // same rules, nothing too long: fine
  const std::size_t n = reverter.Revert(UpstreamWire(u), out);
  ASSERT_GT(n, 0u);
  LdnsPkt pkt = Parse(std::span(out.data(), n));
  ASSERT_TRUE(pkt);
  EXPECT_EQ(Section(pkt.get(), LDNS_SECTION_ANSWER),
            std::vector<std::string>{client + ". 30 IN A 10.0.0.1"});
}

TEST(Reverter, FailsWhenTheOutputBufferIsTooSmall) {
  RevertCase c = SimpleSuffixAuto();
  EXPECT_EQ(RunRevert(c, 40).length, 0u);
  EXPECT_GT(RunRevert(c, 512).length, 0u);
}

TEST(Reverter, FailsWhenTheClientQueryWasUnusable) {
  const std::vector<Rule> rules;
  const Outcome outcome = MakeOutcome("a.example.", kA, kIN, {});
  const Bytes bad_query{0x12, 0x34, 0x01};
  const Reverter reverter(std::span<const Rule>(rules), outcome, bad_query);
  Upstream u;
  u.question = "a.example.";
  Bytes out(512);
  EXPECT_EQ(reverter.Revert(UpstreamWire(u), out), 0u);
}

TEST(Reverter, PassesTheResponseOptThroughToAnEdnsClient) {
  const std::vector<Rule> rules;
  const Outcome outcome = MakeOutcome("a.example.", kA, kIN, {});
  const Bytes query = ClientQuery("a.example", kA, kIN, Bytes{});
  const Reverter reverter(std::span<const Rule>(rules), outcome, query);
  Upstream u;
  u.question = "a.example.";
  u.answer = {"a.example. 30 IN A 10.0.0.1"};
  u.edns_options = Option(10, {1, 2, 3, 4, 5, 6, 7, 8});  // a cookie
  Bytes out(512);
  const std::size_t n = reverter.Revert(UpstreamWire(u), out);
  ASSERT_GT(n, 0u);
  LdnsPkt pkt = Parse(std::span(out.data(), n));
  ASSERT_TRUE(pkt);
  EXPECT_EQ(ldns_pkt_edns_udp_size(pkt.get()), 4096);
  EXPECT_EQ(EdnsOptions(pkt.get()), *u.edns_options);
  EXPECT_EQ(Section(pkt.get(), LDNS_SECTION_ANSWER), std::vector<std::string>{"a.example. 30 IN A 10.0.0.1"});
}

TEST(Reverter, Edns0RevertRemovesTheOptionTheRuleAdded) {
  Edns0Rule rule;
  rule.option = Edns0Rule::Option::kLocal;
  rule.action = Edns0Rule::Action::kSet;
  rule.code = 0xFFEE;
  rule.data = "{client_ip}";
  rule.data_is_placeholder = true;
  rule.revert = true;
  const std::vector<Rule> rules = Indexed({MakeRule(rule)});
  const Outcome outcome = MakeOutcome("a.example.", kA, kIN, {0});
  const Bytes query = ClientQuery("a.example", kA, kIN, Bytes{});
  const Reverter reverter(std::span<const Rule>(rules), outcome, query);
  Upstream u;
  u.question = "a.example.";
  u.answer = {"a.example. 30 IN A 10.0.0.1"};
  Bytes options = Option(0xFFEE, {192, 0, 2, 7});
  const Bytes cookie = Option(10, {1, 2, 3, 4, 5, 6, 7, 8});
  options.insert(options.end(), cookie.begin(), cookie.end());
  u.edns_options = options;
  Bytes out(512);
  const std::size_t n = reverter.Revert(UpstreamWire(u), out);
  ASSERT_GT(n, 0u);
  LdnsPkt pkt = Parse(std::span(out.data(), n));
  ASSERT_TRUE(pkt);
  EXPECT_EQ(EdnsOptions(pkt.get()), cookie);
}

TEST(Reverter, ClientWithoutEdnsGetsNoOptEvenWhenARuleAddedOne) {
  Edns0Rule rule;
  rule.option = Edns0Rule::Option::kLocal;
  rule.code = 0xFFEE;
  rule.data = "{client_ip}";
  rule.data_is_placeholder = true;
  const std::vector<Rule> rules = Indexed({MakeRule(rule)});
  const Outcome outcome = MakeOutcome("a.example.", kA, kIN, {0});
  const Bytes query = ClientQuery("a.example", kA);  // no OPT
  const Reverter reverter(std::span<const Rule>(rules), outcome, query);
  Upstream u;
  u.question = "a.example.";
  u.answer = {"a.example. 30 IN A 10.0.0.1"};
  u.edns_options = Option(0xFFEE, {192, 0, 2, 7});
  Bytes out(512);
  const std::size_t n = reverter.Revert(UpstreamWire(u), out);
  ASSERT_GT(n, 0u);
  LdnsPkt pkt = Parse(std::span(out.data(), n));
  ASSERT_TRUE(pkt);
  EXPECT_FALSE(ldns_pkt_edns(pkt.get()));
  EXPECT_EQ(out[10] << 8 | out[11], 0) << "ARCOUNT as written";
  EXPECT_EQ(Section(pkt.get(), LDNS_SECTION_ANSWER), std::vector<std::string>{"a.example. 30 IN A 10.0.0.1"});
}

TEST(Reverter, TtlRuleDoesNotTouchTheOpt) {
  const std::vector<Rule> rules = Indexed({MakeRule(TtlRule{{MatchKind::kExact, "a.example."}, 15, 15})});
  const Outcome outcome = MakeOutcome("a.example.", kA, kIN, {0});
  const Bytes query = ClientQuery("a.example", kA, kIN, Bytes{}, 0x1234, /*dnssec_ok=*/true);
  const Reverter reverter(std::span<const Rule>(rules), outcome, query);
  Packet p;  // OPT with DO set (TTL field 0x00008000)
  p.Head(0x9999, 0x8180, 1, 1, 0, 1).Name("a.example").U16(kA).U16(kIN);
  p.Pointer(12).U16(kA).U16(kIN).U32(300).U16(4).Bytes({10, 0, 0, 1});
  p.Opt(1232, 0x8000);
  Bytes out(512);
  const std::size_t n = reverter.Revert(p, out);
  ASSERT_GT(n, 0u);
  LdnsPkt pkt = Parse(std::span(out.data(), n));
  ASSERT_TRUE(pkt);
  EXPECT_TRUE(ldns_pkt_edns_do(pkt.get()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(pkt.get()), 1232);
  EXPECT_EQ(Section(pkt.get(), LDNS_SECTION_ANSWER), std::vector<std::string>{"a.example. 15 IN A 10.0.0.1"});
}

// Header, question, and exactly the records the counts announce, every name and RDLENGTH in
// bounds, nothing after them. (Not ldns: for RDATA of types we copy verbatim, ldns's reading of a
// mutated record can misalign it on the next one, in our output as in the input.)
bool WellFormed(std::span<const std::uint8_t> m) {
  wire::MessageView view;
  if (wire::ParseHead(m, view) != wire::WireError::kOk) return false;
  std::size_t pos = view.question_end;
  const std::size_t records = std::size_t{view.header.ancount} + view.header.nscount + view.header.arcount;
  for (std::size_t i = 0; i < records; ++i) {
    if (wire::SkipRecord(m, pos, &pos) != wire::WireError::kOk) return false;
  }
  return pos == m.size();
}

TEST(Reverter, MutatedResponsesAreRevertedIntoWellFormedPacketsOrRefused) {
  // Flipped and cut octets anywhere in a response with every mapped record kind: the reverter
  // either refuses (0) or writes a well-formed packet; never a crash (run under the sanitizers).
  const std::vector<Rule> rules = Indexed({MakeRule(Name(
      MatchKind::kSuffix, ".marathon.mesos.", ".svc.cluster.local.", {Auto(), AnswerValue(R"((.*)\.other)", "{1}.x")}))});
  const Outcome outcome = MakeOutcome("web.svc.cluster.local.", kSRV, kIN, {0});
  const Bytes query = ClientQuery("web.marathon.mesos", kSRV, kIN, Bytes{});
  const Reverter reverter(std::span<const Rule>(rules), outcome, query);
  Upstream u;
  u.question = "web.svc.cluster.local.";
  u.qtype = kSRV;
  u.answer = {"web.svc.cluster.local. 30 IN SRV 0 5 80 a.web.svc.cluster.local.",
              "web.svc.cluster.local. 30 IN MX 10 mail.svc.cluster.local.",
              "web.svc.cluster.local. 30 IN CNAME b.other."};
  u.authority = {"svc.cluster.local. 30 IN SOA ns.svc.cluster.local. admin.svc.cluster.local. 1 2 3 4 5"};
  u.additional = {"a.web.svc.cluster.local. 30 IN A 10.0.0.20"};
  u.edns_options = Option(10, {1, 2, 3, 4, 5, 6, 7, 8});
  const Bytes original = UpstreamWire(u);
  std::uint32_t seed = 12345;
  const auto next = [&seed] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  Bytes out(65535);
  int reverted = 0;
  for (int round = 0; round < 3000; ++round) {
    Bytes mutated = original;
    const int flips = 1 + static_cast<int>(next() % 3);
    for (int i = 0; i < flips; ++i) mutated[12 + next() % (mutated.size() - 12)] = static_cast<std::uint8_t>(next());
    if (next() % 4 == 0) mutated.resize(12 + next() % (mutated.size() - 12));
    const std::size_t n = reverter.Revert(mutated, out);
    if (n == 0) continue;
    ++reverted;
    ASSERT_TRUE(WellFormed(std::span(out.data(), n))) << "round " << round;
  }
  EXPECT_GT(reverted, 0);
}

}  // namespace
}  // namespace dnsd::rules::testing
