// A cache hit must not touch the heap: counted by replacing the global operator new for this
// test binary.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "support.hpp"

#include "../../support/counting_operator_new.hpp"

using dnsd::testing::g_allocations;

namespace dnsd::plugins::cache {
namespace {

using namespace std::chrono_literals;
using testing::ClientTransaction;
using testing::Query;
using testing::Reply;
using testing::Rig;

TEST(CacheNoAllocation, AHitAllocatesNothing) {
  Rig rig;
  Reply r;
  r.answer = {"www.example.org. 300 IN CNAME web.example.org.", "web.example.org. 300 IN A 10.0.0.1",
              "web.example.org. 300 IN A 10.0.0.2"};
  r.edns = true;
  rig.Ask(Query("www.example.org", 1, {.edns = true}), r);
  ClientTransaction plain(Query("WWW.example.org", 1, {.id = 7}));
  ClientTransaction edns(Query("www.EXAMPLE.org", 1, {.id = 8, .edns = true}));
  rig.clock->Advance(3s);
  const long before = g_allocations.load();
  rig.handler->Serve(plain);
  rig.handler->Serve(edns);
  const long after = g_allocations.load();
  EXPECT_EQ(after - before, 0);
  EXPECT_EQ(plain.responses, 1);
  EXPECT_EQ(edns.responses, 1);
  EXPECT_EQ(rig.upstream.answered, 1);
}

TEST(CacheNoAllocation, AStaleHitAllocatesNothingOnceTheRefreshPoolIsWarm) {
  Rig rig("cache {\n serve_stale\n}");
  rig.Ask(Query("www.example.org", 1), Reply{0, {"www.example.org. 30 IN A 10.0.0.1"}, {}, {}});
  rig.clock->Advance(40s);
  rig.Ask(Query("www.example.org", 1));
  rig.upstream.AnswerNext(Reply{2, {}, {}, {}});  // failed refresh: the stale entry stays
  ClientTransaction tx(Query("www.example.org", 1));
  const long before = g_allocations.load();
  rig.handler->Serve(tx);
  const long after = g_allocations.load();
  EXPECT_EQ(after - before, 0);
  EXPECT_EQ(tx.responses, 1);
}

}  // namespace
}  // namespace dnsd::plugins::cache
