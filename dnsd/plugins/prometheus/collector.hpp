// The scrape side of the DNS metrics: a prometheus-cpp Collectable that sums every worker's
// SeriesBlocks into CoreDNS's metric families, plus coredns_build_info, coredns_panics_total and
// coredns_plugin_enabled. Counting never takes its lock; only new series and scrapes do.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include <prometheus/collectable.h>

#include "dnsd/plugins/prometheus/series.hpp"

namespace dnsd::plugins::prometheus {

struct BuildInfo {
  std::string version, revision, goversion;  // goversion: the C++ compiler, dnsd has no Go
};
BuildInfo DnsdBuildInfo();

class DnsCollector : public ::prometheus::Collectable {
 public:
  explicit DnsCollector(BuildInfo build = DnsdBuildInfo()) : build_(std::move(build)) {}

  // The series of worker `index` (created on first use, kept for the process's life so counters
  // stay monotonic across reloads that rebuild the handlers).
  WorkerSeries& Worker(unsigned index);
  // coredns_plugin_enabled{server,zone,view,name} 1.
  void EnablePlugin(const std::string& server, const std::string& zone, const std::string& name);

  std::vector<::prometheus::MetricFamily> Collect() const override;

 private:
  BuildInfo build_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<WorkerSeries>> workers_;
  std::vector<std::tuple<std::string, std::string, std::string>> enabled_;
};

}  // namespace dnsd::plugins::prometheus
