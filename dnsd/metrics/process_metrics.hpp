// Metrics of the process rather than of one listener (cache, forward, health, rewrite, reload):
// every exporter serves them, as every CoreDNS listener serves Go's default registry. A plugin adds
// its collector once (a function-local static); it is kept for the process's life.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace dnsd::metrics {

class ProcessMetrics final : public ::prometheus::Collectable {
 public:
  static std::shared_ptr<ProcessMetrics> Shared();

  void Add(std::shared_ptr<const ::prometheus::Collectable> source);
  std::vector<::prometheus::MetricFamily> Collect() const override;

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<const ::prometheus::Collectable>> sources_;
};

// Makes a collector of type T once, adds it to ProcessMetrics, and returns it for the process's life.
template <typename T>
T& ProcessCollector() {
  static const std::shared_ptr<T> instance = [] {
    auto made = std::make_shared<T>();
    ProcessMetrics::Shared()->Add(made);
    return made;
  }();
  return *instance;
}

}  // namespace dnsd::metrics
