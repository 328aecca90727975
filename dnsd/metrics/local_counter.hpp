// Single-writer counters for the hot path: each worker thread owns its blocks and adds with a plain
// load+store (no lock prefix, no cache-line ping-pong); the scraper reads them with relaxed loads and
// sums the workers. This is the API other plugins (cache, forward) use for their own metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace dnsd::metrics {

// A monotonic count written by exactly one thread.
class LocalCounter {
 public:
  void Add(std::uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::uint64_t Read() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A histogram written by exactly one thread: per-bucket (non-cumulative) counts, the last bucket is
// +Inf. `kBounds` are the upper bounds, ascending, as Prometheus `le`.
template <std::size_t kBounds>
class LocalHistogram {
 public:
  static constexpr std::size_t kBuckets = kBounds + 1;

  void Observe(std::span<const double, kBounds> bounds, double value) {
    std::size_t i = 0;
    while (i < kBounds && value > bounds[i]) ++i;
    buckets_[i].Add();
    sum_.store(sum_.load(std::memory_order_relaxed) + value, std::memory_order_relaxed);
  }
  std::uint64_t Bucket(std::size_t i) const { return buckets_[i].Read(); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t Count() const {
    std::uint64_t total = 0;
    for (const LocalCounter& b : buckets_) total += b.Read();
    return total;
  }

 private:
  std::array<LocalCounter, kBuckets> buckets_{};
  std::atomic<double> sum_{0.0};
};

// Sums of one histogram over workers, ready for prometheus-cpp (cumulative buckets, +Inf last).
struct HistogramSum {
  std::uint64_t count = 0;
  double sum = 0.0;
  std::vector<std::uint64_t> buckets;  // non-cumulative, bounds.size() + 1 entries

  template <std::size_t kBounds>
  void Add(const LocalHistogram<kBounds>& h) {
    if (buckets.empty()) buckets.assign(kBounds + 1, 0);
    for (std::size_t i = 0; i <= kBounds; ++i) {
      const std::uint64_t n = h.Bucket(i);
      buckets[i] += n;
      count += n;
    }
    sum += h.Sum();
  }
};

}  // namespace dnsd::metrics
