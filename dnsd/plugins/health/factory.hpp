// health's factory: while the server runs it serves GET /health on its address — 200 "OK" while
// serving, 503 once shutdown (lameduck) has begun. Its handler only passes queries on.
#pragma once

#include <chrono>
#include <memory>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/health/metrics.hpp"
#include "dnsd/plugins/health/options.hpp"
#include "dnsd/plugins/health/probe_server.hpp"

namespace dnsd::plugins::health {

// For plugins that live beside the query path (health, ready): every query goes straight on.
class PassThrough : public pipeline::Handler {
 public:
  void Serve(pipeline::Transaction& tx) override { Next(tx); }
};

// What GET /health answers right now.
ProbeResponse HealthResponse();

class HealthFactory : public pipeline::HandlerFactory {
 public:
  explicit HealthFactory(Options options) : options_(std::move(options)) {}

  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext& worker) override;
  // Registers the lameduck duration and starts (or joins) the HTTP listener; a listen failure is
  // reported by StartError (the server does not start, as CoreDNS).
  void Start(boost::asio::io_context& io) override;
  void Stop() override;
  std::string StartError() const override { return start_error_; }
  // Begins the process's shutdown (/health says 503) and returns the lameduck: the longest any
  // `health` block of this or an earlier config asked for.
  std::chrono::nanoseconds OnShutdown() override;

  const Options& options() const { return options_; }

 private:
  Options options_;
  std::shared_ptr<ProbeServer> server_;
  std::string start_error_;
  std::unique_ptr<SelfCheck> self_check_;  // CoreDNS's once-a-second GET of its own /health
};

}  // namespace dnsd::plugins::health
