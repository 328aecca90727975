#include "dnsd/plugins/forward/metrics.hpp"

#include <cstdlib>
#include <string_view>

#include "dnsd/metrics/families.hpp"
#include "dnsd/metrics/process_metrics.hpp"

namespace dnsd::plugins::forward {
namespace {

using ::prometheus::MetricType;
using metrics::HistogramSum;
using metrics::kRcodeSlots;
using metrics::kTimeBuckets;
using metrics::Labels;
using metrics::NewFamily;

constexpr const char* kProxyName = "forward";
constexpr const char* kProtoLabel[kProtoSlots] = {"udp", "tcp", "tcp-tls"};

// CoreDNS before 1.11 named these coredns_forward_* (labels without proxy_name); dashboards and
// alert rules written then still query them. Exported beside the 1.11 names unless
// DNSD_LEGACY_FORWARD_METRICS is "off", "false" or "0" (read once, at the first scrape).
bool LegacyNamesEnabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("DNSD_LEGACY_FORWARD_METRICS");
    if (value == nullptr) return true;
    const std::string_view v(value);
    return !(v == "off" || v == "false" || v == "0");
  }();
  return enabled;
}

// The pre-1.11 families, derived at scrape from the 1.11 counts: CoreDNS 1.10 counted requests,
// responses and their duration together, once per upstream reply, so all three come from the
// duration histogram; health-check failures and the connection cache are the same counts renamed.
struct LegacyFamilies {
  ::prometheus::MetricFamily requests = NewFamily("coredns_forward_requests_total", "Counter of requests made per upstream.",
                                                  MetricType::Counter);
  ::prometheus::MetricFamily responses = NewFamily("coredns_forward_responses_total",
                                                   "Counter of responses received per upstream.", MetricType::Counter);
  ::prometheus::MetricFamily duration = NewFamily("coredns_forward_request_duration_seconds",
                                                  "Histogram of the time each request took.", MetricType::Histogram);
  ::prometheus::MetricFamily failures = NewFamily("coredns_forward_healthcheck_failures_total",
                                                  "Counter of the number of failed healthchecks.", MetricType::Counter);
  ::prometheus::MetricFamily hits = NewFamily("coredns_forward_conn_cache_hits_total",
                                              "Counter of connection cache hits per upstream and protocol.",
                                              MetricType::Counter);
  ::prometheus::MetricFamily misses = NewFamily("coredns_forward_conn_cache_misses_total",
                                                "Counter of connection cache misses per upstream and protocol.",
                                                MetricType::Counter);

  void AddUpstream(const std::string& to, const std::array<HistogramSum, kRcodeSlots>& by_rcode,
                   const std::array<std::uint64_t, kProtoSlots>& hit,
                   const std::array<std::uint64_t, kProtoSlots>& miss) {
    std::uint64_t replies = 0;
    for (std::size_t r = 0; r < kRcodeSlots; ++r) {
      if (by_rcode[r].count == 0) continue;
      replies += by_rcode[r].count;
      const std::string rcode = metrics::RcodeLabel(r);
      metrics::AddCounter(responses, {{"rcode", rcode}, {"to", to}}, static_cast<double>(by_rcode[r].count));
      metrics::AddHistogram(duration, {{"to", to}, {"rcode", rcode}}, by_rcode[r], kTimeBuckets);
    }
    if (replies != 0) metrics::AddCounter(requests, {{"to", to}}, static_cast<double>(replies));
    for (std::size_t p = 0; p < kProtoSlots; ++p) {
      const Labels labels = {{"to", to}, {"proto", kProtoLabel[p]}};
      if (hit[p] != 0) metrics::AddCounter(hits, labels, static_cast<double>(hit[p]));
      if (miss[p] != 0) metrics::AddCounter(misses, labels, static_cast<double>(miss[p]));
    }
  }

  void MoveTo(std::vector<::prometheus::MetricFamily>& families) {
    metrics::AppendNonEmpty(families, {&requests, &responses, &duration, &failures, &hits, &misses});
  }
};

}  // namespace

ForwardMetrics& ForwardMetrics::Get() { return metrics::ProcessCollector<ForwardMetrics>(); }

std::atomic<std::uint64_t>& ForwardMetrics::HealthcheckFailures(const std::string& to) {
  std::lock_guard lock(mutex_);
  auto& slot = healthcheck_failures_[to];
  if (!slot) slot = std::make_unique<std::atomic<std::uint64_t>>(0);
  return *slot;
}

