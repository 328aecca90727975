// Parsing a large generated YAML rule set (the format of docs/rewrite.md), and compiling it.
#include <benchmark/benchmark.h>

#include <string>

#include "rules/parse.hpp"
#include "rules/rule_set.hpp"

namespace {

std::string GeneratedRuleSet(int rules) {
  std::string text = "version: 1\nrules:\n";
  for (int i = 0; i < rules; ++i) {
    const std::string n = std::to_string(i);
    switch (i % 4) {
      case 0: text += "  - name: {exact: a" + n + ".marathon.mesos, to: a" + n + ".ns-default.svc.cluster.local}\n"; break;
      case 1: text += "  - name: {suffix: .t" + n + ".marathon.mesos, to: .t" + n + ".svc.cluster.local, answer: auto}\n"; break;
      case 2: text += "  - name: {prefix: p" + n + ", to: q" + n + "}\n    mode: continue\n"; break;
      default: text += "  - name: {regex: '(.*)\\.r" + n + "\\.mesos', to: '{1}.r" + n + ".svc.cluster.local', answer: auto}\n"; break;
    }
  }
  return text;
}

void BM_ParseYamlRuleSet(benchmark::State& state) {
  const std::string text = GeneratedRuleSet(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto parsed = dnsd::rules::ParseRuleYaml(text, "bench.yaml");
    benchmark::DoNotOptimize(parsed);
  }
  state.counters["bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_ParseYamlRuleSet)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_ParseAndCompileYamlRuleSet(benchmark::State& state) {
  const std::string text = GeneratedRuleSet(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto parsed = dnsd::rules::ParseRuleYaml(text, "bench.yaml");
    auto compiled = dnsd::rules::RuleSet::Compile(std::move(parsed.rules));
    benchmark::DoNotOptimize(compiled);
  }
}
BENCHMARK(BM_ParseAndCompileYamlRuleSet)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
