// forward's CoreDNS metrics (CoreDNS 1.11 plugin/pkg/proxy/metrics.go with proxy_name "forward",
// and plugin/forward/metrics.go): per-worker single-writer blocks per upstream (`to`), kept
// process-wide so a reload continues them; health-check failures (rare, on the probing thread)
// are shared atomics. metrics.cpp declares each family once, in tables over these blocks.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/udp.hpp>
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "dnsd/metrics/labels.hpp"
#include "dnsd/metrics/local_counter.hpp"
#include "dnsd/metrics/per_worker.hpp"

namespace dnsd::plugins::forward {

// CoreDNS's `proto` label of the connection cache metrics, by slot.
enum ProtoSlot : std::size_t { kProtoUdp, kProtoTcp, kProtoTls, kProtoSlots };

// One worker's counts for one upstream. Written by that worker only.
struct alignas(64) UpstreamCounters {
  using TimeHistogram = metrics::LocalHistogram<metrics::kTimeBuckets.size()>;
  std::array<TimeHistogram, metrics::kRcodeSlots> duration{};  // [rcode of the reply]
  std::array<metrics::LocalCounter, kProtoSlots> conn_cache_hits{}, conn_cache_misses{};
  metrics::LocalCounter replies_dropped;  // matched no query in flight (RFC 5452): forged or late
};

// One upstream's failed health checks: counted by the probing thread, not a worker.
struct HealthcheckCounters {
  std::atomic<std::uint64_t> failures{0};
};

// One worker's counts without labels.
struct alignas(64) ForwardCounters {
  metrics::LocalCounter healthcheck_broken;      // every upstream Down: a random one was tried
  metrics::LocalCounter max_concurrent_rejects;  // REFUSED over max_concurrent
  metrics::LocalCounter in_flight_evictions;     // the oldest query gave way at the worker's cap
};

class ForwardMetrics final : public ::prometheus::Collectable {
 public:
  static ForwardMetrics& Get();

  UpstreamCounters& Upstream(const std::string& to, unsigned worker) { return upstreams_.Find({to}).For(worker); }
  ForwardCounters& Worker(unsigned worker) { return forward_.For(worker); }
  std::atomic<std::uint64_t>& HealthcheckFailures(const std::string& to) {
    return healthchecks_.Find({to}).For(0).failures;
  }

  std::vector<::prometheus::MetricFamily> Collect() const override;

 private:
  metrics::KeyedSeries<UpstreamCounters> upstreams_;
  metrics::KeyedSeries<HealthcheckCounters> healthchecks_;  // one block per upstream
  metrics::PerWorker<ForwardCounters> forward_;
};

// CoreDNS's `to` label: the upstream as HOST:PORT ("127.0.0.1:53", "[::1]:53").
std::string UpstreamLabel(const boost::asio::ip::udp::endpoint& endpoint);

}  // namespace dnsd::plugins::forward
