// The prometheus plugin through the running daemon: two server blocks share one /metrics listener,
// counters move by exactly the queries sent with CoreDNS's names and labels, and promtool accepts
// the scraped text.
#include <gtest/gtest.h>

#include "fixture/dns_client.hpp"
#include "fixture/upstream.hpp"
#include "metrics_util.hpp"

namespace dnsd::it {
namespace {

class Metrics : public ScrapedDaemon<Metrics> {
 protected:
  static void SetUpTestSuite() {
    Start([](const std::string& upstream, uint16_t metrics_port) {
      const std::string prom = "    prometheus 127.0.0.1:" + std::to_string(metrics_port) + "\n";
      const std::string forward = "    forward . " + upstream + "\n";
      return ".:@PORT@ {\n" + prom + forward + "}\n" + "svc.cluster.local:@PORT@ {\n" + forward + prom + "}\n";
    });
  }

  static std::string Scrape() { return ScrapeText(); }
  static std::string Series(const std::string& name, const std::string& labels) {
    return name + "{" + ServerLabel() + "," + labels + "}";
  }
};

TEST_F(Metrics, CountersMoveByExactlyTheQueriesSent) {
  const Samples before = Parse(Scrape());
  ASSERT_FALSE(before.empty()) << "no metrics scraped from port " << metrics_port_;
  constexpr int kUdpA = 17, kTcpAaaa = 5, kNx = 3, kRootTxt = 4;
  for (int i = 0; i < kUdpA; ++i) ASSERT_TRUE(Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_A));
  for (int i = 0; i < kTcpAaaa; ++i)
    ASSERT_TRUE(Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_AAAA, QueryOptions{}.Tcp()));
  for (int i = 0; i < kNx; ++i) {
    auto r = Query(daemon_->endpoint(), zone::kMissing, LDNS_RR_TYPE_A);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->rcode(), LDNS_RCODE_NXDOMAIN);
  }
  for (int i = 0; i < kRootTxt; ++i) ASSERT_TRUE(Query(daemon_->endpoint(), "www.example.net.", LDNS_RR_TYPE_HINFO));
  const Samples after = Parse(Scrape());

  const std::string svc = "zone=\"svc.cluster.local.\",view=\"\",";
  const std::string root = "zone=\".\",view=\"\",";
  EXPECT_EQ(Delta(before, after, Series("coredns_dns_requests_total", svc + "proto=\"udp\",family=\"1\",type=\"A\"")),
            kUdpA + kNx);
  EXPECT_EQ(Delta(before, after, Series("coredns_dns_requests_total", svc + "proto=\"tcp\",family=\"1\",type=\"AAAA\"")),
            kTcpAaaa);
  EXPECT_EQ(Delta(before, after, Series("coredns_dns_requests_total", root + "proto=\"udp\",family=\"1\",type=\"other\"")),
            kRootTxt);
  EXPECT_EQ(Delta(before, after, Series("coredns_dns_responses_total", svc + "rcode=\"NOERROR\",plugin=\"forward\"")),
            kUdpA + kTcpAaaa);
  EXPECT_EQ(Delta(before, after, Series("coredns_dns_responses_total", svc + "rcode=\"NXDOMAIN\",plugin=\"forward\"")), kNx);
  EXPECT_EQ(Delta(before, after, Series("coredns_dns_request_duration_seconds_count", svc + "type=\"A\"")),
            kUdpA + kNx);
  EXPECT_EQ(Delta(before, after, Series("coredns_dns_request_duration_seconds_bucket", svc + "type=\"A\",le=\"+Inf\"")),
            kUdpA + kNx);
  EXPECT_EQ(Delta(before, after, Series("coredns_dns_request_size_bytes_count", svc + "proto=\"tcp\"")), kTcpAaaa);
  EXPECT_EQ(Delta(before, after, Series("coredns_dns_response_size_bytes_count", svc + "proto=\"udp\"")),
            kUdpA + kNx);
  EXPECT_EQ(Delta(before, after, Series("coredns_dns_request_size_bytes_bucket", svc + "proto=\"tcp\",le=\"0\"")), 0);
}

TEST_F(Metrics, ExportsCoreDnsFamiliesAndTypes) {
  ASSERT_TRUE(Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_A));
  const std::string text = Scrape();
  for (const char* line : {"# TYPE coredns_build_info gauge", "# TYPE coredns_panics_total counter",
                           "# TYPE coredns_plugin_enabled gauge", "# TYPE coredns_dns_requests_total counter",
                           "# TYPE coredns_dns_responses_total counter",
                           "# TYPE coredns_dns_request_duration_seconds histogram",
                           "# TYPE coredns_dns_request_size_bytes histogram",
                           "# TYPE coredns_dns_response_size_bytes histogram"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  EXPECT_NE(text.find("le=\"0.00025\""), std::string::npos);
  EXPECT_NE(text.find("le=\"8.192\""), std::string::npos);
  EXPECT_NE(text.find("le=\"64000\""), std::string::npos);
  EXPECT_NE(text.find(Series("coredns_plugin_enabled", "zone=\"svc.cluster.local.\",view=\"\",name=\"prometheus\"")),
            std::string::npos)
      << text;
}

TEST_F(Metrics, PromtoolAcceptsTheScrape) {
  const std::string promtool = FindProgram("promtool");
  if (promtool.empty()) GTEST_SKIP() << "promtool not installed (Debian package prometheus)";
  ASSERT_TRUE(Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_A));
  std::string output;
  EXPECT_EQ(PromtoolCheck(promtool, Scrape(), output), 0) << output;
}

TEST_F(Metrics, UnknownPathIsNotFound) {
  const std::string response = HttpGet(metrics_port_, "/nope");
  EXPECT_NE(response.find(" 404 "), std::string::npos) << response.substr(0, 200);
}

}  // namespace
}  // namespace dnsd::it
