// pipeline::TransactionPool: reuse, the cap on free transactions, and transactions still out when
// the pool goes (dropped unanswered further down the chain) deleted with it.
#include "dnsd/pipeline/transaction_pool.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace dnsd::pipeline {
namespace {

struct Counted : PoolLink {
  explicit Counted(int& alive) : alive(alive) { ++alive; }
  ~Counted() { --alive; }
  int& alive;
  int id = 0;
};

TEST(TransactionPool, ReleasedTransactionsAreReused) {
  int alive = 0;
  TransactionPool<Counted> pool;
  Counted* first = pool.Acquire(alive);
  pool.Release(first);
  EXPECT_EQ(pool.Acquire(alive), first);
  EXPECT_EQ(alive, 1);
  pool.Release(first);
}

TEST(TransactionPool, KeepsAtMostItsLimitOfFreeOnes) {
  int alive = 0;
  TransactionPool<Counted> pool(2);
  std::vector<Counted*> out;
  for (int i = 0; i < 5; ++i) out.push_back(pool.Acquire(alive));
  for (Counted* tx : out) pool.Release(tx);
  EXPECT_EQ(alive, 2);
  EXPECT_EQ(pool.out(), 0u);
}

TEST(TransactionPool, TransactionsStillOutAreDeletedWithThePool) {
  int alive = 0;
  {
    TransactionPool<Counted> pool;
    Counted* a = pool.Acquire(alive);
    Counted* b = pool.Acquire(alive);
    Counted* c = pool.Acquire(alive);
    a->id = 1, b->id = 2, c->id = 3;
    pool.Release(b);  // from the middle of the list
    EXPECT_EQ(pool.out(), 2u);
    int ids = 0;
    pool.ForEachOut([&](Counted& tx) { ids += tx.id; });
    EXPECT_EQ(ids, 4);
    EXPECT_EQ(alive, 3);
  }
  EXPECT_EQ(alive, 0);
}

}  // namespace
}  // namespace dnsd::pipeline
