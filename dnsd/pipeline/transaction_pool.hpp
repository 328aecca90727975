// A handler's pool of the transactions it sends down the chain in place of the client's: one per
// query in flight, reused, so a query at steady state allocates nothing.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace dnsd::pipeline {

// The pool's links in a pooled transaction (derive from it beside Transaction).
struct PoolLink {
  PoolLink* prev = nullptr;
  PoolLink* next = nullptr;
};

// A transaction belongs to the pool from Acquire to Release. Those still out when the pool goes
// (a plugin further down dropped them unanswered: forward does at shutdown, when nobody waits for
// the answer) are deleted with it, so stopping or reloading under load leaks nothing.
template <typename T>
class TransactionPool {
 public:
  explicit TransactionPool(std::size_t keep = 4096) : keep_(keep) {}
  ~TransactionPool() {
    for (T* tx : free_) delete tx;
    while (out_ != nullptr) {
      T* tx = static_cast<T*>(out_);
      Unlink(tx);
      delete tx;
    }
  }
  TransactionPool(const TransactionPool&) = delete;
  TransactionPool& operator=(const TransactionPool&) = delete;

  // A free transaction, or a new one made from `args`.
  template <typename... Args>
  T* Acquire(Args&&... args) {
    T* tx;
    if (free_.empty()) {
      tx = new T(std::forward<Args>(args)...);
    } else {
      tx = free_.back();
      free_.pop_back();
    }
    Link(tx);
    return tx;
  }

  // Back to the pool; beyond `keep` free ones (after a burst) it is deleted.
  void Release(T* tx) {
    Unlink(tx);
    if (free_.size() < keep_) free_.push_back(tx);
    else delete tx;
  }

  // fn(T&) for each transaction out (acquired and not released).
  template <typename Fn>
  void ForEachOut(Fn&& fn) {
    for (PoolLink* link = out_; link != nullptr; link = link->next) fn(*static_cast<T*>(link));
  }

  std::size_t out() const { return out_count_; }

 private:
  void Link(PoolLink* link) {
    link->prev = nullptr;
    link->next = out_;
    if (out_ != nullptr) out_->prev = link;
    out_ = link;
    ++out_count_;
  }
  void Unlink(PoolLink* link) {
    (link->prev != nullptr ? link->prev->next : out_) = link->next;
    if (link->next != nullptr) link->next->prev = link->prev;
    link->prev = link->next = nullptr;
    --out_count_;
  }

  std::vector<T*> free_;  // owned; raw so that T may be incomplete where the pool is declared
  PoolLink* out_ = nullptr;
  std::size_t out_count_ = 0;
  std::size_t keep_;
};

}  // namespace dnsd::pipeline
