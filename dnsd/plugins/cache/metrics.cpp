#include "dnsd/plugins/cache/metrics.hpp"

#include "dnsd/metrics/descriptor.hpp"
#include "dnsd/metrics/labels.hpp"
#include "dnsd/metrics/process_metrics.hpp"

namespace dnsd::plugins::cache {
namespace {

using metrics::Field;
using metrics::FixedLabel;
using metrics::KeyLabel;
using metrics::SlotLabel;
using metrics::Type;

std::string KindLabel(std::size_t kind) { return kind == 0 ? "success" : "denial"; }

// Series key: {server, zones}. CoreDNS's label order, `type` between them where there is one.
const std::vector<metrics::Label> kPlain = {KeyLabel("server", 0), KeyLabel("zones", 1), FixedLabel("view", "")};
const std::vector<metrics::Label> kTyped = {KeyLabel("server", 0), SlotLabel("type", KindLabel), KeyLabel("zones", 1),
                                            FixedLabel("view", "")};

const metrics::Metric<StoreCounters> kStoreMetrics[] = {
    {"coredns_cache_entries", "The number of elements in the cache.", Type::kGauge, kTyped,
     Field<&StoreCounters::entries>()},
};

const metrics::Metric<CacheCounters> kCounterMetrics[] = {
    {"coredns_cache_requests_total", "The count of cache requests.", Type::kCounter, kPlain,
     Field<&CacheCounters::requests>()},
    {"coredns_cache_hits_total", "The count of cache hits.", Type::kCounter, kTyped, Field<&CacheCounters::hits>()},
    {"coredns_cache_misses_total", "The count of cache misses. Deprecated, derive misses from cache hits/requests counters.",
     Type::kCounter, kPlain, Field<&CacheCounters::misses>()},
    {"coredns_cache_prefetch_total", "The number of times the cache has prefetched a cached item.", Type::kCounter,
     kPlain, Field<&CacheCounters::prefetches>()},
    {"coredns_cache_drops_total", "The number responses that are not cached, because the reply is malformed.",
     Type::kCounter, kPlain, Field<&CacheCounters::drops>()},
    {"coredns_cache_served_stale_total", "The number of requests served from stale cache entries.", Type::kCounter,
     kPlain, Field<&CacheCounters::served_stale>()},
    {"coredns_cache_evictions_total", "The count of cache evictions.", Type::kCounter, kTyped,
     Field<&CacheCounters::evictions>()},
};

}  // namespace

CacheMetrics& CacheMetrics::Get() { return metrics::ProcessCollector<CacheMetrics>(); }

metrics::PerWorker<CacheCounters>& CacheMetrics::Series(const Key& key, std::weak_ptr<const CacheStore> store) {
  {
    std::lock_guard lock(mutex_);
    stores_[key] = std::move(store);
  }
  return series_.Find(key);
}

std::vector<::prometheus::MetricFamily> CacheMetrics::Collect() const {
  std::vector<::prometheus::MetricFamily> families;
  metrics::Families<StoreCounters> entries(kStoreMetrics);
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, weak] : stores_) {
      if (const auto store = weak.lock()) entries.Add(key, metrics::One{store->Counters()});
    }
  }
  entries.MoveTo(families);
  metrics::Collect<CacheCounters>(kCounterMetrics, series_, families);
  return families;
}

CacheCounters& CacheMetricsRoute::Add(std::uint16_t port) {
  CacheCounters& counters = CacheMetrics::Get().Series({metrics::ServerLabel(port), zones_}, store_).For(worker_);
  routes_.emplace_back(port, &counters);
  return counters;
}

}  // namespace dnsd::plugins::cache
