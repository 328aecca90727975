// Building prometheus-cpp MetricFamily values by hand at scrape time: every collector here sums its
// own single-writer counters and emits the families with these helpers.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "dnsd/plugins/prometheus/local_counter.hpp"

namespace dnsd::plugins::prometheus {

using Labels = std::vector<::prometheus::ClientMetric::Label>;

::prometheus::MetricFamily NewFamily(std::string name, std::string help, ::prometheus::MetricType type);
void AddCounter(::prometheus::MetricFamily& family, Labels labels, double value);
void AddGauge(::prometheus::MetricFamily& family, Labels labels, double value);
Labels With(Labels labels, std::string name, std::string value);

// A histogram series from summed buckets; skipped while it has no observation.
template <std::size_t N>
void AddHistogram(::prometheus::MetricFamily& family, Labels labels, const HistogramSum& h,
                  const std::array<double, N>& bounds) {
  if (h.count == 0) return;
  ::prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.histogram.sample_count = h.count;
  metric.histogram.sample_sum = h.sum;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= N; ++i) {
    cumulative += h.buckets[i];
    const double bound = i < N ? bounds[i] : std::numeric_limits<double>::infinity();
    metric.histogram.bucket.push_back({cumulative, bound});
  }
  family.metric.push_back(std::move(metric));
}

// Moves the families that have at least one series to `out`.
void AppendNonEmpty(std::vector<::prometheus::MetricFamily>& out,
                    std::initializer_list<::prometheus::MetricFamily*> families);

}  // namespace dnsd::plugins::prometheus
