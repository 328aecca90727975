// health's CoreDNS metrics (CoreDNS 1.11 plugin/health): once a second the plugin GETs its own
// /health, as CoreDNS's overloaded() loop does, and records coredns_health_request_duration_seconds
// (buckets plugin.SlimTimeBuckets) and, when the request fails, coredns_health_request_failures_total.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace dnsd::plugins::health {

// CoreDNS plugin.SlimTimeBuckets: ExponentialBuckets(0.00025, 10, 5).
inline constexpr std::array<double, 5> kSlimTimeBuckets = {0.00025, 0.0025, 0.025, 0.25, 2.5};

// Records one self-check (process-wide counters, every exporter serves them).
void RecordHealthCheck(double seconds, bool failed);

// The self-check loop of one health listener: a thread of its own, off the DNS workers.
class SelfCheck {
 public:
  // `host`, `port`: where /health listens ("" = this machine).
  SelfCheck(std::string host, unsigned short port, std::chrono::milliseconds interval = std::chrono::seconds(1),
            std::chrono::milliseconds timeout = std::chrono::seconds(3));
  ~SelfCheck();
  SelfCheck(const SelfCheck&) = delete;
  SelfCheck& operator=(const SelfCheck&) = delete;

 private:
  void Run();
  bool Get() const;  // GET /health; false on a connection error or timeout

  std::string host_;
  unsigned short port_;
  std::chrono::milliseconds interval_, timeout_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace dnsd::plugins::health
