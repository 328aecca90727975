// Shared by the fuzz targets: an invariant check that aborts (libFuzzer reports it as a crash
// and keeps the input), splitting one input into two messages, and the import sandbox.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

// Not `assert`: it must stay on in release builds, and name the failed condition.
#define FUZZ_CHECK(condition)                                                           \
  do {                                                                                  \
    if (!(condition)) {                                                                 \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace dnsd::fuzz {

// Two messages in one input: a 2-octet big-endian length, that many octets, then the rest.
// The first is cut short when the input is. The corpus files are written in this form.
struct TwoMessages {
  std::span<const std::uint8_t> first, second;
};
inline TwoMessages SplitTwo(std::span<const std::uint8_t> data) {
  if (data.size() < 2) return {{}, {}};
  std::size_t length = static_cast<std::size_t>(data[0] << 8 | data[1]);
  data = data.subspan(2);
  if (length > data.size()) length = data.size();
  return {data.first(length), data.subspan(length)};
}

// The directory Corefile `import`s may read while fuzzing: a fresh temporary directory holding
// two small files. Every glob(3) of the process outside it matches nothing (see sandbox.cpp), so
// no input can make the parser read /dev/zero, a FIFO, or walk the file system.
const std::string& SandboxDir();

}  // namespace dnsd::fuzz