std::vector<::prometheus::MetricFamily> ForwardMetrics::Collect() const {
  auto duration = NewFamily("coredns_proxy_request_duration_seconds", "Histogram of the time each request took.",
                            MetricType::Histogram);
  auto hits = NewFamily("coredns_proxy_conn_cache_hits_total",
                        "Counter of connection cache hits per upstream and protocol.", MetricType::Counter);
  auto misses = NewFamily("coredns_proxy_conn_cache_misses_total",
                          "Counter of connection cache misses per upstream and protocol.", MetricType::Counter);
  auto failures = NewFamily("coredns_proxy_healthcheck_failures_total",
                            "Counter of the number of failed healthchecks.", MetricType::Counter);
  auto broken = NewFamily("coredns_forward_healthcheck_broken_total",
                          "Counter of the number of complete failures of the healthchecks.", MetricType::Counter);
  auto dropped = NewFamily("dnsd_forward_replies_dropped_total",
                           "Counter of upstream replies dropped because they matched no query in flight "
                           "(wrong ID, question or flags: forged or late, RFC 5452).",
                           MetricType::Counter);
  auto evictions = NewFamily("dnsd_forward_in_flight_evictions_total",
                             "Counter of queries answered SERVFAIL early because a worker reached its in-flight cap.",
                             MetricType::Counter);
  auto rejects = NewFamily("coredns_forward_max_concurrent_rejects_total",
                           "Counter of the number of queries rejected because the concurrent queries were at maximum.",
                           MetricType::Counter);

  const bool legacy = LegacyNamesEnabled();
  LegacyFamilies old;
  upstreams_.ForEach([&](const std::vector<std::string>& key, const metrics::PerWorker<UpstreamCounters>& workers) {
    std::array<HistogramSum, kRcodeSlots> by_rcode;
    std::array<std::uint64_t, kProtoSlots> hit{}, miss{};
    std::uint64_t dropped_replies = 0;
    workers.ForEach([&](const UpstreamCounters& c) {
      dropped_replies += c.replies_dropped.Read();
      for (std::size_t r = 0; r < kRcodeSlots; ++r) by_rcode[r].Add(c.duration[r]);
      for (std::size_t p = 0; p < kProtoSlots; ++p) {
        hit[p] += c.conn_cache_hits[p].Read();
        miss[p] += c.conn_cache_misses[p].Read();
      }
    });
    const std::string& to = key[0];
    for (std::size_t r = 0; r < kRcodeSlots; ++r) {
      metrics::AddHistogram(duration, {{"to", to}, {"rcode", metrics::RcodeLabel(r)}, {"proxy_name", kProxyName}},
                               by_rcode[r], kTimeBuckets);
    }
    for (std::size_t p = 0; p < kProtoSlots; ++p) {
      const Labels labels = {{"to", to}, {"proto", kProtoLabel[p]}, {"proxy_name", kProxyName}};
      if (hit[p] != 0) metrics::AddCounter(hits, labels, static_cast<double>(hit[p]));
      if (miss[p] != 0) metrics::AddCounter(misses, labels, static_cast<double>(miss[p]));
    }
    metrics::AddCounter(dropped, {{"to", to}}, static_cast<double>(dropped_replies));
    if (legacy) old.AddUpstream(to, by_rcode, hit, miss);
  });
  {
    std::lock_guard lock(mutex_);
    for (const auto& [to, count] : healthcheck_failures_) {
      const double value = static_cast<double>(count->load(std::memory_order_relaxed));
      metrics::AddCounter(failures, {{"to", to}, {"proxy_name", kProxyName}}, value);
      if (legacy) metrics::AddCounter(old.failures, {{"to", to}}, value);
    }
  }
  std::uint64_t broken_total = 0, rejects_total = 0, evictions_total = 0;
  forward_.ForEach([&](const ForwardCounters& c) {
    broken_total += c.healthcheck_broken.Read();
    rejects_total += c.max_concurrent_rejects.Read();
    evictions_total += c.in_flight_evictions.Read();
  });
  // Label-less counters, exported from the first forward on (as CoreDNS registers them).
  metrics::AddCounter(broken, {}, static_cast<double>(broken_total));
  metrics::AddCounter(rejects, {}, static_cast<double>(rejects_total));
  metrics::AddCounter(evictions, {}, static_cast<double>(evictions_total));
  std::vector<::prometheus::MetricFamily> families;
  metrics::AppendNonEmpty(families, {&duration, &hits, &misses, &failures, &broken, &rejects, &dropped, &evictions});
  if (legacy) old.MoveTo(families);
  return families;
}

std::string UpstreamLabel(const boost::asio::ip::udp::endpoint& endpoint) {
  const auto address = endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace dnsd::plugins::forward
