// The process's one logger thread: drains every worker's LogRing and writes the lines to an fd
// (stdout, as CoreDNS) in large writes. Records of a ring with a RecordFilter (errors' consolidate)
// go through it first, on this thread, so workers never run a regex.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dnsd/plugins/log/ring.hpp"

namespace dnsd::plugins::log {

// Runs on the logger thread only. Filter: true when it took the record (appends nothing).
// Tick: appends lines that are due (consolidated counts).
class RecordFilter {
 public:
  virtual ~RecordFilter() = default;
  virtual bool Filter(std::string_view record, std::int64_t now_nanos) = 0;
  virtual void Tick(std::int64_t now_nanos, std::string& out) = 0;
  virtual void Finish(std::string& out) { Tick(INT64_MAX, out); }
};

class LogSink {
 public:
  static constexpr std::size_t kRingBytes = 1 << 20;

  // `fd` receives the lines; the thread starts at construction.
  explicit LogSink(int fd = 1);
  ~LogSink();  // drains everything, flushes filters, joins
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  // The process-wide sink writing to stdout, shared by every log/errors factory alive.
  static std::shared_ptr<LogSink> Stdout();

  // Called when a handler is made (not on the query path). The ring stays drained after the
  // handler is gone: it is released with Retire.
  std::shared_ptr<LogRing> AddRing(std::shared_ptr<RecordFilter> filter = nullptr,
                                   std::size_t bytes = kRingBytes);
  void Retire(const std::shared_ptr<LogRing>& ring);

  // Records dropped because a ring was full, over all rings ever added.
  std::uint64_t Dropped() const;
  // Blocks until everything pushed before the call is written (tests, shutdown).
  void Flush();

 private:
  struct Source {
    std::shared_ptr<LogRing> ring;
    std::shared_ptr<RecordFilter> filter;
    bool retired = false;
    std::uint64_t dropped_reported = 0;
  };
  void Run();
  bool DrainOnce(std::int64_t now);
  void Write();

  int fd_;
  mutable std::mutex mutex_;
  std::condition_variable flushed_;
  std::vector<Source> sources_;
  std::uint64_t dropped_retired_ = 0;
  std::uint64_t generation_ = 0, drained_generation_ = 0;
  std::atomic<bool> stop_{false};
  std::string out_;
  std::vector<char> scratch_;
  std::thread thread_;
};

std::int64_t SteadyNanos();

}  // namespace dnsd::plugins::log
