// cache's factory: owns the CacheStore shared by every worker's handler, and the clock.
#pragma once

#include <memory>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/cache/clock.hpp"
#include "dnsd/plugins/cache/compiled_options.hpp"
#include "dnsd/plugins/cache/store.hpp"

namespace dnsd::plugins::cache {

class CacheFactory : public pipeline::HandlerFactory {
 public:
  explicit CacheFactory(Options options,
                        std::shared_ptr<const Clock> clock = std::make_shared<SteadyClock>());

  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext& worker) override;

  CacheStore& store() { return *store_; }
  const Options& options() const { return options_->options; }

 private:
  std::shared_ptr<const CompiledOptions> options_;
  std::shared_ptr<CacheStore> store_;
  std::shared_ptr<const Clock> clock_;
};

}  // namespace dnsd::plugins::cache
