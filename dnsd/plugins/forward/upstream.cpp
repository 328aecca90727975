#include "dnsd/plugins/forward/upstream.hpp"

#include <algorithm>
#include <numeric>

namespace dnsd::plugins::forward {

UpstreamPool::UpstreamPool(const std::vector<boost::asio::ip::udp::endpoint>& endpoints,
                           Policy policy)
    : policy_(policy) {
  upstreams_.reserve(endpoints.size());
  for (const auto& ep : endpoints) upstreams_.push_back(std::make_unique<Upstream>(ep));
}

void UpstreamPool::Order(std::span<std::uint8_t> order, random::RandomSource& random) {
  const std::size_t n = upstreams_.size();
  std::iota(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), std::uint8_t{0});
  switch (policy_) {
    case Policy::kSequential:
      break;
    case Policy::kRoundRobin: {
      std::uint32_t start = round_robin_.fetch_add(1, std::memory_order_relaxed);
      std::rotate(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(start % n),
                  order.begin() + static_cast<std::ptrdiff_t>(n));
      break;
    }
    case Policy::kRandom:
      std::shuffle(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), random);
      break;
  }
}

}  // namespace dnsd::plugins::forward
