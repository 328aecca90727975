#include "dnsd/plugins/hosts/metrics.hpp"

#include "dnsd/metrics/families.hpp"
#include "dnsd/metrics/process_metrics.hpp"

namespace dnsd::plugins::hosts {

HostsMetrics& HostsMetrics::Get() { return metrics::ProcessCollector<HostsMetrics>(); }

void HostsMetrics::Loaded(const std::string& path, std::size_t entries, double mtime_seconds) {
  std::lock_guard lock(mutex_);
  entries_[path] = static_cast<double>(entries);
  reload_timestamp_ = mtime_seconds;
}

std::vector<::prometheus::MetricFamily> HostsMetrics::Collect() const {
  using ::prometheus::MetricType;
  auto entries = metrics::NewFamily("coredns_hosts_entries",
                                       "The combined number of entries in hosts and Corefile.", MetricType::Gauge);
  auto reloaded = metrics::NewFamily("coredns_hosts_reload_timestamp_seconds",
                                        "The timestamp of the last reload of hosts file.", MetricType::Gauge);
  {
    std::lock_guard lock(mutex_);
    for (const auto& [path, count] : entries_) metrics::AddGauge(entries, {{"hostsfile", path}}, count);
    if (reload_timestamp_) metrics::AddGauge(reloaded, {}, *reload_timestamp_);
  }
  std::vector<::prometheus::MetricFamily> families;
  metrics::AppendNonEmpty(families, {&entries, &reloaded});
  return families;
}

}  // namespace dnsd::plugins::hosts
