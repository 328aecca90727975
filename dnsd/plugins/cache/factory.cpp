#include "dnsd/plugins/cache/factory.hpp"

#include "dnsd/plugins/cache/handler.hpp"

namespace dnsd::plugins::cache {

CacheFactory::CacheFactory(Options options, std::shared_ptr<const Clock> clock)
    : options_(std::make_shared<const CompiledOptions>(std::move(options))),
      store_(std::make_shared<CacheStore>(StorePolicy::From(options_->options))),
      clock_(std::move(clock)) {}

std::unique_ptr<pipeline::Handler> CacheFactory::CreateHandler(pipeline::WorkerContext& worker) {
  return std::make_unique<CacheHandler>(options_, store_, clock_, worker.index);
}

}  // namespace dnsd::plugins::cache
