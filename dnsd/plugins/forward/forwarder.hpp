// forward's factory (state shared by all workers: upstreams, health checks, the max_concurrent
// count) and its per-worker handler (sockets and in-flight queries of one worker thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/forward/health.hpp"
#include "dnsd/plugins/forward/options.hpp"
#include "dnsd/plugins/forward/upstream.hpp"
#include "dnsd/random/random_source.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::forward {

// What workers share; lives as long as the factory or the last worker using it.
struct SharedState {
  explicit SharedState(Options opts);

  Options options;
  wire::Name from;
  std::vector<wire::Name> except;
  std::shared_ptr<UpstreamPool> pool;
  HealthChecker health;
  std::atomic<std::uint32_t> in_flight{0};  // counted only when max_concurrent is set

  // True when CoreDNS's forward would handle `qname`: under FROM and not under an except name
  // (the FROM apex itself is always handled).
  bool Handles(const wire::Name& qname) const;
  // An attempt on upstream `index` failed: count it and start its health check (when enabled).
  void ReportFailure(std::size_t index);
};

class Worker;

class ForwardHandler : public pipeline::Handler {
 public:
  // `random`: the worker's own source of upstream IDs and choices.
  ForwardHandler(boost::asio::io_context& io, std::shared_ptr<SharedState> shared, unsigned worker,
                 std::unique_ptr<random::RandomSource> random);
  // Closes this worker's sockets. Queries still in flight are abandoned, so the server destroys a
  // handler only once its transactions are answered (or gone), and before its io_context.
  ~ForwardHandler() override;

  void Serve(pipeline::Transaction& tx) override;

  std::size_t InFlight() const;  // this worker's queries waiting for an upstream

 private:
  std::shared_ptr<SharedState> shared_;
  std::shared_ptr<Worker> worker_;
  bool next_known_ = false;  // worker_->next_forward is set
};

class ForwardFactory : public pipeline::HandlerFactory {
 public:
  // Makes a worker's random source. The default gives each worker a SecureRandom; tests pin
  // upstream IDs with a FixedRandom.
  using RandomSources = std::function<std::unique_ptr<random::RandomSource>(unsigned worker)>;

  explicit ForwardFactory(Options options);
  ~ForwardFactory() override;

  // For handlers made from now on.
  void SetRandomSources(RandomSources make) { random_sources_ = std::move(make); }

  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext& worker) override;
  void Start(boost::asio::io_context& io) override;
  void Stop() override;
  // For `ready`: true once any upstream has answered a query or a health probe.
  bool Ready() const override;

  const Options& options() const { return shared_->options; }
  UpstreamPool& upstreams() { return *shared_->pool; }
  SharedState& shared() { return *shared_; }

 private:
  std::shared_ptr<SharedState> shared_;
  RandomSources random_sources_;
};

}  // namespace dnsd::plugins::forward
