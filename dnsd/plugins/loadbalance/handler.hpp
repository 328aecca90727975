// loadbalance's factory and per-worker handler: every query goes down the chain as a pooled
// transaction; its answer is reordered (shuffle.hpp) into the worker's buffer on the way back.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/pipeline/transaction_pool.hpp"
#include "dnsd/plugins/loadbalance/shuffle.hpp"

namespace dnsd::plugins::loadbalance {

class LoadBalanceHandler;

class ShuffledTransaction final : public pipeline::Transaction, public pipeline::PoolLink {
 public:
  explicit ShuffledTransaction(LoadBalanceHandler& owner) : owner_(owner) {}
  void Load(pipeline::Transaction& client);
  void Respond(std::span<const std::uint8_t> response) override;

 private:
  friend class LoadBalanceHandler;
  LoadBalanceHandler& owner_;
  pipeline::Transaction* client_ = nullptr;
};

class LoadBalanceHandler : public pipeline::Handler {
 public:
  explicit LoadBalanceHandler(std::uint64_t seed);
  void Serve(pipeline::Transaction& tx) override;

 private:
  friend class ShuffledTransaction;
  void OnAnswer(ShuffledTransaction& tx, std::span<const std::uint8_t> response);

  Random random_;
  Shuffler shuffler_;
  std::vector<std::uint8_t> buffer_;  // the reordered answer, sent before the next one is made
  pipeline::TransactionPool<ShuffledTransaction> pool_;
};

class LoadBalanceFactory : public pipeline::HandlerFactory {
 public:
  // `seed` fixes every worker's random sequence (tests); by default each worker seeds itself.
  explicit LoadBalanceFactory(std::optional<std::uint64_t> seed = std::nullopt) : seed_(seed) {}
  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext& worker) override;

 private:
  std::optional<std::uint64_t> seed_;
};

}  // namespace dnsd::plugins::loadbalance
