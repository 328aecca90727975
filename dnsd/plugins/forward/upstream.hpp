// The upstream resolvers shared by all workers: address, failure count (atomic) and how queries
// are spread over them (policy).
#pragma once

#include <atomic>
#include <boost/asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "dnsd/plugins/forward/options.hpp"
#include "dnsd/random/random_source.hpp"

namespace dnsd::plugins::forward {

struct Upstream {
  explicit Upstream(boost::asio::ip::udp::endpoint ep) : endpoint(ep) {}
  boost::asio::ip::udp::endpoint endpoint;
  bool tls = false;  // DNS over TLS (a `tls://` upstream); set before any worker starts
  std::atomic<std::uint32_t> fails{0};
  std::atomic<bool> probing{false};  // a health-check loop runs for it
  std::atomic<bool> answered{false};  // it answered a query or a probe at least once (readiness)
  std::atomic<std::uint64_t>* healthcheck_failures = nullptr;  // coredns_proxy_healthcheck_failures_total

  // CoreDNS Proxy.Down: more than max_fails consecutive failures; max_fails 0 means never down.
  bool Down(std::uint32_t max_fails) const {
    return max_fails != 0 && fails.load(std::memory_order_relaxed) > max_fails;
  }
};

// The upstream list in a fixed order, created once by the factory.
class UpstreamPool {
 public:
  UpstreamPool(const std::vector<boost::asio::ip::udp::endpoint>& endpoints, Policy policy);

  std::size_t size() const { return upstreams_.size(); }
  Upstream& operator[](std::size_t i) { return *upstreams_[i]; }
  const Upstream& operator[](std::size_t i) const { return *upstreams_[i]; }

  // Writes the order in which to try the upstreams (indexes, all of them) into `order`,
  // which must hold size() entries. `random` is the caller's (per-worker) source.
  void Order(std::span<std::uint8_t> order, random::RandomSource& random);

 private:
  std::vector<std::unique_ptr<Upstream>> upstreams_;
  Policy policy_;
  std::atomic<std::uint32_t> round_robin_{0};
};

}  // namespace dnsd::plugins::forward
