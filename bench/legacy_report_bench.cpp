// The legacy-name report's cost per query (LegacyReport::Record, as the LegacyObserver calls it
// for every query under a legacy zone) and its fixed size. docs/migration.md#reading-the-report.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "dnsd/plugins/rewrite/legacy_report.hpp"

namespace {

using dnsd::plugins::rewrite::ClientSubnet;
using dnsd::plugins::rewrite::LegacyReport;

std::vector<std::uint8_t> WireOf(const std::string& text) {
  dnsd::wire::Name name;
  dnsd::wire::Name::FromString(text, name);
  return {name.Wire().begin(), name.Wire().end()};
}

const ClientSubnet kClient = [] {
  const std::array<std::uint8_t, 4> address{10, 0, 3, 4};
  return ClientSubnet::OfV4(address);
}();

// One hot name asked again and again (a tracked entry: hash, sketch, lookup, heap step).
void BM_RecordHotName(benchmark::State& state) {
  auto report = std::make_unique<LegacyReport>();
  const auto name = WireOf("api.pay.prod.marathon.mesos.");
  for (auto _ : state) report->Record(name, kClient, 1, 1);
  state.counters["bytes"] = static_cast<double>(LegacyReport::MemoryBytes());
}
BENCHMARK(BM_RecordHotName);

// 1,000,000 distinct names in turn: the table stays full, each query is an admission decision.
void BM_RecordMillionDistinct(benchmark::State& state) {
  auto report = std::make_unique<LegacyReport>();
  constexpr std::size_t kNames = 1'000'000;
  std::vector<std::vector<std::uint8_t>> names;
  names.reserve(kNames);
  for (std::size_t i = 0; i < kNames; ++i) names.push_back(WireOf("t" + std::to_string(i) + ".grp.marathon.mesos."));
  std::size_t at = 0;
  for (auto _ : state) {
    report->Record(names[at], kClient, 1, 1);
    at = at + 1 == kNames ? 0 : at + 1;
  }
  state.counters["bytes"] = static_cast<double>(LegacyReport::MemoryBytes());
  state.counters["tracked"] = static_cast<double>(report->tracked());
}
BENCHMARK(BM_RecordMillionDistinct);

}  // namespace

BENCHMARK_MAIN();
