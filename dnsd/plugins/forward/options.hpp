// forward's configuration as data: what setup.cpp parses from the Corefile and the factory runs on.
#pragma once

#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace dnsd::plugins::forward {

using Duration = std::chrono::nanoseconds;

enum class Policy : std::uint8_t { kRandom, kRoundRobin, kSequential };

inline constexpr std::size_t kMaxUpstreams = 15;  // CoreDNS's limit

// A set of rcodes (bit N: rcode N); the named rcodes all lie below 32.
using RcodeSet = std::uint32_t;
inline bool Contains(RcodeSet set, unsigned rcode) { return rcode < 32 && (set >> rcode & 1u); }

// DNS over TLS (`tls://` upstreams): CoreDNS's `tls [CERT KEY] [CA]` and `tls_servername`.
struct TlsOptions {
  std::string cert, key;     // client certificate and key (PEM); empty: none
  std::string ca;            // CA bundle (PEM) that signs the upstream; empty: the system store
  std::string server_name;   // SNI and the name verified; empty: the upstream's IP address
  std::shared_ptr<boost::asio::ssl::context> context;  // built from the above by setup
};

struct Options {
  std::string from = ".";           // zone, normalised ("example.org.")
  std::vector<std::string> except;  // normalised names not forwarded
  std::vector<boost::asio::ip::udp::endpoint> upstreams;
  std::vector<bool> tls_upstreams;  // by index in `upstreams` (missing: plain DNS): a `tls://` one
  TlsOptions tls;
  bool force_tcp = false;
  bool prefer_udp = false;
  Duration expire = std::chrono::seconds(10);  // UDP socket / idle TCP connection lifetime
  std::uint32_t max_fails = 2;                 // 0: never mark an upstream down
  Duration health_check = std::chrono::milliseconds(500);  // 0: no health checks
  bool health_recursion_desired = true;                    // cleared by `no_rec`
  std::string health_domain = ".";
  Policy policy = Policy::kRandom;
  std::uint32_t max_concurrent = 0;  // 0: unlimited (but see max_in_flight_per_worker)
  RcodeSet next_rcodes = 0;      // `next`: such answers go to the following forward instead
  RcodeSet failover_rcodes = 0;  // `failover`: such answers make the next upstream be tried

  // Not settable from the Corefile (CoreDNS's fixed values); tests shorten them.
  Duration attempt_timeout = std::chrono::seconds(2);  // one upstream try
  Duration overall_timeout = std::chrono::seconds(5);  // the whole query
  Duration health_timeout = std::chrono::seconds(1);   // one probe
  std::size_t udp_sockets_per_upstream = 8;
  // Without max_concurrent, a query that would put more than this many in flight on one worker
  // makes the oldest one give up (SERVFAIL): a flood towards a slow or dead upstream, whose queries
  // each wait up to 5 s, must not grow memory (~2 KB a query) with the query rate. 10000 carry
  // 10000 / RTT queries a second per worker, e.g. 1 M/s at a 10 ms upstream.
  std::size_t max_in_flight_per_worker = 10000;

  bool IsTls(std::size_t upstream) const {
    return upstream < tls_upstreams.size() && tls_upstreams[upstream];
  }
};

}  // namespace dnsd::plugins::forward
