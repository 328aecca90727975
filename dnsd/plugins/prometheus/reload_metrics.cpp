#include "dnsd/plugins/prometheus/reload_metrics.hpp"

#include <atomic>
#include <mutex>

#include "dnsd/metrics/families.hpp"
#include "dnsd/metrics/process_metrics.hpp"

namespace dnsd::plugins::prometheus {

using metrics::AddCounter;
using metrics::AddGauge;
using metrics::AppendNonEmpty;
using metrics::NewFamily;
using metrics::ProcessCollector;
namespace {

class ReloadCollector final : public ::prometheus::Collectable {
 public:
  void CountFailure() { failures_.fetch_add(1, std::memory_order_relaxed); }
  void SetVersion(const std::string& sha512_hex) {
    std::lock_guard lock(mutex_);
    version_ = sha512_hex;
  }

  std::vector<::prometheus::MetricFamily> Collect() const override {
    auto failed = NewFamily("coredns_reload_failed_total", "Counter of the number of failed reload attempts.",
                            ::prometheus::MetricType::Counter);
    AddCounter(failed, {}, static_cast<double>(failures_.load(std::memory_order_relaxed)));
    auto info = NewFamily("coredns_reload_version_info",
                          "A metric with a constant '1' value labeled by hash, and value which type of hash generated.",
                          ::prometheus::MetricType::Gauge);
    {
      std::lock_guard lock(mutex_);
      if (!version_.empty()) AddGauge(info, {{"hash", "sha512"}, {"value", version_}}, 1);
    }
    std::vector<::prometheus::MetricFamily> families;
    AppendNonEmpty(families, {&failed, &info});
    return families;
  }

 private:
  std::atomic<std::uint64_t> failures_{0};
  mutable std::mutex mutex_;
  std::string version_;
};

}  // namespace

// Exported from the first exporter on, whether or not a reload ever happens (failed_total is 0).
void RegisterReloadMetrics() { ProcessCollector<ReloadCollector>(); }

void CountReloadFailure() { ProcessCollector<ReloadCollector>().CountFailure(); }

void SetReloadVersion(const std::string& sha512_hex) { ProcessCollector<ReloadCollector>().SetVersion(sha512_hex); }

}  // namespace dnsd::plugins::prometheus
