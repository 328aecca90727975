// log and errors on the worker side: what one query costs with `log` (format the line, push it to
// the worker's ring) and with `errors`, against the same chain without them. The logger thread
// writes to /dev/null; lines it could not take are counted as drops, never waited for.
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/errors/handler.hpp"
#include "dnsd/plugins/log/classify.hpp"
#include "dnsd/plugins/log/format.hpp"
#include "dnsd/plugins/log/handler.hpp"
#include "dnsd/wire/message.hpp"

namespace {

using namespace dnsd;
using Bytes = std::vector<std::uint8_t>;

void Push16(Bytes& v, std::uint16_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x));
}

// "svc1.ns1-default.svc.cluster.local. A IN", RD; the answer adds one A record (compressed owner).
Bytes MakeQuery() {
  Bytes q;
  for (std::uint16_t v : {0x1234, 0x0100, 1, 0, 0, 0}) Push16(q, v);
  for (std::string_view label : {"svc1", "ns1-default", "svc", "cluster", "local"}) {
    q.push_back(static_cast<std::uint8_t>(label.size()));
    q.insert(q.end(), label.begin(), label.end());
  }
  q.push_back(0);
  Push16(q, 1);
  Push16(q, 1);
  return q;
}

Bytes MakeAnswer(const Bytes& query, std::uint8_t rcode) {
  Bytes a = query;
  a[2] = 0x85;  // QR AA RD
  a[3] = rcode;
  if (rcode != 0) return a;
  a[7] = 1;  // ANCOUNT
  for (std::uint16_t v : {0xC00C, 1, 1, 0, 30, 4}) Push16(a, v);
  for (std::uint8_t b : {10, 1, 0, 1}) a.push_back(b);
  return a;
}

class Client final : public pipeline::Transaction {
 public:
  explicit Client(const Bytes& query) {
    query_ = query;
    wire::ParseMessage(query_, view_);
    client_address_ = boost::asio::ip::make_address("10.0.0.7");
    client_port_ = 40212;
    server_address_ = boost::asio::ip::make_address("10.0.0.1");
    server_port_ = 53;
  }
  void Respond(std::span<const std::uint8_t> response) override { benchmark::DoNotOptimize(response.data()); }
};

class ChainEnd final : public pipeline::Handler {
 public:
  explicit ChainEnd(Bytes answer) : answer_(std::move(answer)) {}
  void Serve(pipeline::Transaction& tx) override { tx.Respond(answer_); }

 private:
  Bytes answer_;
};

std::shared_ptr<plugins::log::LogSink> DevNullSink() {
  return std::make_shared<plugins::log::LogSink>(::open("/dev/null", O_WRONLY));
}

void Run(benchmark::State& state, pipeline::Handler* first, const std::shared_ptr<plugins::log::LogSink>& sink) {
  const Bytes query = MakeQuery();
  Client client(query);
  const std::uint64_t dropped_before = sink ? sink->Dropped() : 0;
  for (auto _ : state) first->Serve(client);
  state.SetItemsProcessed(state.iterations());
  if (sink) {
    state.counters["dropped"] = static_cast<double>(sink->Dropped() - dropped_before);
  }
}

void BM_ChainWithoutLog(benchmark::State& state) {
  ChainEnd end(MakeAnswer(MakeQuery(), 0));
  Run(state, &end, nullptr);
}
BENCHMARK(BM_ChainWithoutLog);

// Arg 0: default format; 1: a filter that rejects the answer (class denial: classify only).
void BM_LogDefaultFormat(benchmark::State& state) {
  auto sink = DevNullSink();
  const std::uint8_t classes = state.range(0) == 0 ? plugins::log::kAllClasses
                                                   : static_cast<std::uint8_t>(plugins::log::ResponseClass::kDenial);
  plugins::log::LogFactory factory({{".", std::string(plugins::log::kDefaultLogFormat), classes}}, sink);
  boost::asio::io_context io;
  pipeline::WorkerContext worker{io, 0};
  auto handler = factory.CreateHandler(worker);
  ChainEnd end(MakeAnswer(MakeQuery(), 0));
  handler->SetNext(&end);
  Run(state, handler.get(), sink);
}
BENCHMARK(BM_LogDefaultFormat)->Arg(0)->Arg(1);

// Arg 0: NOERROR (nothing logged); 1: SERVFAIL (one error line per query).
void BM_Errors(benchmark::State& state) {
  auto sink = DevNullSink();
  plugins::errors::ErrorsFactory factory({}, sink);
  boost::asio::io_context io;
  pipeline::WorkerContext worker{io, 0};
  auto handler = factory.CreateHandler(worker);
  ChainEnd end(MakeAnswer(MakeQuery(), state.range(0) == 0 ? 0 : 2));
  handler->SetNext(&end);
  Run(state, handler.get(), sink);
}
BENCHMARK(BM_Errors)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
