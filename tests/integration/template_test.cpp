// template through the running daemon in front of knot: templated answers for the names a template
// matches, the zone's rcode, empty AAAA answers, SERVFAIL for a miss without fallthrough, and every
// other query forwarded to knot as usual; over UDP and TCP.
#include <gtest/gtest.h>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/upstream.hpp"
#include "metrics_util.hpp"

namespace dnsd::it {
namespace {

class TemplateThroughDaemon : public ::testing::TestWithParam<Transport> {
 protected:
  static void SetUpTestSuite() {
    upstream_ = std::make_unique<Upstream>();
    daemon_ = std::make_unique<Daemon>(
        ".:@PORT@ {\n"
        "    template IN A my.zone {\n"
        "        match \"^(?P<a>[0-9]*)-(?P<b>[0-9]*)[.]my[.]zone[.]$\"\n"
        "        answer \"{{ .Name }} 60 IN A 10.{{ .Group.a }}.{{ .Group.b }}.1\"\n"
        "        fallthrough\n"
        "    }\n"
        "    template IN ANY example.internal {\n"
        "        rcode NXDOMAIN\n"
        "    }\n"
        "    template ANY AAAA svc.cluster.local {\n"
        "        rcode NOERROR\n"
        "    }\n"
        "    template IN TXT strict.svc.cluster.local {\n"
        "        match ^a[.]\n"
        "        answer \"{{ .Name }} 30 IN TXT \\\"from {{ .Remote }}\\\"\"\n"
        "    }\n"
        "    forward . " + upstream_->endpoint().ToString() + "\n"
        "}\n");
  }
  static void TearDownTestSuite() {
    ExitStatus st = daemon_->Stop();
    EXPECT_TRUE(st.exited && st.code == 0) << st.Describe() << "\n" << daemon_->stderr_text();
    daemon_.reset();
    upstream_.reset();
  }
  std::optional<Reply> Ask(const std::string& name, ldns_rr_type type) {
    return Query(daemon_->endpoint(), name, type, QueryOptions{}.Over(GetParam()));
  }
  static inline std::unique_ptr<Upstream> upstream_;
  static inline std::unique_ptr<Daemon> daemon_;
};

TEST_P(TemplateThroughDaemon, BuildsTheAddressFromNamedGroups) {
  auto reply = Ask("1-2.My.Zone.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(ldns_pkt_aa(reply->pkt()));
  EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{"10.1.2.1"});
}

TEST_P(TemplateThroughDaemon, ForwardsWhatNoTemplateAnswers) {
  auto reply = Ask(zone::kService, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
  auto txt = Ask(zone::kService, LDNS_RR_TYPE_TXT);
  ASSERT_TRUE(txt.has_value());
  EXPECT_EQ(txt->AnswerData(LDNS_RR_TYPE_TXT), std::vector<std::string>{zone::kServiceTxt});
}

TEST_P(TemplateThroughDaemon, AnswersNxdomainForAWholeZone) {
  auto reply = Ask("anything.example.internal.", LDNS_RR_TYPE_MX);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_NXDOMAIN);
  EXPECT_TRUE(ldns_pkt_aa(reply->pkt()));
  EXPECT_EQ(reply->answer_count(), 0u);
}

TEST_P(TemplateThroughDaemon, EmptiesAaaaAnswersKnotWouldGive) {
  auto reply = Ask(zone::kService, LDNS_RR_TYPE_AAAA);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(reply->answer_count(), 0u) << reply->ToString();
}

TEST_P(TemplateThroughDaemon, AnswersServfailForAMissWithoutFallthrough) {
  auto hit = Ask("a.strict.svc.cluster.local.", LDNS_RR_TYPE_TXT);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->AnswerData(LDNS_RR_TYPE_TXT), std::vector<std::string>{"\"from 127.0.0.1\""});
  auto miss = Ask("b.strict.svc.cluster.local.", LDNS_RR_TYPE_TXT);
  ASSERT_TRUE(miss.has_value());
  EXPECT_EQ(miss->rcode(), LDNS_RCODE_SERVFAIL);
}

// The value of the one series of `family` whose labels include every one of `labels`.
double SeriesWith(const Samples& samples, const std::string& family, const std::vector<std::string>& labels) {
  for (const auto& [series, value] : samples) {
    if (!series.starts_with(family + "{")) continue;
    bool all = true;
    for (const std::string& label : labels) all = all && series.find(label) != std::string::npos;
    if (all) return value;
  }
  return -1;
}

TEST(TemplateMetrics, CountsMatchesAndBothKindsOfFailureWithCoreDnsLabels) {
  const uint16_t metrics_port = FreePort();
  Daemon daemon(".:@PORT@ {\n"
                "    prometheus 127.0.0.1:" + std::to_string(metrics_port) + "\n"
                "    template IN A my.zone {\n"
                "        match ^ok[.]\n"
                "        answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n"
                "        fallthrough\n"
                "    }\n"
                "    template IN A my.zone {\n"
                "        match ^bad[.]\n"
                "        answer \"{{ .Name }} 60 IN A 10.0.0.{{ .Group.x }}\"\n"
                "    }\n"
                "    template IN TXT my.zone {\n"
                "        answer \"{{ index .Match 2 }} 60 IN TXT x\"\n"
                "    }\n"
                "    whoami\n"
                "}\n");
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(Query(daemon.endpoint(), "ok.my.zone.", LDNS_RR_TYPE_A));
  auto rr_failure = Query(daemon.endpoint(), "bad.my.zone.", LDNS_RR_TYPE_A);
  auto template_failure = Query(daemon.endpoint(), "t.my.zone.", LDNS_RR_TYPE_TXT);
  ASSERT_TRUE(rr_failure && template_failure);
  EXPECT_EQ(rr_failure->rcode(), LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(template_failure->rcode(), LDNS_RCODE_SERVFAIL);
  const Samples samples = Parse(Body(HttpGet(metrics_port, "/metrics")));
  const std::string server = "server=\"dns://:" + std::to_string(daemon.endpoint().port) + "\"";
  EXPECT_EQ(SeriesWith(samples, "coredns_template_matches_total",
                       {server, "zone=\"my.zone.\"", "view=\"\"", "class=\"IN\"", "type=\"A\""}), 3);
  EXPECT_EQ(SeriesWith(samples, "coredns_template_matches_total", {"type=\"TXT\""}), 1);
  EXPECT_EQ(SeriesWith(samples, "coredns_template_rr_failures_total",
                       {server, "type=\"A\"", "section=\"answer\"",
                        "template=\"{{ .Name }} 60 IN A 10.0.0.{{ .Group.x }}\""}), 1);
  EXPECT_EQ(SeriesWith(samples, "coredns_template_template_failures_total",
                       {"type=\"TXT\"", "section=\"answer\""}), 1);
  // The plugin that wrote the answer, as CoreDNS labels it; errors the server writes have none.
  EXPECT_EQ(SeriesWith(samples, "coredns_dns_responses_total", {"rcode=\"NOERROR\"", "plugin=\"template\""}), 2);
  EXPECT_EQ(SeriesWith(samples, "coredns_dns_responses_total", {"rcode=\"SERVFAIL\"", "plugin=\"\""}), 2);
  ExitStatus st = daemon.Stop();
  EXPECT_TRUE(st.exited && st.code == 0) << st.Describe();
}

INSTANTIATE_TEST_SUITE_P(Transports, TemplateThroughDaemon, ::testing::Values(Transport::kUdp, Transport::kTcp),
                         [](const auto& info) { return std::string(info.param == Transport::kUdp ? "Udp" : "Tcp"); });

}  // namespace
}  // namespace dnsd::it
