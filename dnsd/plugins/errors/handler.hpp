// errors' factory and per-worker handler: every query goes down the chain as a pooled
// ErrorTransaction; a SERVFAIL answer produced downstream is reported as CoreDNS reports a
// plugin error ("[ERROR] plugin/errors: 2 NAME TYPE: REASON") through the worker's LogRing.
#pragma once

#include <memory>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/pipeline/transaction_pool.hpp"
#include "dnsd/plugins/errors/consolidator.hpp"
#include "dnsd/plugins/log/sink.hpp"

namespace dnsd::plugins::errors {

class ErrorsHandler;

class ErrorTransaction final : public pipeline::Transaction, public pipeline::PoolLink {
 public:
  explicit ErrorTransaction(ErrorsHandler& owner) : owner_(owner) {}
  void Load(pipeline::Transaction& client);
  void Respond(std::span<const std::uint8_t> response) override;

 private:
  friend class ErrorsHandler;
  ErrorsHandler& owner_;
  pipeline::Transaction* client_ = nullptr;
};

class ErrorsHandler : public pipeline::Handler {
 public:
  ErrorsHandler(std::shared_ptr<log::LogSink> sink, std::shared_ptr<log::RecordFilter> filter);
  ~ErrorsHandler() override;
  void Serve(pipeline::Transaction& tx) override;

 private:
  friend class ErrorTransaction;
  void OnAnswer(ErrorTransaction& error, std::span<const std::uint8_t> response);

  std::shared_ptr<log::LogSink> sink_;
  std::shared_ptr<log::LogRing> ring_;
  std::vector<char> line_;
  pipeline::TransactionPool<ErrorTransaction> pool_;
};

class ErrorsFactory : public pipeline::HandlerFactory {
 public:
  explicit ErrorsFactory(std::vector<PatternSpec> patterns, std::shared_ptr<log::LogSink> sink = nullptr);
  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext& worker) override;

 private:
  std::shared_ptr<Consolidator> consolidator_;  // null without `consolidate`
  std::shared_ptr<log::LogSink> sink_;
};

}  // namespace dnsd::plugins::errors
