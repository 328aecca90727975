// prometheus's per-worker handler: passes every query down the chain inside a pooled
// ObservedTransaction whose Respond() counts and times it into this worker's SeriesBlock for the
// (server, zone) it arrived on, then answers the client. No lock, no allocation at steady state.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/pipeline/transaction_pool.hpp"
#include "dnsd/plugins/prometheus/collector.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::prometheus {

class MetricsHandler;
using MetricsClock = std::chrono::steady_clock;

struct ServedZone {
  wire::Name name;
  std::string text;  // "example.org."
};

// A query on its way down the chain, observed when it is answered.
class ObservedTransaction final : public pipeline::Transaction, public pipeline::PoolLink {
 public:
  explicit ObservedTransaction(MetricsHandler& owner) : owner_(owner) {}
  void Load(pipeline::Transaction& client, SeriesBlock& block);
  void Respond(std::span<const std::uint8_t> response) override;

 private:
  friend class MetricsHandler;
  MetricsHandler& owner_;
  pipeline::Transaction* client_ = nullptr;
  SeriesBlock* block_ = nullptr;
  MetricsClock::time_point start_;
};

class MetricsHandler : public pipeline::Handler {
 public:
  MetricsHandler(std::shared_ptr<const std::vector<ServedZone>> zones, DnsCollector& collector,
                 WorkerSeries& series, std::shared_ptr<const std::vector<std::string>> plugins = nullptr);
  ~MetricsHandler() override;

  void Serve(pipeline::Transaction& tx) override;

 private:
  friend class ObservedTransaction;
  struct Route {
    std::uint16_t port;
    std::size_t zone;
    SeriesBlock* block;
  };

  SeriesBlock& BlockFor(std::uint16_t port, const wire::Name& qname);
  void OnAnswer(ObservedTransaction& observed, std::span<const std::uint8_t> response);

  std::shared_ptr<const std::vector<ServedZone>> zones_;
  std::shared_ptr<const std::vector<std::string>> plugins_;  // the block's plugins; null: just us
  DnsCollector& collector_;
  WorkerSeries& series_;
  std::vector<Route> routes_;  // (port, zone) -> block, filled on first use
  pipeline::TransactionPool<ObservedTransaction> pool_;
};

}  // namespace dnsd::plugins::prometheus
