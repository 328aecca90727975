// Building prometheus-cpp MetricFamily values at scrape time, for descriptor.hpp and for the few
// families that are not sums of per-worker blocks.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "dnsd/metrics/local_counter.hpp"

namespace dnsd::metrics {

using Labels = std::vector<::prometheus::ClientMetric::Label>;

::prometheus::MetricFamily NewFamily(std::string name, std::string help, ::prometheus::MetricType type);
void AddCounter(::prometheus::MetricFamily& family, Labels labels, double value);
void AddGauge(::prometheus::MetricFamily& family, Labels labels, double value);
Labels With(Labels labels, std::string name, std::string value);

// A histogram series from summed buckets; skipped while it has no observation.
void AddHistogram(::prometheus::MetricFamily& family, Labels labels, const HistogramSum& h,
                  std::span<const double> bounds);

// Moves the families that have at least one series to `out`.
void AppendNonEmpty(std::vector<::prometheus::MetricFamily>& out,
                    std::initializer_list<::prometheus::MetricFamily*> families);

}  // namespace dnsd::metrics
