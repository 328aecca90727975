// rewrite's front handler (first in the chain, so cache hits are seen too): records queries for
// names under a legacy zone (the zones of the preset's SOAs) into this worker's LegacyReport, and
// evaluates the shadow rule set on every query, probing what its rewritten names resolve to. It
// never changes a query or an answer and passes each query on at once; probes leave after it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/pipeline/transaction_pool.hpp"
#include "dnsd/plugins/rewrite/legacy_hub.hpp"
#include "dnsd/plugins/rewrite/published_rules.hpp"
#include "rules/question.hpp"

namespace dnsd::plugins::rewrite {

class LegacyObserver;
class RewriteHandler;

struct ShadowLimits {
  std::chrono::nanoseconds verdict_ttl = std::chrono::seconds(30);  // a verdict older than this is probed again
  double probe_rate = 20;          // probes per second per worker (token bucket, burst = rate)
  std::size_t max_probes = 64;     // in flight per worker
};

// A probe: the shadow-rewritten name asked down the chain below rewrite (to forward), answering no
// client. Pooled; the query is built in place.
class ProbeTransaction final : public pipeline::Transaction, public pipeline::PoolLink {
 public:
  explicit ProbeTransaction(LegacyObserver& owner) : owner_(owner) {}
  // False when the query cannot be built (never for names that came from a parsed query).
  bool Load(const pipeline::Transaction& client, std::span<const std::uint8_t> key_name, std::uint16_t key_qtype,
            std::span<const std::uint8_t> target, std::uint16_t qtype, std::uint16_t qclass);
  void Respond(std::span<const std::uint8_t> response) override;

 private:
  friend class LegacyObserver;
  LegacyObserver& owner_;
  std::array<std::uint8_t, wire::kMaxNameLength> key_{};  // the verdict entry: client's name and type
  std::uint8_t key_length_ = 0;
  std::uint16_t key_qtype_ = 0;
  std::array<std::uint8_t, 12 + wire::kMaxNameLength + 4 + 11> bytes_{};  // header, question, OPT
};

class LegacyObserver final : public pipeline::Handler {
 public:
  // `shadow` may be null (no dnsd_shadow line).
  LegacyObserver(std::shared_ptr<const PublishedRules> live, std::shared_ptr<const PublishedRules> shadow,
                 unsigned worker, ShadowLimits limits = {});
  ~LegacyObserver() override;
  // Where probes go: below this worker's rewrite handler of the same chain.
  void SetRewrite(RewriteHandler* rewrite) { rewrite_ = rewrite; }
  void Serve(pipeline::Transaction& tx) override;

 private:
  friend class ProbeTransaction;
  void Refresh();
  ProbeTransaction* EvaluateShadow(const pipeline::Transaction& tx, const wire::Name& lower, std::int64_t now_ns);
  bool TakeToken(std::int64_t now_ns);
  void OnProbeAnswer(ProbeTransaction& probe, std::span<const std::uint8_t> response);
  LegacyCounters& CountersFor(std::uint16_t port);

  std::shared_ptr<const PublishedRules> live_published_, shadow_published_;
  std::uint64_t live_generation_ = ~0ULL, shadow_generation_ = ~0ULL;
  std::shared_ptr<const rules::RuleSet> live_, shadow_;
  // Of the live snapshot, by rule index: the hub's label ids; and the legacy zones.
  std::vector<std::uint32_t> rule_ids_;
  std::vector<std::uint16_t> family_ids_;
  std::vector<wire::Name> zones_;
  unsigned worker_;
  ShadowLimits limits_;
  WorkerState& state_;
  ShadowCounters& shadow_counters_;
  std::vector<std::pair<std::uint16_t, LegacyCounters*>> counters_;
  RewriteHandler* rewrite_ = nullptr;
  // Members, not locals: each holds a 1 KiB name that would be zeroed per query.
  rules::Question question_;
  rules::Outcome outcome_, shadow_outcome_;
  double tokens_ = 0;
  std::int64_t tokens_at_ns_ = 0;
  pipeline::TransactionPool<ProbeTransaction> probes_;
};

}  // namespace dnsd::plugins::rewrite
