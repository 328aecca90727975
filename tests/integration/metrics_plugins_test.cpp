// Plugins' own metrics through the running daemon (cache, forward, rewrite, health, reload) in one
// server block with a real knot upstream: exact counter deltas for the queries sent, the `plugin`
// label of coredns_dns_responses_total, and promtool on the whole scrape.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "fixture/dns_client.hpp"
#include "fixture/upstream.hpp"
#include "metrics_util.hpp"

namespace dnsd::it {
namespace {

constexpr const char* kAlias = "alias.svc.cluster.local.";  // rewritten to zone::kService

class PluginMetrics : public ScrapedDaemon<PluginMetrics> {
 protected:
  static void SetUpTestSuite() {
    Start([](const std::string& upstream, uint16_t metrics_port) {
      to_ = upstream;
      return "svc.cluster.local:@PORT@ {\n"
             "    prometheus 127.0.0.1:" + std::to_string(metrics_port) + "\n"
             "    health 127.0.0.1:" + std::to_string(FreePort()) + "\n"
             "    cache\n"
             "    rewrite name exact " + std::string(kAlias) + " " + zone::kService + "\n"
             "    forward . " + upstream + "\n"
             "}\n";
    });
  }

  static Samples Scrape() { return Parse(ScrapeText()); }
  static std::string Server() { return ServerLabel(); }
  static std::string Cache(const std::string& name, const std::string& type = "") {
    return name + "{" + Server() + (type.empty() ? "" : ",type=\"" + type + "\"") +
           ",zones=\"svc.cluster.local.\",view=\"\"}";
  }
  static std::string Proxy(const std::string& name, const std::string& rcode) {
    return name + "{to=\"" + to_ + "\",rcode=\"" + rcode + "\",proxy_name=\"forward\"}";
  }
  static std::string Responses(const std::string& rcode, const std::string& plugin) {
    return "coredns_dns_responses_total{" + Server() + ",zone=\"svc.cluster.local.\",view=\"\",rcode=\"" + rcode +
           "\",plugin=\"" + plugin + "\"}";
  }
  // The sum over every series of `name` (the rule's `rule` label holds the Corefile's temp path).
  static double SumOf(const Samples& samples, const std::string& name) {
    double total = 0;
    for (const auto& [series, value] : samples) {
      if (series.rfind(name + "{", 0) == 0) total += value;
    }
    return total;
  }

  static inline std::string to_;  // the upstream, as the `to` label
};

TEST_F(PluginMetrics, CacheCountsOneMissThenHitsAndForwardOneUpstreamRequest) {
  const Samples before = Scrape();
  ASSERT_FALSE(before.empty()) << "no metrics scraped from port " << metrics_port_;
  constexpr int kQueries = 4;  // the first misses and is forwarded, the others are hits
  for (int i = 0; i < kQueries; ++i) ASSERT_TRUE(Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_TXT));
  const Samples after = Scrape();
  EXPECT_EQ(Delta(before, after, Cache("coredns_cache_requests_total")), kQueries);
  EXPECT_EQ(Delta(before, after, Cache("coredns_cache_misses_total")), 1);
  EXPECT_EQ(Delta(before, after, Cache("coredns_cache_hits_total", "success")), kQueries - 1);
  EXPECT_EQ(Delta(before, after, Cache("coredns_cache_hits_total", "denial")), 0);
  EXPECT_EQ(Delta(before, after, Proxy("coredns_proxy_request_duration_seconds_count", "NOERROR")), 1);
  EXPECT_EQ(Delta(before, after, "coredns_proxy_conn_cache_hits_total{to=\"" + to_ + "\",proto=\"udp\",proxy_name=\"forward\"}") +
                Delta(before, after, "coredns_proxy_conn_cache_misses_total{to=\"" + to_ + "\",proto=\"udp\",proxy_name=\"forward\"}"),
            1);
  // CoreDNS's cache writes every answer it gives (hits and forwarded misses): plugin="cache".
  EXPECT_EQ(Delta(before, after, Responses("NOERROR", "cache")), kQueries);
  EXPECT_GE(after.at(Cache("coredns_cache_entries", "success")), 1);
}

TEST_F(PluginMetrics, DenialsAreCachedAsTheirOwnType) {
  const Samples before = Scrape();
  for (int i = 0; i < 3; ++i) {
    auto reply = Query(daemon_->endpoint(), zone::kMissing, LDNS_RR_TYPE_AAAA);
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->rcode(), LDNS_RCODE_NXDOMAIN);
  }
  const Samples after = Scrape();
  EXPECT_EQ(Delta(before, after, Cache("coredns_cache_misses_total")), 1);
  EXPECT_EQ(Delta(before, after, Cache("coredns_cache_hits_total", "denial")), 2);
  EXPECT_EQ(Delta(before, after, Proxy("coredns_proxy_request_duration_seconds_count", "NXDOMAIN")), 1);
  EXPECT_EQ(Delta(before, after, Responses("NXDOMAIN", "cache")), 3);
}

