// The cache's hot paths: a hit (lookup + copy + patch + respond) per query with 1 and 2 threads
// sharing one cache (the shards keep them from contending), the miss path without the network
// (store + reply), raw inserts with eviction, and the memory an entry costs.
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/cache/factory.hpp"
#include "dnsd/plugins/cache/handler.hpp"
#include "dnsd/wire/message.hpp"

namespace {

using namespace dnsd;
using plugins::cache::CacheFactory;
using plugins::cache::ManualClock;
using plugins::cache::Options;
using Bytes = std::vector<std::uint8_t>;

constexpr int kHotNames = 1000;

void Push16(Bytes& v, std::uint16_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x));
}

// "hostN.Service.Cluster.Local. A IN", RD, optionally with an EDNS OPT (1232, no DO).
Bytes MakeQuery(int n, bool edns) {
  Bytes q;
  for (std::uint16_t v : {0x1234, 0x0100, 1, 0, 0, edns ? 1 : 0}) Push16(q, static_cast<std::uint16_t>(v));
  std::string first = "host" + std::to_string(n);
  for (std::string_view label : {std::string_view(first), std::string_view("Service"),
                                 std::string_view("Cluster"), std::string_view("Local")}) {
    q.push_back(static_cast<std::uint8_t>(label.size()));
    q.insert(q.end(), label.begin(), label.end());
  }
  q.push_back(0);
  Push16(q, 1);
  Push16(q, 1);
  if (edns) {
    q.push_back(0);
    for (std::uint16_t v : {41, 1232, 0, 0, 0}) Push16(q, v);
  }
  return q;
}

// The upstream's answer: two A records (compressed owners) and an OPT when the query had one.
Bytes MakeAnswer(std::span<const std::uint8_t> query) {
  wire::MessageView view;
  wire::ParseMessage(query, view);
  Bytes r(query.begin(), query.begin() + static_cast<std::ptrdiff_t>(view.question_end));
  r[2] = 0x81;
  r[3] = 0x80;
  r[7] = 2;
  r[11] = view.edns ? 1 : 0;
  for (std::uint8_t i = 1; i <= 2; ++i) {
    for (std::uint16_t v : {0xC00C, 1, 1, 0, 300, 4}) Push16(r, v);
    r.insert(r.end(), {10, 0, 0, i});
  }
  if (view.edns) {
    r.push_back(0);
    for (std::uint16_t v : {41, 1232, 0, 0, 0}) Push16(r, v);
  }
  return r;
}

class Client final : public pipeline::Transaction {
 public:
  explicit Client(Bytes query) : bytes_(std::move(query)) {
    query_ = bytes_;
    wire::ParseMessage(query_, view_);
  }
  void Respond(std::span<const std::uint8_t> response) override {
    benchmark::DoNotOptimize(response.data());
    bytes_out_ += response.size();
  }
  std::size_t bytes_out_ = 0;

 private:
  Bytes bytes_;
};

// Answers synchronously, like an upstream with zero latency.
class InstantUpstream final : public pipeline::Handler {
 public:
  void Serve(pipeline::Transaction& tx) override {
    ++served;
    Bytes answer = MakeAnswer(tx.Query());
    tx.Respond(answer);
  }
  std::uint64_t served = 0;  // misses: the cache passed the query on
};

struct Shared {
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
  std::unique_ptr<CacheFactory> factory;
  boost::asio::io_context io;
};

Shared& SharedCache() {
  static Shared shared;
  static std::once_flag once;
  std::call_once(once, [] {
    Options options;
    options.zones = {"."};
    shared.factory = std::make_unique<CacheFactory>(options, shared.clock);
    pipeline::WorkerContext worker{shared.io, 0};
    auto handler = shared.factory->CreateHandler(worker);
    InstantUpstream upstream;
    handler->SetNext(&upstream);
    for (int n = 0; n < kHotNames; ++n) {
      Client client(MakeQuery(n, false));
      handler->Serve(client);
    }
  });
  return shared;
}

