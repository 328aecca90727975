// The scrape side: per-worker series summed into CoreDNS's families, labels and buckets.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include <prometheus/text_serializer.h>

#include "dnsd/plugins/prometheus/collector.hpp"
#include "support.hpp"

namespace dnsd::plugins::prometheus {
namespace {

using testing::FindFamily;
using testing::FindMetric;

Observation UdpA(double seconds = 0.0003, std::size_t rcode = 0) {
  Observation o;
  o.type_slot = TypeSlot(1);
  o.rcode = rcode;
  o.request_size = 40;
  o.response_size = 120;
  o.seconds = seconds;
  return o;
}

TEST(LocalCounter, AddsWithoutFetchAdd) {
  metrics::LocalCounter c;
  c.Add();
  c.Add(41);
  EXPECT_EQ(c.Read(), 42u);
}

TEST(LocalHistogram, PutsAValueInTheFirstBucketWhoseBoundHoldsIt) {
  metrics::LocalHistogram<metrics::kSizeBuckets.size()> h;
  h.Observe(metrics::kSizeBuckets, 0);      // le=0
  h.Observe(metrics::kSizeBuckets, 511);    // le=511 (bounds are inclusive)
  h.Observe(metrics::kSizeBuckets, 512);    // le=1023
  h.Observe(metrics::kSizeBuckets, 70000);  // +Inf
  EXPECT_EQ(h.Bucket(0), 1u);
  EXPECT_EQ(h.Bucket(5), 1u);
  EXPECT_EQ(h.Bucket(6), 1u);
  EXPECT_EQ(h.Bucket(metrics::kSizeBuckets.size()), 1u);
  EXPECT_EQ(h.Count(), 4u);
  EXPECT_DOUBLE_EQ(h.Sum(), 0 + 511 + 512 + 70000);
}

TEST(Labels, TypesOutsideCoreDnsMonitoredSetAreOther) {
  EXPECT_EQ(TypeLabel(TypeSlot(1)), "A");
  EXPECT_EQ(TypeLabel(TypeSlot(28)), "AAAA");
  EXPECT_EQ(TypeLabel(TypeSlot(65)), "HTTPS");
  EXPECT_EQ(TypeLabel(TypeSlot(99)), "other");  // SPF
  EXPECT_EQ(TypeLabel(TypeSlot(13)), "other");  // HINFO
  EXPECT_EQ(metrics::RcodeLabel(0), "NOERROR");
  EXPECT_EQ(metrics::RcodeLabel(3), "NXDOMAIN");
  EXPECT_EQ(metrics::RcodeLabel(2), "SERVFAIL");
  EXPECT_EQ(metrics::RcodeLabel(12), "12");
}

TEST(DnsCollector, SumsRequestsOverWorkers) {
  DnsCollector collector({"1.2.3", "abc", "gcc"});
  collector.Worker(0).Find("dns://:53", ".").Observe(UdpA());
  collector.Worker(0).Find("dns://:53", ".").Observe(UdpA());
  collector.Worker(1).Find("dns://:53", ".").Observe(UdpA());
  auto families = collector.Collect();
  auto* metric = FindMetric(FindFamily(families, "coredns_dns_requests_total"),
                            {{"server", "dns://:53"}, {"zone", "."}, {"view", ""}, {"proto", "udp"},
                             {"family", "1"}, {"type", "A"}});
  ASSERT_NE(metric, nullptr);
  EXPECT_EQ(metric->counter.value, 3);
  EXPECT_EQ(metric->label.size(), 6u);
}

TEST(DnsCollector, KeepsServersAndZonesApart) {
  DnsCollector collector;
  collector.Worker(0).Find("dns://:53", "example.org.").Observe(UdpA());
  collector.Worker(1).Find("dns://:53", ".").Observe(UdpA());
  collector.Worker(1).Find("dns://:1053", ".").Observe(UdpA(0.0003, 3));
  auto families = collector.Collect();
  auto* requests = FindFamily(families, "coredns_dns_requests_total");
  ASSERT_NE(requests, nullptr);
  EXPECT_EQ(requests->metric.size(), 3u);
  auto* nx = FindMetric(FindFamily(families, "coredns_dns_responses_total"),
                        {{"server", "dns://:1053"}, {"rcode", "NXDOMAIN"}, {"plugin", ""}});
  ASSERT_NE(nx, nullptr);
  EXPECT_EQ(nx->counter.value, 1);
  EXPECT_EQ(nx->label.size(), 5u);
}

TEST(DnsCollector, DurationHistogramHasCoreDnsBucketsCumulativeOverWorkers) {
  DnsCollector collector;
  collector.Worker(0).Find("dns://:53", ".").Observe(UdpA(0.0001));  // le=0.00025
  collector.Worker(1).Find("dns://:53", ".").Observe(UdpA(0.003));   // le=0.004
  collector.Worker(1).Find("dns://:53", ".").Observe(UdpA(10));      // +Inf
  auto families = collector.Collect();
  auto* family = FindFamily(families, "coredns_dns_request_duration_seconds");
  ASSERT_NE(family, nullptr);
  EXPECT_EQ(family->type, ::prometheus::MetricType::Histogram);
  auto* m = FindMetric(family, {{"server", "dns://:53"}, {"zone", "."}, {"view", ""}, {"type", "A"}});
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->label.size(), 4u);
  const auto& h = m->histogram;
  EXPECT_EQ(h.sample_count, 3u);
  EXPECT_NEAR(h.sample_sum, 10.0031, 1e-9);
  ASSERT_EQ(h.bucket.size(), metrics::kTimeBuckets.size() + 1);
  EXPECT_DOUBLE_EQ(h.bucket[0].upper_bound, 0.00025);
  EXPECT_EQ(h.bucket[0].cumulative_count, 1u);
  EXPECT_EQ(h.bucket[3].cumulative_count, 1u);  // le=0.002
  EXPECT_EQ(h.bucket[4].cumulative_count, 2u);  // le=0.004
  EXPECT_DOUBLE_EQ(h.bucket[15].upper_bound, 8.192);
  EXPECT_EQ(h.bucket[15].cumulative_count, 2u);
  EXPECT_TRUE(std::isinf(h.bucket[16].upper_bound));
  EXPECT_EQ(h.bucket[16].cumulative_count, 3u);
}

TEST(DnsCollector, SizeHistogramsPerProto) {
  DnsCollector collector;
  Observation tcp = UdpA();
  tcp.proto = kTcp;
  tcp.response_size = 2000;
  collector.Worker(0).Find("dns://:53", ".").Observe(tcp);
  auto families = collector.Collect();
  auto* size = FindMetric(FindFamily(families, "coredns_dns_response_size_bytes"),
                          {{"server", "dns://:53"}, {"zone", "."}, {"view", ""}, {"proto", "tcp"}});
  ASSERT_NE(size, nullptr);
  EXPECT_EQ(size->label.size(), 4u);
  ASSERT_EQ(size->histogram.bucket.size(), metrics::kSizeBuckets.size() + 1);
  EXPECT_EQ(size->histogram.bucket[6].cumulative_count, 0u);  // le=1023
  EXPECT_EQ(size->histogram.bucket[7].cumulative_count, 1u);  // le=2047
  EXPECT_NE(FindMetric(FindFamily(families, "coredns_dns_request_size_bytes"), {{"proto", "tcp"}}), nullptr);
  EXPECT_EQ(FindMetric(FindFamily(families, "coredns_dns_request_size_bytes"), {{"proto", "udp"}}), nullptr);
}

TEST(DnsCollector, ExportsBuildInfoPanicsAndEnabledPlugins) {
  DnsCollector collector({"1.2.3", "abc", "gcc 12"});
  collector.EnablePlugin("dns://:53", ".", "prometheus");
  collector.EnablePlugin("dns://:53", ".", "prometheus");  // once
  auto families = collector.Collect();
  auto* build = FindMetric(FindFamily(families, "coredns_build_info"),
                           {{"version", "1.2.3"}, {"revision", "abc"}, {"goversion", "gcc 12"}});
  ASSERT_NE(build, nullptr);
  EXPECT_EQ(build->gauge.value, 1);
  ASSERT_NE(FindFamily(families, "coredns_panics_total"), nullptr);
  auto* enabled = FindFamily(families, "coredns_plugin_enabled");
  ASSERT_NE(enabled, nullptr);
  ASSERT_EQ(enabled->metric.size(), 1u);
  EXPECT_NE(FindMetric(enabled, {{"server", "dns://:53"}, {"zone", "."}, {"view", ""}, {"name", "prometheus"}}),
            nullptr);
  EXPECT_EQ(FindFamily(families, "coredns_dns_requests_total"), nullptr);  // nothing counted yet
}

TEST(DnsCollector, ScrapesWhileWorkersCountAndNeverLosesACount) {
  DnsCollector collector;
  constexpr int kPerWorker = 200000;
  auto work = [&](unsigned index) {
    SeriesBlock& block = collector.Worker(index).Find("dns://:53", ".");
    for (int i = 0; i < kPerWorker; ++i) block.Observe(UdpA());
  };
  std::thread a(work, 0), b(work, 1);
  for (int i = 0; i < 20; ++i) (void)collector.Collect();
  a.join();
  b.join();
  auto families = collector.Collect();
  auto* m = FindMetric(FindFamily(families, "coredns_dns_requests_total"), {{"type", "A"}});
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->counter.value, 2 * kPerWorker);
}

TEST(DnsCollector, TextFormatHasInfBucketAndCoreDnsNames) {
  DnsCollector collector;
  collector.Worker(0).Find("dns://:53", ".").Observe(UdpA());
  const std::string text = ::prometheus::TextSerializer().Serialize(collector.Collect());
  EXPECT_NE(text.find("# TYPE coredns_dns_request_duration_seconds histogram"), std::string::npos) << text;
  EXPECT_NE(text.find("coredns_dns_request_duration_seconds_bucket{server=\"dns://:53\",zone=\".\",view=\"\",type=\"A\",le=\"+Inf\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("coredns_dns_requests_total{server=\"dns://:53\",zone=\".\",view=\"\",proto=\"udp\",family=\"1\",type=\"A\"} 1"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace dnsd::plugins::prometheus
