// Rewrite rules: match+rewrite per query for 10, 1,000 and 100,000 rules of mixed kinds (mostly
// exact and suffix, as DC/OS -> Kubernetes sets are; some prefix; a few substring and regex at the
// end), queries mixing hits and misses; compile time of 100,000 rules; index memory per exact rule.
// The per-query cost must not grow with the number of rules.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "rules/ast.hpp"
#include "rules/dcos_preset.hpp"
#include "rules/question.hpp"
#include "rules/rule_set.hpp"

namespace {

using dnsd::rules::MatchKind;
using dnsd::rules::Mode;
using dnsd::rules::NameMatch;
using dnsd::rules::NameRule;
using dnsd::rules::Outcome;
using dnsd::rules::Question;
using dnsd::rules::Rule;
using dnsd::rules::RuleSet;

Rule Make(std::uint32_t index, MatchKind kind, std::string from, std::string to) {
  Rule rule;
  rule.index = index;
  rule.mode = Mode::kStop;
  rule.body = NameRule{NameMatch{kind, std::move(from)}, std::move(to), {}};
  return rule;
}

std::string Svc(std::size_t i) { return "svc" + std::to_string(i); }
std::string Ns(std::size_t i) { return "ns" + std::to_string(i); }

// n rules: 70% exact, 25% suffix, ~5% prefix, then 3 substring and 3 regex rules (at least one of each).
std::vector<Rule> MixedRules(std::size_t n, bool exact_only = false) {
  std::vector<Rule> rules;
  std::size_t named = exact_only ? n : (n > 12 ? n - 6 : n - 2);
  std::size_t exact = exact_only ? n : named * 70 / 100, suffix = exact_only ? 0 : named * 25 / 100;
  for (std::size_t i = 0; i < named; ++i) {
    auto index = static_cast<std::uint32_t>(rules.size());
    if (i < exact) {
      rules.push_back(Make(index, MatchKind::kExact, Svc(i) + "." + Ns(i % 97) + ".marathon.mesos.",
                           Svc(i) + "." + Ns(i % 97) + "-default.svc.cluster.local."));
    } else if (i < exact + suffix) {
      rules.push_back(Make(index, MatchKind::kSuffix, "." + Ns(i) + ".marathon.mesos.",
                           "." + Ns(i) + "-default.svc.cluster.local."));
    } else {
      rules.push_back(Make(index, MatchKind::kPrefix, "legacy" + std::to_string(i) + ".", Svc(i) + "."));
    }
  }
  std::size_t tail = exact_only ? 0 : (n > 12 ? 3 : 1);
  for (std::size_t i = 0; i < tail; ++i) {
    rules.push_back(Make(static_cast<std::uint32_t>(rules.size()), MatchKind::kSubstring,
                         ".legacy" + std::to_string(i) + "-zone.", ".svc."));
  }
  for (std::size_t i = 0; i < tail; ++i) {
    rules.push_back(Make(static_cast<std::uint32_t>(rules.size()), MatchKind::kRegex,
                         R"((.*)\.(.*)\.dcos)" + std::to_string(i) + R"(\.mesos)",
                         "{1}.{2}-default.svc.cluster.local"));
  }
  return rules;
}

// Half hits (exact, suffix, prefix, substring, regex names), half misses.
std::vector<Question> Queries(std::size_t n) {
  std::mt19937 rng(42);
  std::size_t named = n > 12 ? n - 6 : n - 2;
  std::size_t exact = named * 70 / 100, suffix = named * 25 / 100;
  auto pick = [&](std::size_t lo, std::size_t hi) {
    return hi <= lo ? lo : std::uniform_int_distribution<std::size_t>(lo, hi - 1)(rng);
  };
  std::vector<Question> queries(1024);
  for (std::size_t q = 0; q < queries.size(); ++q) {
    std::string name;
    switch (q % 10) {
      case 0: case 1: { std::size_t i = pick(0, exact); name = Svc(i) + "." + Ns(i % 97) + ".marathon.mesos."; break; }
      case 2: name = "web.shop." + Ns(pick(exact, exact + suffix)) + ".marathon.mesos."; break;
      case 3: name = "legacy" + std::to_string(pick(exact + suffix, named)) + ".ns1.svc.cluster.local."; break;
      case 4: name = (q % 20 == 4) ? "x.legacy0-zone.cluster.local." : "foo.bar.dcos0.mesos."; break;
      case 5: name = "svc" + std::to_string(q) + ".ns3-default.svc.cluster.local."; break;
      case 6: name = "www.example.com."; break;
      case 7: name = "unknown" + std::to_string(q) + ".marathon.mesos."; break;
      case 8: name = Svc(q) + ".nsx.marathon.mesos."; break;
      default: name = "a.b.c.d.e.example.org."; break;
    }
    queries[q].name.Assign(name);
    queries[q].qtype = 1;
    queries[q].qclass = 1;
  }
  return queries;
}

void BM_Evaluate(benchmark::State& state) {
  auto n = static_cast<std::size_t>(state.range(0));
  auto compiled = RuleSet::Compile(MixedRules(n));
  if (!compiled.ok()) {
    state.SkipWithError(compiled.error.message.c_str());
    return;
  }
  std::vector<Question> queries = Queries(n);
  Outcome out;
  std::size_t i = 0, rewritten = 0;
  for (auto _ : state) {
    compiled.rule_set->Evaluate(queries[i++ & 1023], out);
    rewritten += out.status == Outcome::Status::kRewritten;
    benchmark::DoNotOptimize(out);
  }
  state.counters["hit_ratio"] = static_cast<double>(rewritten) / static_cast<double>(i);
  state.counters["bytes_per_rule"] =
      static_cast<double>(compiled.rule_set->MemoryBytes()) / static_cast<double>(n);
}
BENCHMARK(BM_Evaluate)->Arg(10)->Arg(1000)->Arg(100000);

// Many regex rules (generated sets): the literal prefilter is one Aho-Corasick pass over the name,
// so misses cost the same whatever the number of regexes.
void BM_EvaluateRegexOnly(benchmark::State& state) {
  auto n = static_cast<std::size_t>(state.range(0));
  std::vector<Rule> rules;
  for (std::size_t i = 0; i < n; ++i) {
    rules.push_back(Make(static_cast<std::uint32_t>(i), MatchKind::kRegex,
                         R"((.*)\.)" + Ns(i) + R"(\.dcos\.mesos)", "{1}." + Ns(i) + "-default.svc.cluster.local"));
  }
  auto compiled = RuleSet::Compile(std::move(rules));
  if (!compiled.ok()) {
    state.SkipWithError(compiled.error.message.c_str());
    return;
  }
  std::vector<Question> queries(1024);
  for (std::size_t q = 0; q < queries.size(); ++q) {
    std::string name = q % 4 == 0 ? "web." + Ns(q * 7919 % n) + ".dcos.mesos." : "svc" + std::to_string(q) + ".nsx.example.org.";
    queries[q].name.Assign(name);
    queries[q].qtype = 1;
    queries[q].qclass = 1;
  }
  Outcome out;
  std::size_t i = 0;
  for (auto _ : state) {
    compiled.rule_set->Evaluate(queries[i++ & 1023], out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_EvaluateRegexOnly)->Arg(10)->Arg(1000);

void BM_Compile(benchmark::State& state) {
  auto n = static_cast<std::size_t>(state.range(0));
  std::vector<Rule> rules = MixedRules(n);
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<Rule> copy = rules;
    state.ResumeTiming();
    auto compiled = RuleSet::Compile(std::move(copy));
    benchmark::DoNotOptimize(compiled);
    state.PauseTiming();
    compiled = {};  // destruction is not compile time
    state.ResumeTiming();
  }
}
BENCHMARK(BM_Compile)->Arg(100000)->Unit(benchmark::kMillisecond);

// MemoryBytes per rule of an all-exact set: the AST kept for explain plus the trie.
void BM_MemoryPerExactRule(benchmark::State& state) {
  auto n = static_cast<std::size_t>(state.range(0));
  auto compiled = RuleSet::Compile(MixedRules(n, true));
  for (auto _ : state) benchmark::DoNotOptimize(compiled.rule_set->MemoryBytes());
  state.counters["bytes_per_exact_rule"] =
      static_cast<double>(compiled.rule_set->MemoryBytes()) / static_cast<double>(n);
}
BENCHMARK(BM_MemoryPerExactRule)->Arg(100000)->Iterations(1);

}  // namespace

// The DC/OS preset with its defaults (rewrite dnsd_dcos): names of every family (Arg 0), or
// Kubernetes names the preset leaves alone (Arg 1, what a cluster forwarder mostly sees).
void BM_EvaluatePreset(benchmark::State& state) {
  dnsd::rules::DcosExpansion expansion = dnsd::rules::ExpandDcos(dnsd::rules::DcosOptions{}, 1);
  if (expansion.error) {
    state.SkipWithError(expansion.error->message.c_str());
    return;
  }
  const std::size_t rule_count = expansion.rules.size();
  RuleSet::Compiled compiled = RuleSet::Compile(std::move(expansion.rules));
  if (!compiled.ok()) {
    state.SkipWithError(compiled.error.message.c_str());
    return;
  }
  const std::vector<std::string> legacy = {
      "foo.bar.marathon.mesos.", "api.pay.prod.marathon.mesos.", "web.marathon.mesos.",
      "_foo._tcp.bar.marathon.mesos.", "_http._api._tcp.marathon.mesos.", "task.marathon.slave.mesos.",
      "leader.mesos.", "broker.kafka.mesos.", "app.marathon.autoip.dcos.thisdcos.directory.",
      "kafka-0-broker.kafka.autoip.dcos.thisdcos.directory.", "app.grp.containerip.dcos.thisdcos.directory.",
      "payapi.marathon.l4lb.thisdcos.directory.", "foo.bar.marathon.mesos.pay.svc.cluster.local.",
      "mesos."};
  const std::vector<std::string> k8s = {
      "foo.bar-default.svc.cluster.local.", "kubernetes.default.svc.cluster.local.", "debian.org.",
      "_http._tcp.api.pay-prod-default.svc.cluster.local.", "www.example.com.", "10.0.96.10.in-addr.arpa."};
  const std::vector<std::string>& names = state.range(0) == 0 ? legacy : k8s;
  std::vector<Question> queries(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    queries[i].name.Assign(names[i]);
    queries[i].qtype = 1;
    queries[i].qclass = 1;
  }
  Outcome out;
  std::size_t i = 0, matched = 0;
  for (auto _ : state) {
    compiled.rule_set->Evaluate(queries[i++ % queries.size()], out);
    matched += out.status != Outcome::Status::kNoMatch;
    benchmark::DoNotOptimize(out);
  }
  state.counters["rules"] = static_cast<double>(rule_count);
  state.counters["match_ratio"] = static_cast<double>(matched) / static_cast<double>(i);
}
BENCHMARK(BM_EvaluatePreset)->Arg(0)->Arg(1);

BENCHMARK_MAIN();