void RunHits(benchmark::State& state, bool edns) {
  Shared& shared = SharedCache();
  pipeline::WorkerContext worker{shared.io, static_cast<unsigned>(state.thread_index())};
  auto handler = shared.factory->CreateHandler(worker);
  InstantUpstream upstream;  // never reached: every name is cached
  handler->SetNext(&upstream);
  std::vector<std::unique_ptr<Client>> clients;
  for (int n = 0; n < kHotNames; ++n) clients.push_back(std::make_unique<Client>(MakeQuery(n, edns)));
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 389;
  for (auto _ : state) {
    handler->Serve(*clients[i]);
    if (++i == clients.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  if (upstream.served != 0) state.SkipWithError("a hot name missed");
}

void BM_CacheHit(benchmark::State& state) { RunHits(state, false); }
BENCHMARK(BM_CacheHit)->Threads(1)->Threads(2)->UseRealTime();

void BM_CacheHitWithEdns(benchmark::State& state) { RunHits(state, true); }
BENCHMARK(BM_CacheHitWithEdns)->Threads(1)->Threads(2)->UseRealTime();

// The miss path without the network: key, lookup, pooled transaction, analysis, insert, reply.
void BM_CacheMissAndStore(benchmark::State& state) {
  auto clock = std::make_shared<ManualClock>();
  Options options;
  options.zones = {"."};
  CacheFactory factory(options, clock);
  boost::asio::io_context io;
  pipeline::WorkerContext worker{io, 0};
  auto handler = factory.CreateHandler(worker);
  InstantUpstream upstream;
  handler->SetNext(&upstream);
  std::vector<std::unique_ptr<Client>> clients;
  for (int n = 0; n < 4096; ++n) clients.push_back(std::make_unique<Client>(MakeQuery(n, true)));
  std::vector<Bytes> answers;
  std::size_t i = 0;
  for (auto _ : state) {
    handler->Serve(*clients[i]);
    if (++i == clients.size()) {
      i = 0;
      clock->Advance(std::chrono::hours(2));  // everything expired: misses again
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CacheMissAndStore);

// Raw inserts into a full cache (every insert evicts).
void BM_CacheInsertEvicting(benchmark::State& state) {
  plugins::cache::CacheStore store(plugins::cache::StorePolicy{});
  std::vector<plugins::cache::CacheKey> keys(100000);
  for (std::size_t n = 0; n < keys.size(); ++n) {
    Client client(MakeQuery(static_cast<int>(n), false));
    plugins::cache::MakeKey(client.View(), keys[n]);
  }
  Bytes message = MakeAnswer(MakeQuery(1, false));
  std::uint16_t offsets[2] = {40, 56};
  std::size_t i = 0;
  for (auto _ : state) {
    plugins::cache::InsertRequest request;
    request.key = &keys[i];
    request.message = message;
    request.ttl_offsets = offsets;
    request.ttl = 300;
    request.now = 0;
    store.Insert(request);
    if (++i == keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CacheInsertEvicting);

// Memory per entry with the default capacity full of typical two-A-record answers: entry
// allocations (header, TTL offsets, key, message) plus the index slots, divided by entries.
void BM_CacheMemoryPerEntry(benchmark::State& state) {
  for (auto _ : state) {
    plugins::cache::CacheStore store(plugins::cache::StorePolicy{});
    Bytes message = MakeAnswer(MakeQuery(1, false));
    std::uint16_t offsets[2] = {40, 56};
    for (int n = 0; n < 100000; ++n) {
      Client client(MakeQuery(n, false));
      plugins::cache::CacheKey key;
      plugins::cache::MakeKey(client.View(), key);
      plugins::cache::InsertRequest request;
      request.key = &key;
      request.message = message;
      request.ttl_offsets = offsets;
      request.ttl = 300;
      store.Insert(request);
    }
    const auto counters = store.Counters();
    state.counters["entries"] = static_cast<double>(counters.entries[0]);
    state.counters["message_bytes"] = static_cast<double>(message.size());
    state.counters["bytes_per_entry"] =
        static_cast<double>(counters.bytes) / static_cast<double>(counters.entries[0]);
  }
}
BENCHMARK(BM_CacheMemoryPerEntry)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
