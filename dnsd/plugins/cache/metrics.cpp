#include "dnsd/plugins/cache/metrics.hpp"

#include "dnsd/metrics/families.hpp"
#include "dnsd/metrics/process_metrics.hpp"
#include "dnsd/metrics/labels.hpp"

namespace dnsd::plugins::cache {
namespace {

using ::prometheus::MetricType;
using metrics::AddCounter;
using metrics::Labels;
using metrics::NewFamily;

constexpr const char* kKindLabel[2] = {"success", "denial"};

struct Sums {
  std::uint64_t requests = 0, misses = 0, prefetches = 0, drops = 0, served_stale = 0;
  std::array<std::uint64_t, 2> hits{}, evictions{};

  void Add(const CacheCounters& c) {
    requests += c.requests.Read();
    misses += c.misses.Read();
    prefetches += c.prefetches.Read();
    drops += c.drops.Read();
    served_stale += c.served_stale.Read();
    for (int k = 0; k < 2; ++k) {
      hits[k] += c.hits[k].Read();
      evictions[k] += c.evictions[k].Read();
    }
  }
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
  auto entries = NewFamily("coredns_cache_entries", "The number of elements in the cache.", MetricType::Gauge);
  auto requests = NewFamily("coredns_cache_requests_total", "The count of cache requests.", MetricType::Counter);
  auto hits = NewFamily("coredns_cache_hits_total", "The count of cache hits.", MetricType::Counter);
  auto misses = NewFamily("coredns_cache_misses_total",
                          "The count of cache misses. Deprecated, derive misses from cache hits/requests counters.",
                          MetricType::Counter);
  auto prefetch = NewFamily("coredns_cache_prefetch_total",
                            "The number of times the cache has prefetched a cached item.", MetricType::Counter);
  auto drops = NewFamily("coredns_cache_drops_total",
                         "The number responses that are not cached, because the reply is malformed.",
                         MetricType::Counter);
  auto stale = NewFamily("coredns_cache_served_stale_total",
                         "The number of requests served from stale cache entries.", MetricType::Counter);
  auto evictions = NewFamily("coredns_cache_evictions_total", "The count of cache evictions.", MetricType::Counter);

  series_.ForEach([&](const Key& key, const metrics::PerWorker<CacheCounters>& workers) {
    Sums sum;
    workers.ForEach([&](const CacheCounters& c) { sum.Add(c); });
    const Labels base = {{"server", key[0]}, {"zones", key[1]}, {"view", ""}};
    auto typed = [&](int kind) {
      return Labels{{"server", key[0]}, {"type", kKindLabel[kind]}, {"zones", key[1]}, {"view", ""}};
    };
    AddCounter(requests, base, static_cast<double>(sum.requests));
    AddCounter(misses, base, static_cast<double>(sum.misses));
    AddCounter(prefetch, base, static_cast<double>(sum.prefetches));
    AddCounter(drops, base, static_cast<double>(sum.drops));
    AddCounter(stale, base, static_cast<double>(sum.served_stale));
    for (int kind = 0; kind < 2; ++kind) {
      AddCounter(hits, typed(kind), static_cast<double>(sum.hits[kind]));
      AddCounter(evictions, typed(kind), static_cast<double>(sum.evictions[kind]));
    }
    std::shared_ptr<const CacheStore> store;
    {
      std::lock_guard lock(mutex_);
      auto found = stores_.find(key);
      if (found != stores_.end()) store = found->second.lock();
    }
    if (store) {
      const StoreCounters counters = store->Counters();
      for (int kind = 0; kind < 2; ++kind) {
        metrics::AddGauge(entries, typed(kind), static_cast<double>(counters.entries[kind]));
      }
    }
  });
  std::vector<::prometheus::MetricFamily> families;
  metrics::AppendNonEmpty(families, {&entries, &requests, &hits, &misses, &prefetch, &drops, &stale, &evictions});
  return families;
}

CacheCounters& CacheMetricsRoute::Add(std::uint16_t port) {
  CacheCounters& counters =
      CacheMetrics::Get().Series({metrics::ServerLabel(port), zones_}, store_).For(worker_);
  routes_.emplace_back(port, &counters);
  return counters;
}

}  // namespace dnsd::plugins::cache
