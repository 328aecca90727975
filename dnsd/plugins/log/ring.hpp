// A bounded single-producer single-consumer byte ring of log records: a worker appends formatted
// lines without locks or allocation, the logger thread drains them. When full, the record is
// dropped and counted, so a slow stdout never blocks a worker.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace dnsd::plugins::log {

class LogRing {
 public:
  // `capacity` is rounded up to a power of two.
  explicit LogRing(std::size_t capacity) {
    std::size_t size = 1024;
    while (size < capacity) size <<= 1;
    bytes_.resize(size);
    mask_ = size - 1;
  }

  // Producer side. A record is a 2-octet length then the bytes; false (and counted) when full.
  bool TryPush(std::span<const char> record) {
    const std::size_t need = record.size() + 2;
    if (record.size() > 0xFFFF) return Drop();
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    // The consumer's position is re-read only when the last one seen leaves too little room:
    // most pushes touch no cache line the logger thread writes.
    if (need > bytes_.size() - (head - cached_tail_)) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (need > bytes_.size() - (head - cached_tail_)) return Drop();
    }
    const char length[2] = {static_cast<char>(record.size() >> 8), static_cast<char>(record.size())};
    Copy(head, length, 2);
    Copy(head + 2, record.data(), record.size());
    head_.store(head + need, std::memory_order_release);
    return true;
  }

  // Consumer side: calls `sink(std::span<const char>)` for each record available now.
  template <typename Sink>
  std::size_t Drain(std::vector<char>& scratch, Sink&& sink) {
    std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    std::size_t records = 0;
    while (tail < head) {
      char length[2];
      Read(tail, length, 2);
      const std::size_t size = static_cast<std::uint8_t>(length[0]) << 8 | static_cast<std::uint8_t>(length[1]);
      scratch.resize(size);
      Read(tail + 2, scratch.data(), size);
      tail += size + 2;
      sink(std::span<const char>(scratch.data(), size));
      ++records;
    }
    tail_.store(tail, std::memory_order_release);
    return records;
  }

  std::uint64_t Dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::size_t Capacity() const { return bytes_.size(); }

 private:
  bool Drop() {
    dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return false;
  }
  void Copy(std::uint64_t at, const char* data, std::size_t size) {
    const std::size_t offset = at & mask_;
    const std::size_t first = std::min(size, bytes_.size() - offset);
    std::memcpy(bytes_.data() + offset, data, first);
    std::memcpy(bytes_.data(), data + first, size - first);
  }
  void Read(std::uint64_t at, char* out, std::size_t size) const {
    const std::size_t offset = at & mask_;
    const std::size_t first = std::min(size, bytes_.size() - offset);
    std::memcpy(out, bytes_.data() + offset, first);
    std::memcpy(out + first, bytes_.data(), size - first);
  }

  std::vector<char> bytes_;
  std::size_t mask_ = 0;
  alignas(64) std::atomic<std::uint64_t> head_{0};  // written by the producer
  std::uint64_t cached_tail_ = 0;                    // the producer's last view of tail_
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // written by the consumer
  alignas(64) std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace dnsd::plugins::log
