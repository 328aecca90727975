#include "dnsd/plugins/prometheus/collector.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include <prometheus/metric_family.h>

#include "dnsd/metrics/families.hpp"

#ifndef DNSD_VERSION
#define DNSD_VERSION "0.0.0"
#endif
#ifndef DNSD_GIT_COMMIT
#define DNSD_GIT_COMMIT ""
#endif

namespace dnsd::plugins::prometheus {

using metrics::AddCounter;
using metrics::AddHistogram;
using metrics::AppendNonEmpty;
using metrics::HistogramSum;
using metrics::kRcodeSlots;
using metrics::kSizeBuckets;
using metrics::kTimeBuckets;
using metrics::Labels;
using metrics::NewFamily;
using metrics::RcodeLabel;
using metrics::With;
namespace {

using ::prometheus::ClientMetric;
using ::prometheus::MetricFamily;
using ::prometheus::MetricType;
using Key = std::pair<std::string, std::string>;  // server, zone

// Everything one (server, zone) counted, summed over workers.
struct SeriesSum {
  std::array<std::array<std::array<std::uint64_t, kTypeSlots>, 2>, 2> requests{};
  std::array<std::array<std::uint64_t, kResponderSlots>, kRcodeSlots> responses{};
  std::array<HistogramSum, kTypeSlots> duration;
  std::array<HistogramSum, 2> request_size, response_size;
  std::uint64_t do_requests = 0;

  void Add(const SeriesBlock& b) {
    do_requests += b.do_requests.Read();
    for (std::size_t p = 0; p < 2; ++p) {
      for (std::size_t f = 0; f < 2; ++f) {
        for (std::size_t t = 0; t < kTypeSlots; ++t) requests[p][f][t] += b.requests[p][f][t].Read();
      }
      request_size[p].Add(b.request_size[p]);
      response_size[p].Add(b.response_size[p]);
    }
    for (std::size_t r = 0; r < kRcodeSlots; ++r) {
      for (std::size_t w = 0; w < kResponderSlots; ++w) responses[r][w] += b.responses[r][w].Read();
    }
    for (std::size_t t = 0; t < kTypeSlots; ++t) duration[t].Add(b.duration[t]);
  }
};

Labels ServerZone(const Key& key) {
  return {{"server", key.first}, {"zone", key.second}, {"view", ""}};
}

constexpr std::array<const char*, 2> kProtoLabel = {"udp", "tcp"};
constexpr std::array<const char*, 2> kFamilyLabel = {"1", "2"};

}  // namespace

BuildInfo DnsdBuildInfo() {
  return {DNSD_VERSION, DNSD_GIT_COMMIT, std::string("gcc ") + __VERSION__};
}

WorkerSeries& DnsCollector::Worker(unsigned index) {
  std::lock_guard lock(mutex_);
  if (workers_.size() <= index) workers_.resize(index + 1);
  if (!workers_[index]) workers_[index] = std::make_unique<WorkerSeries>();
  return *workers_[index];
}

void DnsCollector::EnablePlugin(const std::string& server, const std::string& zone,
                                const std::string& name) {
  std::lock_guard lock(mutex_);
  auto entry = std::make_tuple(server, zone, name);
  if (std::find(enabled_.begin(), enabled_.end(), entry) == enabled_.end()) enabled_.push_back(entry);
}

std::vector<MetricFamily> DnsCollector::Collect() const {
  std::map<Key, SeriesSum> sums;
  std::vector<std::tuple<std::string, std::string, std::string>> enabled;
  {
    std::lock_guard lock(mutex_);
    enabled = enabled_;
    for (const auto& worker : workers_) {
      if (!worker) continue;
      worker->ForEach([&](const WorkerSeries::Entry& e) { sums[{e.server, e.zone}].Add(*e.block); });
    }
  }

  auto build = NewFamily("coredns_build_info",
                      "A metric with a constant '1' value labeled by version, revision, and goversion "
                      "from which CoreDNS was built.",
                      MetricType::Gauge);
  ClientMetric info;
  info.label = {{"version", build_.version}, {"revision", build_.revision}, {"goversion", build_.goversion}};
  info.gauge.value = 1;
  build.metric.push_back(std::move(info));

  auto panics = NewFamily("coredns_panics_total", "A metrics that counts the number of panics.",
                       MetricType::Counter);
  AddCounter(panics, {}, 0);  // dnsd does not recover from crashes in-process

  auto plugins = NewFamily("coredns_plugin_enabled", "A metric that indicates whether a plugin is enabled on per server and zone basis.",
                        MetricType::Gauge);
  for (const auto& [server, zone, name] : enabled) {
    ClientMetric metric;
    metric.label = {{"server", server}, {"zone", zone}, {"view", ""}, {"name", name}};
    metric.gauge.value = 1;
    plugins.metric.push_back(std::move(metric));
  }

  auto requests = NewFamily("coredns_dns_requests_total",
                         "Counter of DNS requests made per zone, protocol and family.", MetricType::Counter);
  auto responses = NewFamily("coredns_dns_responses_total",
                          "Counter of response status codes.", MetricType::Counter);
  auto do_requests = NewFamily("coredns_dns_do_requests_total", "Counter of DNS requests with DO bit set per zone.",
                               MetricType::Counter);
  auto duration = NewFamily("coredns_dns_request_duration_seconds",
                         "Histogram of the time (in seconds) each request took per zone.",
                         MetricType::Histogram);
  auto request_size = NewFamily("coredns_dns_request_size_bytes",
                             "Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.",
                             MetricType::Histogram);
  auto response_size = NewFamily("coredns_dns_response_size_bytes",
                              "Size of the returned response in bytes.", MetricType::Histogram);

  for (const auto& [key, sum] : sums) {
    const Labels base = ServerZone(key);
    for (std::size_t p = 0; p < 2; ++p) {
      for (std::size_t f = 0; f < 2; ++f) {
        for (std::size_t t = 0; t < kTypeSlots; ++t) {
          const std::uint64_t n = sum.requests[p][f][t];
          if (n == 0) continue;
          AddCounter(requests,
                     With(With(With(base, "proto", kProtoLabel[p]), "family", kFamilyLabel[f]), "type",
                          std::string(TypeLabel(t))),
                     static_cast<double>(n));
        }
      }
      AddHistogram(request_size, With(base, "proto", kProtoLabel[p]), sum.request_size[p], kSizeBuckets);
      AddHistogram(response_size, With(base, "proto", kProtoLabel[p]), sum.response_size[p], kSizeBuckets);
    }
    if (sum.do_requests != 0) AddCounter(do_requests, base, static_cast<double>(sum.do_requests));
    for (std::size_t r = 0; r < kRcodeSlots; ++r) {
      for (std::size_t w = 0; w < kResponderSlots; ++w) {
        if (sum.responses[r][w] == 0) continue;
        AddCounter(responses, With(With(base, "rcode", RcodeLabel(r)), "plugin", std::string(ResponderLabel(w))),
                   static_cast<double>(sum.responses[r][w]));
      }
    }
    for (std::size_t t = 0; t < kTypeSlots; ++t) {
      AddHistogram(duration, With(base, "type", std::string(TypeLabel(t))), sum.duration[t], kTimeBuckets);
    }
  }

  std::vector<MetricFamily> families;
  AppendNonEmpty(families, {&build, &panics, &plugins, &requests, &do_requests, &responses, &duration, &request_size,
                            &response_size});
  return families;
}

}  // namespace dnsd::plugins::prometheus
