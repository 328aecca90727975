#include "dnsd/metrics/families.hpp"

#include <limits>

namespace dnsd::metrics {

using ::prometheus::ClientMetric;
using ::prometheus::MetricFamily;

MetricFamily NewFamily(std::string name, std::string help, ::prometheus::MetricType type) {
  MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

void AddCounter(MetricFamily& family, Labels labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.counter.value = value;
  family.metric.push_back(std::move(metric));
}

void AddGauge(MetricFamily& family, Labels labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

void AddHistogram(MetricFamily& family, Labels labels, const HistogramSum& h, std::span<const double> bounds) {
  if (h.count == 0) return;
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.histogram.sample_count = h.count;
  metric.histogram.sample_sum = h.sum;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += h.buckets[i];
    const double bound = i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity();
    metric.histogram.bucket.push_back({cumulative, bound});
  }
  family.metric.push_back(std::move(metric));
}

Labels With(Labels labels, std::string name, std::string value) {
  labels.push_back({std::move(name), std::move(value)});
  return labels;
}

void AppendNonEmpty(std::vector<MetricFamily>& out, std::initializer_list<MetricFamily*> families) {
  for (MetricFamily* f : families) {
    if (!f->metric.empty()) out.push_back(std::move(*f));
  }
}

}  // namespace dnsd::metrics
