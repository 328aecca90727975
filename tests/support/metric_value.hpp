// Reading the real metrics in tests: a family's value summed over the series whose labels include
// the given ones (a counter's or gauge's value, a histogram's observation count), and the change
// of that since a baseline. Metrics are process-wide and outlive a test's handlers, so a test
// compares with what was there when it started.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <prometheus/metric_family.h>

#include "dnsd/metrics/process_metrics.hpp"

namespace dnsd::testing {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

inline double MetricValue(const std::vector<::prometheus::MetricFamily>& families, std::string_view name,
                          const MetricLabels& want = {}) {
  double sum = 0;
  for (const auto& family : families) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      bool all = true;
      for (const auto& [label, value] : want) {
        bool found = false;
        for (const auto& l : metric.label) found = found || (l.name == label && l.value == value);
        all = all && found;
      }
      if (!all) continue;
      switch (family.type) {
        case ::prometheus::MetricType::Counter: sum += metric.counter.value; break;
        case ::prometheus::MetricType::Gauge: sum += metric.gauge.value; break;
        case ::prometheus::MetricType::Histogram: sum += static_cast<double>(metric.histogram.sample_count); break;
        default: break;
      }
    }
  }
  return sum;
}

// Every process-wide metric (what each exporter serves besides its own DNS series).
inline std::vector<::prometheus::MetricFamily> ProcessFamilies() { return metrics::ProcessMetrics::Shared()->Collect(); }

// Counts since construction: MetricsSince since; ...; EXPECT_EQ(since("coredns_cache_hits_total"), 1);
class MetricsSince {
 public:
  MetricsSince() : start_(ProcessFamilies()) {}
  double operator()(std::string_view name, const MetricLabels& want = {}) const {
    return MetricValue(ProcessFamilies(), name, want) - MetricValue(start_, name, want);
  }

 private:
  std::vector<::prometheus::MetricFamily> start_;
};

}  // namespace dnsd::testing
