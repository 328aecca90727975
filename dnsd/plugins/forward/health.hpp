// Health checks as CoreDNS does them: an upstream error starts a probe loop for that upstream
// (`. IN NS`, RD unless no_rec, or another domain); a reply of any kind resets its failure count
// and ends the loop, no reply adds a failure and the loop probes again after the interval.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/plugins/forward/options.hpp"
#include "dnsd/plugins/forward/upstream.hpp"

namespace dnsd::plugins::forward {

struct ProbeSettings {
  bool tcp = false;
  bool tls = false;  // DNS over TLS (CoreDNS probes a tls:// upstream with tcp-tls)
  std::shared_ptr<boost::asio::ssl::context> tls_context;  // for `tls`
  std::string tls_server_name;
  bool recursion_desired = true;
  std::string domain = ".";
  Duration timeout = std::chrono::seconds(1);
};

// The probe query: `domain IN NS` with the given ID, RD per settings. Empty if domain is invalid.
std::vector<std::uint8_t> BuildProbeQuery(const ProbeSettings& settings, std::uint16_t id);

// One probe on `io`: sends the query to `upstream` and calls `done(true)` on any reply with the
// same ID and QR set, `done(false)` on error or timeout. `done` runs exactly once, on `io`.
void RunProbe(boost::asio::io_context& io, const boost::asio::ip::udp::endpoint& upstream,
              const ProbeSettings& settings, std::uint16_t id, std::function<void(bool)> done);

class HealthChecker {
 public:
  HealthChecker(std::shared_ptr<UpstreamPool> pool, Duration interval, ProbeSettings settings);
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  // Probes run on `io` from now on. Before Start() (and with interval 0) Kick does nothing.
  void Start(boost::asio::io_context& io);
  // Thread-safe: starts the probe loop for upstream `index` unless one is running.
  void Kick(std::size_t index);
  // Cancels every loop (posting the cancellation to the io_context given to Start, which must
  // still exist); safe to call more than once and from any thread.
  void Stop();
  bool Enabled() const { return interval_.count() > 0; }

 private:
  struct State;
  std::shared_ptr<State> state_;
  Duration interval_;
};

}  // namespace dnsd::plugins::forward
