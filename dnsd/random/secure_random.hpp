// The production RandomSource: bytes from Linux's getrandom(2) (the kernel's ChaCha20 CSPRNG),
// fetched a buffer at a time so a query ID costs a copy, not a system call. No locks: one
// instance per thread. A process that forks must not use a copy made before the fork (both would
// hand out the same bytes); dnsd does not fork.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "dnsd/random/random_source.hpp"

namespace dnsd::random {

// Fills `out` from getrandom(2) directly, retrying on EINTR and partial reads. When the kernel
// refuses (no getrandom, a seccomp filter) it aborts with a message: a predictable fallback
// would silently reopen RFC 5452's spoofing attack.
void FillFromOs(std::span<std::uint8_t> out);

class SecureRandom final : public RandomSource {
 public:
  // 4 KiB: 2048 query IDs per system call, so the call is noise in the cost of an ID
  // (bench/random_bench.cpp), for a page of memory per worker.
  static constexpr std::size_t kDefaultBufferSize = 4096;

  explicit SecureRandom(std::size_t buffer_size = kDefaultBufferSize);

  void Fill(std::span<std::uint8_t> out) override;
  std::uint16_t Next16() override;
  std::uint64_t Next64() override;

 private:
  // Makes at least `n` unused bytes available (n <= size_); refills the whole buffer when short.
  void Reserve(std::size_t n);

  std::unique_ptr<std::uint8_t[]> buffer_;
  std::size_t size_;
  std::size_t next_;  // first unused byte; size_ when used up
};

}  // namespace dnsd::random
