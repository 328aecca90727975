// The rewrite rules currently in force, shared by the factory (which replaces them on reload) and
// every worker's handler (which copies them into a per-worker snapshot only when the generation
// changes): one atomic load per query, no lock on the query path.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "rules/rule_set.hpp"

namespace dnsd::plugins::rewrite {

class PublishedRules {
 public:
  explicit PublishedRules(std::shared_ptr<const rules::RuleSet> initial) : rules_(std::move(initial)) {}

  // Called by the reloader (any thread): in-flight queries keep the set they started with.
  void Publish(std::shared_ptr<const rules::RuleSet> next) {
    {
      std::lock_guard lock(mutex_);
      rules_ = std::move(next);
    }
    generation_.fetch_add(1, std::memory_order_release);
  }

  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // The rules with the generation they belong to (slow path: only when generation() changed).
  std::shared_ptr<const rules::RuleSet> Get(std::uint64_t* generation) const {
    std::lock_guard lock(mutex_);
    *generation = generation_.load(std::memory_order_acquire);
    return rules_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const rules::RuleSet> rules_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace dnsd::plugins::rewrite
