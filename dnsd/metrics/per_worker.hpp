// Per-worker blocks of single-writer counters (LocalCounter, LocalHistogram) for plugins' metrics.
// Blocks are created on first use and never freed, so their addresses are stable: a handler keeps a
// pointer and counts without a lock, a scrape never follows a pointer into a destroyed handler, and
// a reload that builds new factories and handlers for the same key finds the same blocks, so
// counters continue instead of restarting (CoreDNS's counters live in a global registry too).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dnsd::metrics {

// One block per worker index. For(i) takes a lock: call it at setup or on a new key, not per query.
template <typename Block>
class PerWorker {
 public:
  Block& For(unsigned worker) {
    std::lock_guard lock(mutex_);
    if (blocks_.size() <= worker) blocks_.resize(worker + 1);
    if (!blocks_[worker]) blocks_[worker] = std::make_unique<Block>();
    return *blocks_[worker];
  }
  template <typename F>
  void ForEach(F&& f) const {
    std::lock_guard lock(mutex_);
    for (const auto& block : blocks_) {
      if (block) f(*block);
    }
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Block>> blocks_;
};

// PerWorker blocks keyed by label values (e.g. {server, zones}), in key order for scrapes.
template <typename Block>
class KeyedSeries {
 public:
  using Key = std::vector<std::string>;

  PerWorker<Block>& Find(const Key& key) {
    std::lock_guard lock(mutex_);
    auto& slot = series_[key];
    if (!slot) slot = std::make_unique<PerWorker<Block>>();
    return *slot;
  }
  // f(const Key&, const PerWorker<Block>&), under the lock (a scrape; new keys wait).
  template <typename F>
  void ForEach(F&& f) const {
    std::lock_guard lock(mutex_);
    for (const auto& [key, series] : series_) f(key, *series);
  }

 private:
  mutable std::mutex mutex_;
  std::map<Key, std::unique_ptr<PerWorker<Block>>> series_;
};

}  // namespace dnsd::metrics
