// Every case of spec/CASES.md through the running daemon, against knot serving only the rewritten
// (svc.cluster.local) names: a wrong rewrite gets no answer from knot, so it fails here. Where a
// case's names are not in the test zone, the case is adapted to names the zone has (noted inline).
#include <gtest/gtest.h>

#include "rewrite_util.hpp"

namespace dnsd::it::rewrite {
namespace {

using Strings = std::vector<std::string>;
using Cases = RewriteThroughDaemon;

// Case 1 (TO adapted to a zone name): exact; question and answer owner back to the client's name.
TEST_F(Cases, C01_ExactRewritesAndRevertsQuestionAndOwner) {
  StartWith({"rewrite name exact a.marathon.mesos svc1.ns1-default.svc.cluster.local"});
  auto r = Ask("a.marathon.mesos.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << r->ToString();
  EXPECT_EQ(r->question_name(), "a.marathon.mesos.");
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.1.0.1"}) << r->ToString();
  EXPECT_EQ(AnswerOwners(*r), Strings{"a.marathon.mesos."}) << r->ToString();
}

// Case 2: no match goes upstream unchanged (knot is not authoritative for it: no answer).
TEST_F(Cases, C02_NoMatchIsForwardedUnchanged) {
  StartWith({"rewrite name exact a.marathon.mesos svc1.ns1-default.svc.cluster.local"});
  auto r = Ask("b.marathon.mesos.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->question_name(), "b.marathon.mesos.");
  EXPECT_EQ(r->answer_count(), 0u) << r->ToString();
  EXPECT_EQ(r->rcode(), LDNS_RCODE_REFUSED) << "knot refuses names outside its zone\n" << r->ToString();
  auto plain = Ask(zone::kService, LDNS_RR_TYPE_A);  // and an unmatched zone name passes untouched
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->AnswerData(LDNS_RR_TYPE_A), Strings{zone::kServiceA});
  EXPECT_EQ(AnswerOwners(*plain), Strings{zone::kService});
}

// Case 3 (name adapted): suffix + answer auto maps owners and SRV targets back.
TEST_F(Cases, C03_SuffixAnswerAutoRevertsOwnersAndTargets) {
  StartWith({"rewrite name suffix .marathon.mesos .svc.cluster.local answer auto"});
  auto r = Ask("svc2.ns1-default.marathon.mesos.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->question_name(), "svc2.ns1-default.marathon.mesos.");
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.1.0.2"}) << r->ToString();
  EXPECT_EQ(AnswerOwners(*r), Strings{"svc2.ns1-default.marathon.mesos."});
  auto srv = Ask("svc2.ns1-default.marathon.mesos.", LDNS_RR_TYPE_SRV);
  ASSERT_TRUE(srv);
  EXPECT_EQ(srv->AnswerData(LDNS_RR_TYPE_SRV), Strings{"0 100 80 svc2.ns1-default.marathon.mesos."})
      << srv->ToString();
}

// Case 3 over TCP with EDNS and DO: the rewritten query keeps the client's OPT, the answer too.
TEST_F(Cases, C03_OverTcpWithEdnsKeepsTheOpt) {
  StartWith({"rewrite name suffix .marathon.mesos .svc.cluster.local answer auto"});
  auto r = Ask("Svc2.Ns1-Default.Marathon.Mesos.", LDNS_RR_TYPE_AAAA, QueryOptions{}.Tcp().Edns(1232).Do());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->question_name(), "Svc2.Ns1-Default.Marathon.Mesos.");
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_AAAA), Strings{"fd00::1:2"}) << r->ToString();
  EXPECT_EQ(AnswerOwners(*r), Strings{"Svc2.Ns1-Default.Marathon.Mesos."}) << r->ToString();
  EXPECT_TRUE(r->has_opt());
  EXPECT_TRUE(r->dnssec_ok());
}

// Case 4: prefix FROM/TO normalised to `old.`/`svc1.`; owner stays upstream's (no response option).
TEST_F(Cases, C04_PrefixMatchesWholeLabelAndKeepsUpstreamOwner) {
  StartWith({"rewrite name prefix old svc1"});
  auto r = Ask("old.ns1-default.svc.cluster.local.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->question_name(), "old.ns1-default.svc.cluster.local.");
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.1.0.1"}) << r->ToString();
  EXPECT_EQ(AnswerOwners(*r), Strings{"svc1.ns1-default.svc.cluster.local."});
  auto old1 = Ask("old1.ns1-default.svc.cluster.local.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(old1);
  EXPECT_EQ(old1->rcode(), LDNS_RCODE_NXDOMAIN) << "old1. must not match prefix old.\n" << old1->ToString();
}

// Case 5 (name adapted): substring; owner stays upstream's.
TEST_F(Cases, C05_SubstringKeepsUpstreamOwner) {
  StartWith({"rewrite name substring .legacy. .svc."});
  auto r = Ask("svc1.ns1-default.legacy.cluster.local.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->question_name(), "svc1.ns1-default.legacy.cluster.local.");
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.1.0.1"}) << r->ToString();
  EXPECT_EQ(AnswerOwners(*r), Strings{"svc1.ns1-default.svc.cluster.local."});
}

const char* kRegexAuto =
    R"(rewrite name regex (.*)\.(.*)\.marathon\.mesos {1}.{2}-default.svc.cluster.local answer auto)";

// Case 6 (name adapted): regex with groups + answer auto.
TEST_F(Cases, C06_RegexGroupsAnswerAuto) {
  StartWith({kRegexAuto});
  auto r = Ask("svc3.ns2.marathon.mesos.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.2.0.3"}) << r->ToString();
  EXPECT_EQ(AnswerOwners(*r), Strings{"svc3.ns2.marathon.mesos."});
  EXPECT_EQ(r->question_name(), "svc3.ns2.marathon.mesos.");
}

// Case 7: mixed case; upstream gets lower case (knot answers), client gets its own case back.
TEST_F(Cases, C07_ClientCaseIsKeptInQuestionAndOwner) {
  StartWith({kRegexAuto});
  auto r = Ask("SvC3.Ns2.Marathon.Mesos.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.2.0.3"}) << r->ToString();
  EXPECT_EQ(r->question_name(), "SvC3.Ns2.Marathon.Mesos.");
  EXPECT_EQ(AnswerOwners(*r), Strings{"SvC3.Ns2.Marathon.Mesos."});
}

// Case 8: regex + answer name.
TEST_F(Cases, C08_RegexAnswerName) {
  StartWith({R"(rewrite name regex (.*)\.marathon\.mesos {1}.svc.cluster.local answer name (.*)\.svc\.cluster\.local {1}.marathon.mesos)"});
  auto r = Ask("svc4.ns3-default.marathon.mesos.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.3.0.4"}) << r->ToString();
  EXPECT_EQ(AnswerOwners(*r), Strings{"svc4.ns3-default.marathon.mesos."});
}

// Case 9: continue feeds the rewritten name to the next rule.
TEST_F(Cases, C09_ContinueChainsRules) {
  StartWith({"rewrite continue name suffix .marathon.mesos .mesos.internal",
             "rewrite name suffix .mesos.internal .svc.cluster.local"});
  auto r = Ask("svc1.ns2-default.marathon.mesos.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->question_name(), "svc1.ns2-default.marathon.mesos.");
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.2.0.1"}) << r->ToString();
}

// Case 10 (TOs adapted to two zone namespaces): stop is the default, the first rule wins.
TEST_F(Cases, C10_FirstMatchingRuleWins) {
  StartWith({"rewrite name suffix .marathon.mesos .ns1-default.svc.cluster.local",
             "rewrite name suffix .marathon.mesos .ns2-default.svc.cluster.local"});
  auto r = Ask("svc3.marathon.mesos.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->question_name(), "svc3.marathon.mesos.");
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.1.0.3"}) << "10.2.0.3 means the second rule ran\n"
                                                                << r->ToString();
}

// Case 11: type ANY -> HINFO: knot has no HINFO (NODATA); the client's question stays ANY.
TEST_F(Cases, C11_TypeRuleChangesTheQueriedType) {
  StartWith({"rewrite type ANY HINFO"});
  auto r = Ask(zone::kService, LDNS_RR_TYPE_ANY);
  ASSERT_TRUE(r);
  EXPECT_EQ(QuestionType(*r), LDNS_RR_TYPE_ANY);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << r->ToString();
  EXPECT_EQ(r->CountAnswers(LDNS_RR_TYPE_A), 0u) << "upstream answered ANY, not HINFO\n" << r->ToString();
}

// Case 11, made visible: TXT -> A returns the A record under the client's TXT question.
TEST_F(Cases, C11b_TypeRuleAnswerComesFromTheRewrittenType) {
  StartWith({"rewrite type TXT A"});
  auto r = Ask(zone::kService, LDNS_RR_TYPE_TXT);
  ASSERT_TRUE(r);
  EXPECT_EQ(QuestionType(*r), LDNS_RR_TYPE_TXT);
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{zone::kServiceA}) << r->ToString();
}

// Case 12: class CH -> IN: knot only has IN data, so an answer proves the upstream saw IN.
TEST_F(Cases, C12_ClassRuleChangesTheQueriedClass) {
  const Endpoint& ep = StartWith({"rewrite class CH IN"});
  auto wire = SendRawUdp(ep, BuildQueryWithClass(zone::kService, LDNS_RR_TYPE_A, LDNS_RR_CLASS_CH), Millis(3000));
  ASSERT_TRUE(wire);
  auto r = ParseReply(*wire);
  ASSERT_TRUE(r);
  EXPECT_EQ(QuestionClass(*r), LDNS_RR_CLASS_CH);
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{zone::kServiceA}) << r->ToString();
}

// Case 13: ttl rule sets every record's TTL, the SOA of a negative answer included.
TEST_F(Cases, C13_TtlRuleSetsEveryTtl) {
  StartWith({"rewrite ttl suffix .svc.cluster.local 15"});
  auto r = Ask(zone::kService, LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{zone::kServiceA});
  EXPECT_EQ(Ttls(ldns_pkt_answer(r->pkt())), std::vector<uint32_t>{15}) << r->ToString();
  auto negative = Ask(zone::kMissing, LDNS_RR_TYPE_A);
  ASSERT_TRUE(negative);
  EXPECT_EQ(negative->rcode(), LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(Ttls(ldns_pkt_authority(negative->pkt())), std::vector<uint32_t>{15}) << negative->ToString();
}

// Case 14: the zone's cname.svc.cluster.local -> svc1.ns1-default; the CNAME target maps back.
TEST_F(Cases, C14_AnswerValueRevertsCnameTarget) {
  StartWith({R"(rewrite name regex (.*)\.marathon\.mesos {1}.svc.cluster.local answer auto answer value (.*)\.svc\.cluster\.local {1}.marathon.mesos)"});
  auto r = Ask("cname.marathon.mesos.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << r->ToString();
  EXPECT_EQ(AnswerOwners(*r, LDNS_RR_TYPE_CNAME), Strings{"cname.marathon.mesos."}) << r->ToString();
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_CNAME), Strings{"svc1.ns1-default.marathon.mesos."}) << r->ToString();
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{zone::kServiceA}) << r->ToString();
}

