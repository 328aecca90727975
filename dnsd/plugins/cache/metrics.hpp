// cache's CoreDNS metrics (coredns_cache_*, CoreDNS 1.11 plugin/cache/metrics.go): each worker
// counts into its own CacheCounters per (server, zones) key; the blocks live process-wide so a
// reload's new handlers continue the counts. coredns_cache_entries is read from the store at scrape.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "dnsd/plugins/cache/store.hpp"
#include "dnsd/metrics/local_counter.hpp"
#include "dnsd/metrics/per_worker.hpp"

namespace dnsd::plugins::cache {

// One worker's counts for one (server, zones). Written by that worker only.
struct alignas(64) CacheCounters {
  metrics::LocalCounter requests, misses, prefetches, drops, served_stale;
  std::array<metrics::LocalCounter, 2> hits, evictions;  // [Kind]: success, denial
};

// The process-wide collector of every cache's series; served by every exporter.
class CacheMetrics final : public ::prometheus::Collectable {
 public:
  using Key = std::vector<std::string>;  // server, zones

  static CacheMetrics& Get();
  metrics::PerWorker<CacheCounters>& Series(const Key& key, std::weak_ptr<const CacheStore> store);
  std::vector<::prometheus::MetricFamily> Collect() const override;

 private:
  metrics::KeyedSeries<CacheCounters> series_;
  mutable std::mutex mutex_;
  std::map<Key, std::weak_ptr<const CacheStore>> stores_;  // the newest store of each key
};

// A handler's way to its counters: by the port a query arrived on (CoreDNS's `server` label).
class CacheMetricsRoute {
 public:
  CacheMetricsRoute(std::string zones_label, std::weak_ptr<const CacheStore> store, unsigned worker)
      : zones_(std::move(zones_label)), store_(std::move(store)), worker_(worker) {}

  CacheCounters& For(std::uint16_t port) {
    for (const auto& [known, counters] : routes_) {
      if (known == port) return *counters;
    }
    return Add(port);
  }

 private:
  CacheCounters& Add(std::uint16_t port);

  std::string zones_;  // CoreDNS: the cache's zones joined with ","
  std::weak_ptr<const CacheStore> store_;
  unsigned worker_;
  std::vector<std::pair<std::uint16_t, CacheCounters*>> routes_;
};

}  // namespace dnsd::plugins::cache
