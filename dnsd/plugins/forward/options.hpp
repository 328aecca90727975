// forward's configuration as data: what setup.cpp parses from the Corefile and the factory runs on.
#pragma once

#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dnsd::plugins::forward {

using Duration = std::chrono::nanoseconds;

enum class Policy : std::uint8_t { kRandom, kRoundRobin, kSequential };

inline constexpr std::size_t kMaxUpstreams = 15;  // CoreDNS's limit

struct Options {
  std::string from = ".";           // zone, normalised ("example.org.")
  std::vector<std::string> except;  // normalised names not forwarded
  std::vector<boost::asio::ip::udp::endpoint> upstreams;
  bool force_tcp = false;
  bool prefer_udp = false;
  Duration expire = std::chrono::seconds(10);  // UDP socket / idle TCP connection lifetime
  std::uint32_t max_fails = 2;                 // 0: never mark an upstream down
  Duration health_check = std::chrono::milliseconds(500);  // 0: no health checks
  bool health_recursion_desired = true;                    // cleared by `no_rec`
  std::string health_domain = ".";
  Policy policy = Policy::kRandom;
  std::uint32_t max_concurrent = 0;  // 0: unlimited

  // Not settable from the Corefile (CoreDNS's fixed values); tests shorten them.
  Duration attempt_timeout = std::chrono::seconds(2);  // one upstream try
  Duration overall_timeout = std::chrono::seconds(5);  // the whole query
  Duration health_timeout = std::chrono::seconds(1);   // one probe
  std::size_t udp_sockets_per_upstream = 8;
};

}  // namespace dnsd::plugins::forward