// Case 15: a rewritten name over 255 octets is SERVFAIL, never a malformed packet.
TEST_F(Cases, C15_RewrittenNameTooLongIsServfail) {
  StartWith({R"(rewrite name regex (.*)\.marathon\.mesos {1}.{1}.{1}.svc.cluster.local)"});
  const std::string label(60, 'a');
  const std::string name = label + "." + label + "." + "marathon.mesos.";  // {1} is 121 octets
  auto r = Ask(name, LDNS_RR_TYPE_A);
  ASSERT_TRUE(r) << "no reply (a malformed reply does not parse either)";
  EXPECT_EQ(r->rcode(), LDNS_RCODE_SERVFAIL) << r->ToString();
  EXPECT_EQ(r->question_name(), name);
  auto fine = Ask("svc1.marathon.mesos.", LDNS_RR_TYPE_A);  // svc1.svc1.svc1.svc.cluster.local: NXDOMAIN
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->rcode(), LDNS_RCODE_NXDOMAIN) << fine->ToString();
}

// CoreDNS's cname target rewrite: the zone's cname.svc.cluster.local -> svc1.ns1-default; the target
// is rewritten and resolved again, its answer replacing what followed the CNAME.
TEST_F(Cases, CnameTargetIsRewrittenAndResolvedAgain) {
  StartWith({"rewrite cname exact svc1.ns1-default.svc.cluster.local. svc2.ns2-default.svc.cluster.local."});
  auto r = Ask(zone::kCname, LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << r->ToString();
  EXPECT_EQ(r->question_name(), zone::kCname);
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_CNAME), Strings{"svc2.ns2-default.svc.cluster.local."}) << r->ToString();
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.2.0.2"}) << "the old target's A must be gone\n"
                                                             << r->ToString();
  EXPECT_EQ(AnswerOwners(*r, LDNS_RR_TYPE_A), Strings{"svc2.ns2-default.svc.cluster.local."});
  auto plain = Ask(zone::kService, LDNS_RR_TYPE_A);  // no CNAME in the answer: untouched
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->AnswerData(LDNS_RR_TYPE_A), Strings{zone::kServiceA});
}

TEST_F(Cases, CnameSuffixRuleOverTcp) {
  StartWith({"rewrite cname suffix .ns1-default.svc.cluster.local. .ns3-default.svc.cluster.local."});
  auto r = Ask("CNAME.svc.cluster.local.", LDNS_RR_TYPE_A, QueryOptions{}.Tcp());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->question_name(), "CNAME.svc.cluster.local.");
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_CNAME), Strings{"svc1.ns3-default.svc.cluster.local."}) << r->ToString();
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.3.0.1"}) << r->ToString();
}

}  // namespace
}  // namespace dnsd::it::rewrite
