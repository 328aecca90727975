#include "dnsd/plugins/hosts/metrics.hpp"

#include "dnsd/plugins/prometheus/families.hpp"
#include "dnsd/plugins/prometheus/process_metrics.hpp"

namespace dnsd::plugins::hosts {

HostsMetrics& HostsMetrics::Get() { return prometheus::ProcessCollector<HostsMetrics>(); }

void HostsMetrics::Loaded(const std::string& path, std::size_t entries, double mtime_seconds) {
  std::lock_guard lock(mutex_);
  entries_[path] = static_cast<double>(entries);
  reload_timestamp_ = mtime_seconds;
}

std::vector<::prometheus::MetricFamily> HostsMetrics::Collect() const {
  using ::prometheus::MetricType;
  auto entries = prometheus::NewFamily("coredns_hosts_entries",
                                       "The combined number of entries in hosts and Corefile.", MetricType::Gauge);
  auto reloaded = prometheus::NewFamily("coredns_hosts_reload_timestamp_seconds",
                                        "The timestamp of the last reload of hosts file.", MetricType::Gauge);
  {
    std::lock_guard lock(mutex_);
    for (const auto& [path, count] : entries_) prometheus::AddGauge(entries, {{"hostsfile", path}}, count);
    if (reload_timestamp_) prometheus::AddGauge(reloaded, {}, *reload_timestamp_);
  }
  std::vector<::prometheus::MetricFamily> families;
  prometheus::AppendNonEmpty(families, {&entries, &reloaded});
  return families;
}

}  // namespace dnsd::plugins::hosts
