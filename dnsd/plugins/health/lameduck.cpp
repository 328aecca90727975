#include "dnsd/plugins/health/lameduck.hpp"

#include <atomic>
#include <cstdint>

namespace dnsd::plugins::health::lameduck {
namespace {

std::atomic<std::int64_t> requested_ns{0};
std::atomic<bool> shutting_down{false};

}  // namespace

void Request(std::chrono::nanoseconds duration) {
  std::int64_t wanted = duration.count();
  std::int64_t current = requested_ns.load();
  while (wanted > current && !requested_ns.compare_exchange_weak(current, wanted)) {
  }
}

std::chrono::nanoseconds Begin() {
  shutting_down.store(true);
  return std::chrono::nanoseconds(requested_ns.load());
}

bool ShuttingDown() { return shutting_down.load(); }

void Reset() {
  requested_ns.store(0);
  shutting_down.store(false);
}

}  // namespace dnsd::plugins::health::lameduck
