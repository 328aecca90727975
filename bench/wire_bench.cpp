// Hot-path wire operations, and ldns_wire2pkt on the same query for comparison (the reason the
// parser is hand-written: ldns allocates every rr and rdf).
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <vector>

#include "dnsd/wire/builder.hpp"
#include "dnsd/wire/message.hpp"
#include "dnsd/wire/name.hpp"

// ldns/common.h may #define bool/true/false for C: include it after every C++ header.
#include <ldns/ldns.h>

namespace {

using dnsd::wire::MessageView;
using dnsd::wire::Name;

void Push16(std::vector<std::uint8_t>& v, std::uint16_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x));
}
void PushName(std::vector<std::uint8_t>& v, std::initializer_list<std::string_view> labels) {
  for (auto label : labels) {
    v.push_back(static_cast<std::uint8_t>(label.size()));
    v.insert(v.end(), label.begin(), label.end());
  }
  v.push_back(0);
}

// "api.Service.Cluster.Local. A IN" with RD and an EDNS OPT (1232, DO): what dig/stub resolvers send.
std::vector<std::uint8_t> TypicalQuery() {
  std::vector<std::uint8_t> q;
  for (std::uint16_t v : {0x1234, 0x0100, 1, 0, 0, 1}) Push16(q, v);
  PushName(q, {"api", "Service", "Cluster", "Local"});
  Push16(q, 1);
  Push16(q, 1);
  q.push_back(0);
  for (std::uint16_t v : {41, 1232, 0, 0x8000, 0}) Push16(q, v);
  return q;
}

// A response: the question, 8 A records with compressed owners, an NS with a compressed target, OPT.
std::vector<std::uint8_t> LargeResponse() {
  std::vector<std::uint8_t> r;
  for (std::uint16_t v : {0x1234, 0x8180, 1, 8, 1, 1}) Push16(r, v);
  PushName(r, {"api", "Service", "Cluster", "Local"});
  Push16(r, 1);
  Push16(r, 1);
  for (std::uint8_t i = 0; i < 8; ++i) {
    for (std::uint16_t v : {0xC00C, 1, 1, 0, 30, 4}) Push16(r, v);
    r.insert(r.end(), {10, 0, 0, i});
  }
  for (std::uint16_t v : {0xC010, 2, 1, 0, 30, 5}) Push16(r, v);
  r.insert(r.end(), {2, 'n', 's', 0xC0, 0x10});
  r.push_back(0);
  for (std::uint16_t v : {41, 1232, 0, 0, 0}) Push16(r, v);
  return r;
}

void BM_ParseMessageTypicalQuery(benchmark::State& state) {
  const auto query = TypicalQuery();
  MessageView view;
  for (auto _ : state) {
    benchmark::DoNotOptimize(dnsd::wire::ParseMessage(query, view));
    benchmark::DoNotOptimize(view);
  }
}
BENCHMARK(BM_ParseMessageTypicalQuery);

void BM_NameParseCompressed(benchmark::State& state) {
  auto response = LargeResponse();
  // The NS target "ns" + pointer to "Service.Cluster.Local" at the end of the authority record.
  const std::size_t ns_target = response.size() - 11 - 5;
  Name name;
  std::size_t end = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(Name::Parse(response, ns_target, name, &end));
    benchmark::DoNotOptimize(name);
  }
}
BENCHMARK(BM_NameParseCompressed);

void BM_BuildErrorResponse(benchmark::State& state) {
  const auto query = TypicalQuery();
  MessageView view;
  dnsd::wire::ParseMessage(query, view);
  std::array<std::uint8_t, 512> out{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        dnsd::wire::BuildErrorResponse(query, view, dnsd::wire::Rcode::kServFail, out));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_BuildErrorResponse);

void BM_BuildTruncated(benchmark::State& state) {
  const auto response = LargeResponse();
  std::array<std::uint8_t, 512> out{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(dnsd::wire::BuildTruncated(response, out));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_BuildTruncated);

void BM_LdnsWire2PktTypicalQuery(benchmark::State& state) {
  const auto query = TypicalQuery();
  for (auto _ : state) {
    ldns_pkt* pkt = nullptr;
    benchmark::DoNotOptimize(ldns_wire2pkt(&pkt, query.data(), query.size()));
    ldns_pkt_free(pkt);
  }
}
BENCHMARK(BM_LdnsWire2PktTypicalQuery);

}  // namespace

BENCHMARK_MAIN();
