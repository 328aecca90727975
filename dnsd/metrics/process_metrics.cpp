#include "dnsd/metrics/process_metrics.hpp"

#include <algorithm>

namespace dnsd::metrics {

std::shared_ptr<ProcessMetrics> ProcessMetrics::Shared() {
  static const auto instance = std::make_shared<ProcessMetrics>();
  return instance;
}

void ProcessMetrics::Add(std::shared_ptr<const ::prometheus::Collectable> source) {
  std::lock_guard lock(mutex_);
  if (std::find(sources_.begin(), sources_.end(), source) == sources_.end()) sources_.push_back(std::move(source));
}

std::vector<::prometheus::MetricFamily> ProcessMetrics::Collect() const {
  std::vector<std::shared_ptr<const ::prometheus::Collectable>> sources;
  {
    std::lock_guard lock(mutex_);
    sources = sources_;
  }
  std::vector<::prometheus::MetricFamily> families;
  for (const auto& source : sources) {
    auto more = source->Collect();
    std::move(more.begin(), more.end(), std::back_inserter(families));
  }
  return families;
}

}  // namespace dnsd::metrics
