// The hosts answers in force, shared by the reload thread (which replaces them) and every worker's
// handler (which takes a new reference only when the generation changed): one atomic load per
// query, no lock and no reference count on the query path.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "dnsd/plugins/hosts/answers.hpp"

namespace dnsd::plugins::hosts {

class PublishedAnswers {
 public:
  explicit PublishedAnswers(std::shared_ptr<const Answers> initial) : answers_(std::move(initial)) {}

  void Publish(std::shared_ptr<const Answers> next) {
    {
      std::lock_guard lock(mutex_);
      answers_ = std::move(next);
    }
    generation_.fetch_add(1, std::memory_order_release);
  }

  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Slow path: only when generation() changed.
  std::shared_ptr<const Answers> Get(std::uint64_t* generation) const {
    std::lock_guard lock(mutex_);
    *generation = generation_.load(std::memory_order_acquire);
    return answers_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Answers> answers_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace dnsd::plugins::hosts
