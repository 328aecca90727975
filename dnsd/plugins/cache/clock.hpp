// The cache's notion of now, injected so that tests can move time (STYLE.md #10).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace dnsd::plugins::cache {

// Nanoseconds on a monotonic scale; only differences matter.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t NowNanos() const = 0;
};

class SteadyClock final : public Clock {
 public:
  std::int64_t NowNanos() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that moves only when told to (tests, benchmarks).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start = 1'000'000'000'000) : now_(start) {}
  std::int64_t NowNanos() const override { return now_.load(std::memory_order_relaxed); }
  void Advance(std::chrono::nanoseconds by) { now_.fetch_add(by.count(), std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace dnsd::plugins::cache
