#include "dnsd/plugins/log/sink.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace dnsd::plugins::log {
namespace {

constexpr std::size_t kWriteThreshold = 64 * 1024;
constexpr auto kIdleSleep = std::chrono::milliseconds(2);

}  // namespace

std::int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

LogSink::LogSink(int fd) : fd_(fd) {
  out_.reserve(2 * kWriteThreshold);
  thread_ = std::thread([this] { Run(); });
}

LogSink::~LogSink() {
  stop_.store(true);
  thread_.join();
  std::lock_guard lock(mutex_);
  DrainOnce(INT64_MAX);
  for (Source& source : sources_) {
    if (source.filter) source.filter->Finish(out_);
  }
  Write();
}

std::shared_ptr<LogSink> LogSink::Stdout() {
  static std::mutex mutex;
  static std::weak_ptr<LogSink> current;
  std::lock_guard lock(mutex);
  auto sink = current.lock();
  if (!sink) {
    sink = std::make_shared<LogSink>(1);
    current = sink;
  }
  return sink;
}

std::shared_ptr<LogRing> LogSink::AddRing(std::shared_ptr<RecordFilter> filter, std::size_t bytes) {
  auto ring = std::make_shared<LogRing>(bytes);
  std::lock_guard lock(mutex_);
  sources_.push_back(Source{ring, std::move(filter)});
  return ring;
}

void LogSink::Retire(const std::shared_ptr<LogRing>& ring) {
  std::lock_guard lock(mutex_);
  for (Source& source : sources_) {
    if (source.ring == ring) source.retired = true;
  }
}

std::uint64_t LogSink::Dropped() const {
  std::lock_guard lock(mutex_);
  std::uint64_t total = dropped_retired_;
  for (const Source& source : sources_) total += source.ring->Dropped();
  return total;
}

void LogSink::Flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t wanted = ++generation_;
  flushed_.wait(lock, [&] { return drained_generation_ >= wanted; });
}

bool LogSink::DrainOnce(std::int64_t now) {
  bool any = false;
  for (Source& source : sources_) {
    RecordFilter* filter = source.filter.get();
    any |= source.ring->Drain(scratch_, [&](std::span<const char> record) {
      if (filter && filter->Filter({record.data(), record.size()}, now)) return;
      out_.append(record.data(), record.size());
      if (out_.size() >= kWriteThreshold) Write();
    }) > 0;
    if (filter) filter->Tick(now, out_);
    const std::uint64_t dropped = source.ring->Dropped();
    if (dropped != source.dropped_reported) {
      out_ += "[WARNING] plugin/log: " + std::to_string(dropped - source.dropped_reported) +
              " lines dropped: logging could not keep up\n";
      source.dropped_reported = dropped;
    }
  }
  // Retired rings are empty now (their handler is gone, so nothing more is pushed).
  for (Source& source : sources_) {
    if (source.retired) {
      dropped_retired_ += source.ring->Dropped();
      if (source.filter) source.filter->Finish(out_);
    }
  }
  std::erase_if(sources_, [](const Source& source) { return source.retired; });
  Write();
  return any;
}

void LogSink::Write() {
  std::size_t done = 0;
  while (done < out_.size()) {
    const ssize_t n = ::write(fd_, out_.data() + done, out_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // stdout gone: the lines are lost, the daemon keeps serving
    done += static_cast<std::size_t>(n);
  }
  out_.clear();
}

void LogSink::Run() {
  while (!stop_.load()) {
    bool any = false;
    {
      std::lock_guard lock(mutex_);
      const std::uint64_t generation = generation_;
      any = DrainOnce(SteadyNanos());
      if (drained_generation_ != generation) {
        drained_generation_ = generation;
        flushed_.notify_all();
      }
    }
    if (!any) std::this_thread::sleep_for(kIdleSleep);
  }
  std::lock_guard lock(mutex_);
  drained_generation_ = generation_;
  flushed_.notify_all();
}

}  // namespace dnsd::plugins::log
