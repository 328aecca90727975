// CoreDNS's hosts metrics: coredns_hosts_entries{hostsfile} (file and inline entries together) and
// coredns_hosts_reload_timestamp_seconds (the modification time of the file last read). Set when
// a file is read, process-wide as CoreDNS's gauges are; absent until a file was read.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace dnsd::plugins::hosts {

class HostsMetrics final : public ::prometheus::Collectable {
 public:
  struct File {
    double entries = 0;
  };
  struct Reload {
    double timestamp = 0;
  };

  static HostsMetrics& Get();
  void Loaded(const std::string& path, std::size_t entries, double mtime_seconds);
  std::vector<::prometheus::MetricFamily> Collect() const override;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, File> files_;  // by path
  std::optional<Reload> reload_;
};

}  // namespace dnsd::plugins::hosts