TEST_F(PluginMetrics, RewriteRuleHitsCountEveryQueryTheRuleRewrote) {
  const Samples before = Scrape();
  // Three types: three cache misses, each rewritten once; the repeats are cache hits, not rewritten.
  for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_SRV, LDNS_RR_TYPE_A}) {
    ASSERT_TRUE(Query(daemon_->endpoint(), kAlias, type));
  }
  ASSERT_TRUE(Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_MX));  // no rule
  const Samples after = Scrape();
  EXPECT_EQ(SumOf(after, "dnsd_rewrite_rule_hits_total") - SumOf(before, "dnsd_rewrite_rule_hits_total"), 3);
  EXPECT_EQ(SumOf(after, "dnsd_rewrite_rule_set_hits_total") - SumOf(before, "dnsd_rewrite_rule_set_hits_total"), 3);
  bool labelled = false;
  for (const auto& [series, value] : after) {
    if (series.rfind("dnsd_rewrite_rule_hits_total{", 0) != 0) continue;
    labelled = series.find(Server()) != std::string::npos && series.find("zones=\"svc.cluster.local.\"") != std::string::npos &&
               series.find("rule_set=\"") != std::string::npos && series.find(":5:5\"}") != std::string::npos;
  }
  EXPECT_TRUE(labelled) << "want one series per rule, rule=\"<Corefile>:5:5\"";
}

TEST_F(PluginMetrics, HealthSelfChecksAreTimedAndSucceed) {
  Samples samples;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(6);
  while (std::chrono::steady_clock::now() < deadline) {
    samples = Scrape();
    auto count = samples.find("coredns_health_request_duration_seconds_count");
    if (count != samples.end() && count->second >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(samples.count("coredns_health_request_duration_seconds_count")) << "no health self-check in 6 s";
  EXPECT_GE(samples.at("coredns_health_request_duration_seconds_count"), 1);
  EXPECT_EQ(samples.at("coredns_health_request_duration_seconds_bucket{le=\"+Inf\"}"),
            samples.at("coredns_health_request_duration_seconds_count"));
  EXPECT_EQ(samples.at("coredns_health_request_failures_total"), 0);
}

TEST_F(PluginMetrics, ProcessWideFamiliesAreExportedAtZero) {
  const Samples samples = Scrape();
  EXPECT_EQ(samples.at("coredns_reload_failed_total"), 0);
  EXPECT_EQ(samples.at("coredns_forward_healthcheck_broken_total"), 0);
  EXPECT_EQ(samples.at("coredns_forward_max_concurrent_rejects_total"), 0);
  EXPECT_EQ(samples.at("dnsd_forward_in_flight_evictions_total"), 0);
}

// Dashboards and the coredns-mixin alerts still query CoreDNS 1.10's forward names.
TEST_F(PluginMetrics, PreCoreDns111ForwardNamesCountWhatTheProxyOnesCount) {
  const Samples before = Scrape();
  ASSERT_TRUE(Query(daemon_->endpoint(), zone::ServiceName(3, 2), LDNS_RR_TYPE_SRV));  // a miss: forwarded
  const Samples after = Scrape();
  const std::string to = "to=\"" + to_ + "\"";
  EXPECT_EQ(Delta(before, after, "coredns_forward_requests_total{" + to + "}"), 1);
  EXPECT_EQ(Delta(before, after, "coredns_forward_responses_total{rcode=\"NOERROR\"," + to + "}"), 1);
  EXPECT_EQ(Delta(before, after, "coredns_forward_request_duration_seconds_count{" + to + ",rcode=\"NOERROR\"}"), 1);
  EXPECT_EQ(after.at("coredns_forward_request_duration_seconds_count{" + to + ",rcode=\"NOERROR\"}"),
            after.at(Proxy("coredns_proxy_request_duration_seconds_count", "NOERROR")));
  EXPECT_EQ(after.at("coredns_forward_request_duration_seconds_bucket{" + to + ",rcode=\"NOERROR\",le=\"+Inf\"}"),
            after.at(Proxy("coredns_proxy_request_duration_seconds_count", "NOERROR")));
}

TEST_F(PluginMetrics, QueriesWithTheDoBitAreCounted) {
  const Samples before = Scrape();
  ASSERT_TRUE(Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Edns(1232).Do()));
  ASSERT_TRUE(Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_A));
  const Samples after = Scrape();
  EXPECT_EQ(Delta(before, after, "coredns_dns_do_requests_total{" + Server() + ",zone=\"svc.cluster.local.\",view=\"\"}"), 1);
}

// What Go's process collector exports from every CoreDNS, read from /proc at scrape time.
TEST_F(PluginMetrics, ProcessFamiliesDescribeTheDaemon) {
  const Samples samples = Scrape();
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GE(samples.at("process_cpu_seconds_total"), 0);
  EXPECT_GT(samples.at("process_resident_memory_bytes"), 1 << 20);
  EXPECT_GT(samples.at("process_virtual_memory_bytes"), samples.at("process_resident_memory_bytes"));
  EXPECT_GT(samples.at("process_open_fds"), 3);
  EXPECT_GE(samples.at("process_max_fds"), samples.at("process_open_fds"));
  EXPECT_GT(samples.at("process_start_time_seconds"), now - 600);
  EXPECT_LT(samples.at("process_start_time_seconds"), now + 2);
  EXPECT_EQ(samples.count("go_goroutines"), 0u);  // no Go runtime: no go_* families
}

