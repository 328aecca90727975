#include "dnsd/plugins/hosts/metrics.hpp"

#include "dnsd/metrics/descriptor.hpp"
#include "dnsd/metrics/process_metrics.hpp"

namespace dnsd::plugins::hosts {
namespace {

const metrics::Metric<HostsMetrics::File> kFileMetrics[] = {
    {"coredns_hosts_entries", "The combined number of entries in hosts and Corefile.", metrics::Type::kGauge,
     {metrics::KeyLabel("hostsfile", 0)}, metrics::Field<&HostsMetrics::File::entries>()},
};
const metrics::Metric<HostsMetrics::Reload> kReloadMetrics[] = {
    {"coredns_hosts_reload_timestamp_seconds", "The timestamp of the last reload of hosts file.", metrics::Type::kGauge,
     {}, metrics::Field<&HostsMetrics::Reload::timestamp>()},
};

}  // namespace

HostsMetrics& HostsMetrics::Get() { return metrics::ProcessCollector<HostsMetrics>(); }

void HostsMetrics::Loaded(const std::string& path, std::size_t entries, double mtime_seconds) {
  std::lock_guard lock(mutex_);
  files_[path].entries = static_cast<double>(entries);
  reload_ = Reload{mtime_seconds};
}

std::vector<::prometheus::MetricFamily> HostsMetrics::Collect() const {
  std::vector<::prometheus::MetricFamily> families;
  metrics::Families<File> files(kFileMetrics);
  metrics::Families<Reload> reload(kReloadMetrics);
  {
    std::lock_guard lock(mutex_);
    for (const auto& [path, file] : files_) files.Add({path}, metrics::One{file});
    if (reload_) reload.Add({}, metrics::One{*reload_});
  }
  files.MoveTo(families);
  reload.MoveTo(families);
  return families;
}

}  // namespace dnsd::plugins::hosts
