// rewrite's per-worker handler: evaluates the compiled rules on the query name, passes unmatched
// queries on untouched, and sends matched ones down the chain as a RewrittenTransaction whose
// Respond() reverts the upstream answer to what the client asked. Local rules are answered here.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/pipeline/transaction_pool.hpp"
#include "dnsd/plugins/rewrite/cname_follow.hpp"
#include "dnsd/plugins/rewrite/metrics.hpp"
#include "dnsd/plugins/rewrite/published_rules.hpp"
#include "rules/rewriter.hpp"

namespace dnsd::plugins::rewrite {

class RewriteHandler;

// The rules one worker uses, reference-counted by that worker alone (no atomics): a reload replaces
// the handler's current snapshot, and the old one lives until its last in-flight query answers.
struct Snapshot {
  std::shared_ptr<const rules::RuleSet> rules;
  std::uint32_t refs = 1;  // the handler's own reference while current, plus one per query
};

// The query as it goes on down the chain after rewriting. Pooled per worker: its buffers keep their
// capacity, so a query at steady state allocates nothing.
class RewrittenTransaction final : public pipeline::Transaction, public pipeline::PoolLink {
 public:
  explicit RewrittenTransaction(RewriteHandler& owner) : owner_(owner) {}

  // Builds the upstream query for `client` after `outcome`. False: cannot (caller answers SERVFAIL).
  bool Load(pipeline::Transaction& client, Snapshot* snapshot, const rules::Outcome& outcome);
  // Reverts `response` and answers the client, unless a cname rule needs a follow-up query first.
  void Respond(std::span<const std::uint8_t> response) override;
  void Clear() { reverter_.reset(); }

 private:
  friend class RewriteHandler;
  void Finish(std::span<const std::uint8_t> response);

  RewriteHandler& owner_;
  pipeline::Transaction* client_ = nullptr;
  Snapshot* snapshot_ = nullptr;
  std::vector<std::uint8_t> bytes_;
  std::optional<rules::Reverter> reverter_;
  std::array<const rules::CnameRule*, rules::kMaxAppliedRules> cname_rules_{};
  std::size_t cname_count_ = 0;
  bool following_ = false;
  std::unique_ptr<CnameFollowUp> follow_;  // made on first use only (rule sets with cname rules)
};

class RewriteHandler : public pipeline::Handler {
 public:
  // `zones`: the server block's zones joined with "," (the metrics' `zones` label).
  explicit RewriteHandler(std::shared_ptr<const PublishedRules> published, std::string zones = "");
  ~RewriteHandler() override;

  void Serve(pipeline::Transaction& tx) override;

 private:
  friend class RewrittenTransaction;
  void Refresh();
  // A LocalRule matched (outcome_ is kLocal): the answer is made here, nothing goes upstream.
  void AnswerLocally(pipeline::Transaction& tx, const rules::RuleSet& rules);
  void PassOn(pipeline::Transaction& tx) { Next(tx); }
  void Release(RewrittenTransaction* tx, Snapshot* snapshot);
  static void Unref(Snapshot* snapshot);
  // Shared by all in-flight queries of this worker: Respond() reverts into it and the server copies
  // the answer before returning, so one buffer is enough.
  std::span<std::uint8_t> RevertBuffer() { return revert_buffer_; }

  std::shared_ptr<const PublishedRules> published_;
  std::uint64_t generation_ = 0;
  Snapshot* current_ = nullptr;
  // Kept here rather than on the stack: each holds a 1 KiB name that would be zeroed per query.
  rules::Question question_;
  rules::Outcome outcome_;
  pipeline::TransactionPool<RewrittenTransaction> pool_;
  std::vector<std::uint8_t> revert_buffer_;
  RewriteMetricsRoute metrics_;
};

}  // namespace dnsd::plugins::rewrite
