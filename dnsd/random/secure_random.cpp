#include "dnsd/random/secure_random.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace dnsd::random {

void FillFromOs(std::span<std::uint8_t> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    // Flags 0: blocks only until the kernel's pool is first seeded (early boot), never after.
    const ssize_t got = getrandom(out.data() + filled, out.size() - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "dnsd: getrandom failed (%s); refusing to run without a secure random source\n",
                   std::strerror(errno));
      std::abort();
    }
    filled += static_cast<std::size_t>(got);
  }
}

SecureRandom::SecureRandom(std::size_t buffer_size)
    : buffer_(std::make_unique<std::uint8_t[]>(std::max<std::size_t>(buffer_size, 8))),
      size_(std::max<std::size_t>(buffer_size, 8)),
      next_(size_) {}

void SecureRandom::Reserve(std::size_t n) {
  if (size_ - next_ >= n) return;
  // The unused tail is dropped rather than kept: simpler, and costs at most 7 bytes a refill.
  FillFromOs({buffer_.get(), size_});
  next_ = 0;
}

void SecureRandom::Fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;  // its data() may be null, which memcpy must not get (UBSan)
  // Large requests bypass the buffer instead of draining it.
  if (out.size() > size_) return FillFromOs(out);
  Reserve(out.size());
  std::memcpy(out.data(), buffer_.get() + next_, out.size());
  next_ += out.size();
}

std::uint16_t SecureRandom::Next16() {
  Reserve(2);
  const std::uint8_t* p = buffer_.get() + next_;
  next_ += 2;
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

std::uint64_t SecureRandom::Next64() {
  Reserve(8);
  std::uint64_t value;
  std::memcpy(&value, buffer_.get() + next_, sizeof value);
  next_ += 8;
  return value;
}

}  // namespace dnsd::random
