#include "dnsd/plugins/health/metrics.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "dnsd/metrics/descriptor.hpp"
#include "dnsd/metrics/local_counter.hpp"
#include "dnsd/metrics/process_metrics.hpp"

namespace dnsd::plugins::health {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// One self-check loop's counts; written under HealthMetrics's lock (several health listeners may
// record at once, and LocalHistogram has a single writer).
struct HealthCounters {
  metrics::LocalHistogram<kSlimTimeBuckets.size()> duration;
  metrics::LocalCounter failures;
};

const metrics::Metric<HealthCounters> kHealthMetrics[] = {
    {"coredns_health_request_duration_seconds", "Histogram of the time (in seconds) each request took.",
     metrics::Type::kHistogram, {}, metrics::Histogram<&HealthCounters::duration>(kSlimTimeBuckets)},
    {"coredns_health_request_failures_total", "The number of times the health check failed.", metrics::Type::kCounter,
     {}, metrics::Field<&HealthCounters::failures>()},
};

class HealthMetrics final : public ::prometheus::Collectable {
 public:
  void Record(double seconds, bool failed) {
    std::lock_guard lock(mutex_);
    counters_.duration.Observe(kSlimTimeBuckets, seconds);
    if (failed) counters_.failures.Add();
  }

  std::vector<::prometheus::MetricFamily> Collect() const override {
    std::vector<::prometheus::MetricFamily> families;
    metrics::Families<HealthCounters> table(kHealthMetrics);
    table.Add({}, metrics::One{counters_});
    table.MoveTo(families);
    return families;
  }

 private:
  std::mutex mutex_;
  HealthCounters counters_;
};

}  // namespace

void RecordHealthCheck(double seconds, bool failed) {
  metrics::ProcessCollector<HealthMetrics>().Record(seconds, failed);
}

SelfCheck::SelfCheck(std::string host, unsigned short port, std::chrono::milliseconds interval,
                     std::chrono::milliseconds timeout)
    : host_(host.empty() || host == "localhost" ? "127.0.0.1" : std::move(host)),
      port_(port), interval_(interval), timeout_(timeout) {
  if (host_.size() > 2 && host_.front() == '[' && host_.back() == ']') host_ = host_.substr(1, host_.size() - 2);
  metrics::ProcessCollector<HealthMetrics>();  // exported from the start, failures at 0
  thread_ = std::thread([this] { Run(); });
}

SelfCheck::~SelfCheck() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SelfCheck::Run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopped_; })) {
    lock.unlock();
    const auto start = std::chrono::steady_clock::now();
    const bool ok = Get();
    RecordHealthCheck(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), !ok);
    lock.lock();
  }
}

bool SelfCheck::Get() const {
  asio::io_context io;
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
  if (ec) return false;
  tcp::socket socket(io);
  socket.open(endpoints.begin()->endpoint().protocol(), ec);
  if (ec) return false;
  // Blocking calls bounded by the socket timeouts (connect honours SO_SNDTIMEO on Linux).
  timeval tv{static_cast<time_t>(timeout_.count() / 1000), static_cast<suseconds_t>(timeout_.count() % 1000 * 1000)};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  socket.connect(endpoints.begin()->endpoint(), ec);
  if (ec) return false;
  const std::string request = "GET /health HTTP/1.1\r\nHost: " + host_ + "\r\nConnection: close\r\n\r\n";
  asio::write(socket, asio::buffer(request), ec);
  if (ec) return false;
  // Any HTTP response counts (CoreDNS: only a transport error is a failure, 503 is not).
  char status[12];
  asio::read(socket, asio::buffer(status), ec);
  return !ec && std::string_view(status, 5) == "HTTP/";
}

}  // namespace dnsd::plugins::health
