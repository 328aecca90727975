#include "dnsd/plugins/prometheus/reload_metrics.hpp"

#include <atomic>
#include <mutex>

#include "dnsd/metrics/descriptor.hpp"
#include "dnsd/metrics/process_metrics.hpp"

namespace dnsd::plugins::prometheus {
namespace {

struct ReloadCounters {
  std::atomic<std::uint64_t> failures{0};  // any thread may reload
};
struct VersionInfo {
  double value = 1;
};

const metrics::Metric<ReloadCounters> kReloadMetrics[] = {
    {"coredns_reload_failed_total", "Counter of the number of failed reload attempts.", metrics::Type::kCounter, {},
     metrics::Field<&ReloadCounters::failures>()},
};
// Key: {value}, the SHA-512 in hex.
const metrics::Metric<VersionInfo> kVersionMetrics[] = {
    {"coredns_reload_version_info",
     "A metric with a constant '1' value labeled by hash, and value which type of hash generated.",
     metrics::Type::kGauge, {metrics::FixedLabel("hash", "sha512"), metrics::KeyLabel("value", 0)},
     metrics::Field<&VersionInfo::value>()},
};

class ReloadCollector final : public ::prometheus::Collectable {
 public:
  void CountFailure() { counters_.failures.fetch_add(1, std::memory_order_relaxed); }
  void SetVersion(const std::string& sha512_hex) {
    std::lock_guard lock(mutex_);
    version_ = sha512_hex;
  }

  std::vector<::prometheus::MetricFamily> Collect() const override {
    std::vector<::prometheus::MetricFamily> families;
    metrics::Families<ReloadCounters> failed(kReloadMetrics);
    failed.Add({}, metrics::One{counters_});
    failed.MoveTo(families);
    metrics::Families<VersionInfo> info(kVersionMetrics);
    {
      std::lock_guard lock(mutex_);
      if (!version_.empty()) info.Add({version_}, metrics::One{VersionInfo{}});
    }
    info.MoveTo(families);
    return families;
  }

 private:
  ReloadCounters counters_;
  mutable std::mutex mutex_;
  std::string version_;
};

}  // namespace

// Exported from the first exporter on, whether or not a reload ever happens (failed_total is 0).
void RegisterReloadMetrics() { metrics::ProcessCollector<ReloadCollector>(); }

void CountReloadFailure() { metrics::ProcessCollector<ReloadCollector>().CountFailure(); }

void SetReloadVersion(const std::string& sha512_hex) { metrics::ProcessCollector<ReloadCollector>().SetVersion(sha512_hex); }

}  // namespace dnsd::plugins::prometheus
