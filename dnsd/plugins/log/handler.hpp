// log's factory and per-worker handler. A logged query goes down the chain as a pooled
// LoggingTransaction; its Respond() formats the line into the worker's LogRing (no lock, no
// allocation) and answers the client. The process's LogSink thread writes the lines.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/pipeline/transaction_pool.hpp"
#include "dnsd/plugins/log/format.hpp"
#include "dnsd/plugins/log/setup.hpp"
#include "dnsd/plugins/log/sink.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::log {

using NowFunction = std::int64_t (*)();

struct Rule {
  wire::Name scope;
  std::uint8_t classes;
  std::shared_ptr<const LogFormat> format;
};

class LogHandler;

class LoggingTransaction final : public pipeline::Transaction, public pipeline::PoolLink {
 public:
  explicit LoggingTransaction(LogHandler& owner) : owner_(owner) {}
  void Load(pipeline::Transaction& client, const Rule& rule, std::int64_t start);
  void Respond(std::span<const std::uint8_t> response) override;

 private:
  friend class LogHandler;
  LogHandler& owner_;
  pipeline::Transaction* client_ = nullptr;
  const Rule* rule_ = nullptr;
  std::int64_t start_ = 0;
};

class LogHandler : public pipeline::Handler {
 public:
  LogHandler(std::shared_ptr<const std::vector<Rule>> rules, std::shared_ptr<LogSink> sink,
             NowFunction now);
  ~LogHandler() override;

  void Serve(pipeline::Transaction& tx) override;

 private:
  friend class LoggingTransaction;
  void OnAnswer(LoggingTransaction& logging, std::span<const std::uint8_t> response);

  std::shared_ptr<const std::vector<Rule>> rules_;
  std::shared_ptr<LogSink> sink_;
  std::shared_ptr<LogRing> ring_;
  NowFunction now_;
  std::vector<char> line_;
  pipeline::TransactionPool<LoggingTransaction> pool_;
};

class LogFactory : public pipeline::HandlerFactory {
 public:
  // No sink: the process's stdout sink, taken when the first handler is made.
  explicit LogFactory(std::vector<RuleSpec> specs, std::shared_ptr<LogSink> sink = nullptr,
                      NowFunction now = &SteadyNanos);
  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext& worker) override;

 private:
  std::shared_ptr<const std::vector<Rule>> rules_;
  std::shared_ptr<LogSink> sink_;
  NowFunction now_;
};

// Fills the entry fields that come from the client's transaction and the response.
void DescribeExchange(const pipeline::Transaction& client, std::span<const std::uint8_t> response,
                      LogEntry& entry);

}  // namespace dnsd::plugins::log