TEST_F(PluginMetrics, PromtoolAcceptsTheScrape) {
  const std::string promtool = FindProgram("promtool");
  if (promtool.empty()) GTEST_SKIP() << "promtool not installed (Debian package prometheus)";
  ASSERT_TRUE(Query(daemon_->endpoint(), kAlias, LDNS_RR_TYPE_TXT));
  const std::string text = ScrapeText();
  for (const char* line : {"# TYPE coredns_cache_entries gauge", "# TYPE coredns_cache_requests_total counter",
                           "# TYPE coredns_proxy_request_duration_seconds histogram",
                           "# TYPE dnsd_rewrite_rule_hits_total counter", "# TYPE coredns_reload_failed_total counter"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line;
  }
  std::string output;
  EXPECT_EQ(PromtoolCheck(promtool, text, output), 0) << output << "\n" << text;
}

// forward to a port nobody listens on: every attempt fails at once (ICMP port unreachable).
class DeadUpstreamMetrics : public ScrapedDaemon<DeadUpstreamMetrics> {
 protected:
  static void SetUpTestSuite() {
    Start([](const std::string& /*knot, unused*/, uint16_t metrics_port) {
      dead_ = "127.0.0.1:" + std::to_string(FreePort());
      return ".:@PORT@ {\n"
             "    prometheus 127.0.0.1:" + std::to_string(metrics_port) + "\n"
             "    forward . " + dead_ + " {\n"
             "        max_fails 1\n"
             "        health_check 0.1s\n"
             "    }\n"
             "}\n";
    });
  }
  static inline std::string dead_;
};

TEST_F(DeadUpstreamMetrics, FailedHealthChecksAndTheServersServfailsAreCounted) {
  const Samples before = Parse(ScrapeText());
  constexpr int kQueries = 6;
  for (int i = 0; i < kQueries; ++i) {
    auto reply = Query(daemon_->endpoint(), "dead.example.", LDNS_RR_TYPE_A);
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->rcode(), LDNS_RCODE_SERVFAIL);
  }
  // Probes run every 0.1 s while the upstream is down: wait (bounded) for the first failure.
  const std::string failures = "coredns_proxy_healthcheck_failures_total{to=\"" + dead_ + "\",proxy_name=\"forward\"}";
  Samples after;
  for (int i = 0; i < 50; ++i) {
    after = Parse(ScrapeText());
    if (Delta(before, after, failures) >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(Delta(before, after, failures), 1);
  EXPECT_GE(Delta(before, after, "coredns_forward_healthcheck_broken_total"), 1);  // down after 2 failures
  // forward returned the failure and the server wrote it: plugin="" (CoreDNS), one per query.
  EXPECT_EQ(Delta(before, after, "coredns_dns_responses_total{" + ServerLabel() +
                                     ",zone=\".\",view=\"\",rcode=\"SERVFAIL\",plugin=\"\"}"),
            kQueries);
  EXPECT_EQ(Delta(before, after, "coredns_proxy_request_duration_seconds_count{to=\"" + dead_ +
                                     "\",rcode=\"SERVFAIL\",proxy_name=\"forward\"}"),
            0);  // no reply, no duration
}

// The pre-1.11 names are dnsd's addition: one environment variable leaves only CoreDNS 1.11's.
TEST(LegacyForwardMetrics, AreSwitchedOffByTheEnvironment) {
  Upstream upstream;
  const uint16_t metrics_port = FreePort();
  ::setenv("DNSD_LEGACY_FORWARD_METRICS", "off", 1);  // the daemon inherits this process's environment
  Daemon daemon(".:@PORT@ {\n    prometheus 127.0.0.1:" + std::to_string(metrics_port) + "\n    forward . " +
                upstream.endpoint().ToString() + "\n}\n");
  ::unsetenv("DNSD_LEGACY_FORWARD_METRICS");
  ASSERT_TRUE(Query(daemon.endpoint(), zone::kService, LDNS_RR_TYPE_A));
  const std::string text = Body(HttpGet(metrics_port, "/metrics"));
  EXPECT_NE(text.find("coredns_proxy_request_duration_seconds_count{"), std::string::npos) << text;
  EXPECT_EQ(text.find("coredns_forward_requests_total"), std::string::npos);
  EXPECT_EQ(text.find("coredns_forward_responses_total"), std::string::npos);
  EXPECT_EQ(text.find("coredns_forward_request_duration_seconds"), std::string::npos);
  EXPECT_EQ(text.find("coredns_forward_healthcheck_failures_total"), std::string::npos);
  EXPECT_NE(text.find("coredns_forward_healthcheck_broken_total"), std::string::npos);  // a 1.11 name
  EXPECT_EQ(daemon.Stop().code, 0);
}

}  // namespace
}  // namespace dnsd::it
