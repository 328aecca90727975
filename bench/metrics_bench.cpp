// Cost of counting one query for the prometheus plugin, and why the counters are per worker:
//   BM_ObservePerWorker  - each thread writes its own SeriesBlock (plain add on relaxed atomics)
//   BM_ObserveShared     - the same counters shared by all threads with fetch_add (what a single
//                          prometheus-cpp Counter/Histogram per label set would do)
//   BM_HandlerServe      - the whole per-worker handler: pooled wrapper, two clock reads, Observe
//   BM_NoMetrics         - the same query answered without the plugin, for the difference
//   BM_RewriteRuleCount  - dnsd_rewrite_rule_hits_total: a rewritten query adds to its rule's and its
//                          set's counters in the worker's own RuleTable (arrays by rule index)
// Run with 1 and 2 threads; the per-worker cost stays flat, the shared one does not.
#include <benchmark/benchmark.h>

#include <array>
#include <atomic>

#include <boost/asio/io_context.hpp>

#include "dnsd/plugins/prometheus/factory.hpp"
#include "dnsd/plugins/rewrite/metrics.hpp"
#include "dnsd/wire/name.hpp"

namespace {

using namespace dnsd::plugins::prometheus;
namespace metrics = dnsd::metrics;
using dnsd::pipeline::Transaction;

Observation Sample(std::uint64_t i) {
  Observation o;
  o.type_slot = (i & 3) == 0 ? TypeSlot(28) : TypeSlot(1);
  o.rcode = (i & 7) == 0 ? 3 : 0;
  o.request_size = 40;
  o.response_size = 60 + (i & 255);
  o.seconds = 0.0002 + static_cast<double>(i & 1023) * 1e-6;
  return o;
}

DnsCollector& SharedCollector() {
  static DnsCollector collector;
  return collector;
}

void BM_ObservePerWorker(benchmark::State& state) {
  SeriesBlock& block = SharedCollector().Worker(static_cast<unsigned>(state.thread_index())).Find("dns://:53", ".");
  std::uint64_t i = 0;
  for (auto _ : state) {
    block.Observe(Sample(i++));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ObservePerWorker)->Threads(1)->Threads(2)->UseRealTime();

// The same updates on counters every thread shares, with atomic read-modify-writes.
struct SharedHistogram {
  template <std::size_t N>
  void Observe(const std::array<double, N>& bounds, double value) {
    std::size_t i = 0;
    while (i < N && value > bounds[i]) ++i;
    buckets[i].fetch_add(1, std::memory_order_relaxed);
    double sum_now = sum.load(std::memory_order_relaxed);
    while (!sum.compare_exchange_weak(sum_now, sum_now + value, std::memory_order_relaxed)) {
    }
  }
  std::array<std::atomic<std::uint64_t>, 17> buckets{};
  std::atomic<double> sum{0};
};
struct SharedSeries {
  std::array<std::atomic<std::uint64_t>, kTypeSlots> requests{};
  std::array<std::atomic<std::uint64_t>, metrics::kRcodeSlots> responses{};
  std::array<SharedHistogram, kTypeSlots> duration{};
  SharedHistogram request_size, response_size;
  void Observe(const Observation& o) {
    requests[o.type_slot].fetch_add(1, std::memory_order_relaxed);
    responses[o.rcode].fetch_add(1, std::memory_order_relaxed);
    duration[o.type_slot].Observe(metrics::kTimeBuckets, o.seconds);
    request_size.Observe(metrics::kSizeBuckets, static_cast<double>(o.request_size));
    response_size.Observe(metrics::kSizeBuckets, static_cast<double>(o.response_size));
  }
};

void BM_ObserveShared(benchmark::State& state) {
  static SharedSeries shared;
  std::uint64_t i = 0;
  for (auto _ : state) {
    shared.Observe(Sample(i++));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ObserveShared)->Threads(1)->Threads(2)->UseRealTime();

class BenchClient : public Transaction {
 public:
  BenchClient() {
    bytes_ = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    dnsd::wire::Name name;
    dnsd::wire::Name::FromString("www.example.org.", name);
    auto w = name.Wire();
    bytes_.insert(bytes_.end(), w.begin(), w.end());
    bytes_.insert(bytes_.end(), {0, 1, 0, 1});
    query_ = bytes_;
    dnsd::wire::ParseMessage(query_, view_);
    client_address_ = boost::asio::ip::make_address("127.0.0.1");
    server_port_ = 53;
    reply_ = bytes_;
    reply_[2] |= 0x80;
  }
  void Respond(std::span<const std::uint8_t> response) override { benchmark::DoNotOptimize(response.data()); }
  std::span<const std::uint8_t> reply() const { return reply_; }

 private:
  std::vector<std::uint8_t> bytes_, reply_;
};

class EchoHandler : public dnsd::pipeline::Handler {
 public:
  explicit EchoHandler(const BenchClient& client) : client_(client) {}
  void Serve(Transaction& tx) override { tx.Respond(client_.reply()); }

 private:
  const BenchClient& client_;
};

void BM_HandlerServe(benchmark::State& state) {
  static auto collector = std::make_shared<DnsCollector>();
  static MetricsFactory factory(nullptr, {"."}, collector);
  boost::asio::io_context io;
  dnsd::pipeline::WorkerContext worker{io, static_cast<unsigned>(state.thread_index())};
  auto handler = factory.CreateHandler(worker);
  BenchClient client;
  EchoHandler echo(client);
  handler->SetNext(&echo);
  for (auto _ : state) handler->Serve(client);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HandlerServe)->Threads(1)->Threads(2)->UseRealTime();

void BM_NoMetrics(benchmark::State& state) {
  BenchClient client;
  EchoHandler echo(client);
  for (auto _ : state) echo.Serve(client);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NoMetrics)->Threads(1)->Threads(2)->UseRealTime();

void BM_RewriteRuleCount(benchmark::State& state) {
  constexpr std::uint32_t kRules = 1000;
  auto labels = std::make_shared<dnsd::plugins::rewrite::RuleLabels>();
  labels->sets = {"a.yaml", "b.yaml", "c.yaml", "d.yaml"};
  for (std::uint32_t r = 0; r < kRules; ++r) {
    labels->rule.push_back("a.yaml:" + std::to_string(r + 1) + ":3");
    labels->set_of_rule.push_back(r % 4);
  }
  dnsd::plugins::rewrite::RuleTable table(labels, "dns://:53", ".");
  auto outcome = std::make_unique<dnsd::rules::Outcome>();
  outcome->applied_count = 1;
  std::uint32_t i = 0;
  for (auto _ : state) {
    outcome->applied[0] = (i++ * 7919u) % kRules;
    table.Count(*outcome);
  }
  benchmark::DoNotOptimize(table.rule_hits[0].Read());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RewriteRuleCount)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
