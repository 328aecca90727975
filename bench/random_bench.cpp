// What an unpredictable upstream query ID costs: SecureRandom (getrandom(2), buffered) against the
// std::mt19937_64 forward used before, per buffer size, and against a system call per ID. Drawn
// through RandomSource& as forward's worker draws them. "per query" adds the socket choice
// (Below(8)), the other draw a forwarded query makes.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <random>

#include "dnsd/random/secure_random.hpp"

namespace {

using dnsd::random::RandomSource;
using dnsd::random::SecureRandom;

// The source is reached through a pointer the optimiser cannot see through, as in the worker.
RandomSource& Opaque(RandomSource& source) {
  RandomSource* p = &source;
  benchmark::DoNotOptimize(p);
  return *p;
}

void BM_QueryId_SecureRandom(benchmark::State& state) {
  SecureRandom secure(static_cast<std::size_t>(state.range(0)));
  RandomSource& source = Opaque(secure);
  for (auto _ : state) benchmark::DoNotOptimize(source.Next16());
}
BENCHMARK(BM_QueryId_SecureRandom)
    ->Arg(256)
    ->Arg(1024)
    ->Arg(SecureRandom::kDefaultBufferSize)
    ->Arg(16384);

void BM_QueryId_Mt19937_64(benchmark::State& state) {
  std::mt19937_64 rng{std::random_device{}()};
  for (auto _ : state) benchmark::DoNotOptimize(static_cast<std::uint16_t>(rng() >> 48));
}
BENCHMARK(BM_QueryId_Mt19937_64);

void BM_QueryId_GetrandomPerId(benchmark::State& state) {
  std::array<std::uint8_t, 2> id;
  for (auto _ : state) {
    dnsd::random::FillFromOs(id);
    benchmark::DoNotOptimize(id);
  }
}
BENCHMARK(BM_QueryId_GetrandomPerId);

void BM_PerQuery_SecureRandom(benchmark::State& state) {
  SecureRandom secure;
  RandomSource& source = Opaque(secure);
  for (auto _ : state) {
    benchmark::DoNotOptimize(source.Next16());
    benchmark::DoNotOptimize(source.Below(8));
  }
}
BENCHMARK(BM_PerQuery_SecureRandom);

void BM_PerQuery_Mt19937_64(benchmark::State& state) {
  std::mt19937_64 rng{std::random_device{}()};
  for (auto _ : state) {
    benchmark::DoNotOptimize(static_cast<std::uint16_t>(rng() >> 48));
    benchmark::DoNotOptimize(rng() % 8);
  }
}
BENCHMARK(BM_PerQuery_Mt19937_64);

}  // namespace

BENCHMARK_MAIN();
