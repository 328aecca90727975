// cache's per-worker handler: answers hits from the shared CacheStore (copy, patch, respond; no
// allocation), sends misses down the chain as a pooled CachingTransaction whose Respond() stores
// the answer, and sends prefetches and stale refreshes as RefreshTransactions that answer no client.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/pipeline/transaction_pool.hpp"
#include "dnsd/plugins/cache/answer.hpp"
#include "dnsd/plugins/cache/clock.hpp"
#include "dnsd/plugins/cache/compiled_options.hpp"
#include "dnsd/plugins/cache/key.hpp"
#include "dnsd/plugins/cache/metrics.hpp"
#include "dnsd/plugins/cache/store.hpp"

namespace dnsd::plugins::cache {

class CacheHandler;

// A missed query on its way down the chain; the client's query is presented as is.
class CachingTransaction final : public pipeline::Transaction, public pipeline::PoolLink {
 public:
  explicit CachingTransaction(CacheHandler& owner) : owner_(owner) {}
  void Load(pipeline::Transaction& client, const CacheKey& key, bool verify_stale);
  void Respond(std::span<const std::uint8_t> response) override;

 private:
  friend class CacheHandler;
  CacheHandler& owner_;
  pipeline::Transaction* client_ = nullptr;
  CacheKey key_;
  bool verify_stale_ = false;  // serve_stale verify: a failed answer falls back to the stale entry
};

// A background refresh (prefetch, serve_stale immediate): a copy of the client's query, no client.
class RefreshTransaction final : public pipeline::Transaction, public pipeline::PoolLink {
 public:
  explicit RefreshTransaction(CacheHandler& owner) : owner_(owner) {}
  void Load(const pipeline::Transaction& client, const CacheKey& key);
  void Respond(std::span<const std::uint8_t> response) override;

 private:
  friend class CacheHandler;
  CacheHandler& owner_;
  std::vector<std::uint8_t> bytes_;
  CacheKey key_;
};

class CacheHandler : public pipeline::Handler {
 public:
  CacheHandler(std::shared_ptr<const CompiledOptions> options, std::shared_ptr<CacheStore> store,
               std::shared_ptr<const Clock> clock, unsigned worker = 0);
  ~CacheHandler() override;

  void Serve(pipeline::Transaction& tx) override;

 private:
  friend class CachingTransaction;
  friend class RefreshTransaction;

  struct StoredAnswer {
    std::size_t length = 0;  // 0: not stored
    std::uint16_t ttl_count = 0;
    std::uint32_t ttl = 0;
  };

  bool QueryCacheable(const wire::MessageView& view) const;
  void RespondFromEntry(pipeline::Transaction& tx, const LookupResult& hit, std::uint32_t ttl);
  void OnAnswer(CachingTransaction& caching, std::span<const std::uint8_t> response);
  void OnRefreshAnswer(RefreshTransaction& refresh, std::span<const std::uint8_t> response);
  // Answers the client (CoreDNS's `plugin` label: "cache", misses included, as its writer wraps).
  static void Answer(pipeline::Transaction& client, std::span<const std::uint8_t> response);
  // Analyses and stores `response` (the stored form stays in stored_buffer_).
  StoredAnswer Store(const CacheKey& key, const wire::MessageView& query,
                     std::span<const std::uint8_t> response, bool refresh, CacheCounters& counters);
  RefreshTransaction* PrepareRefresh(const pipeline::Transaction& tx, const CacheKey& key);
  void PassOn(pipeline::Transaction& tx) { Next(tx); }

  std::shared_ptr<const CompiledOptions> options_;
  std::shared_ptr<CacheStore> store_;
  std::shared_ptr<const Clock> clock_;
  CacheKey key_;
  // Shared by all in-flight queries of this worker: the server copies a response before Respond
  // returns, so one buffer per use is enough.
  std::vector<std::uint8_t> hit_buffer_, stored_buffer_;
  std::vector<std::uint16_t> hit_offsets_, stored_offsets_;
  pipeline::TransactionPool<CachingTransaction> caching_pool_;
  pipeline::TransactionPool<RefreshTransaction> refresh_pool_;
  CacheMetricsRoute metrics_;
};

}  // namespace dnsd::plugins::cache
