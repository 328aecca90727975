// Answering from the hosts data must not touch the heap: counted by replacing the global operator
// new for this test binary.
#include <gtest/gtest.h>

#include "support.hpp"

#include "../../support/counting_operator_new.hpp"

using dnsd::testing::g_allocations;

namespace dnsd::plugins::hosts {
namespace {

using testing::ClientTransaction;
using testing::Query;

TEST(HostsNoAllocation, AnswersNodataPtrAndPassingOnAllocateNothing) {
  testing::Rig rig(". {\n  hosts /nonexistent/dnsd-hosts {\n    10.0.0.1 www.example.org\n    ::1 www.example.org\n  }\n}\n");
  ClientTransaction a(Query("WWW.example.org", 1));
  ClientTransaction aaaa(Query("www.example.org", 28, true));
  ClientTransaction nodata(Query("www.example.org", 15));
  ClientTransaction ptr(Query("1.0.0.10.in-addr.arpa", 12));
  ClientTransaction missing(Query("missing.example.org", 1));
  ClientTransaction unknown_ptr(Query("2.0.0.10.in-addr.arpa", 12));
  rig.handler->Serve(a);  // warm: the response buffer exists already, nothing else to grow
  ClientTransaction again(Query("www.example.org", 1));
  const long before = g_allocations.load();
  for (ClientTransaction* tx : {&again, &aaaa, &nodata, &ptr, &missing, &unknown_ptr}) rig.handler->Serve(*tx);
  const long after = g_allocations.load();
  EXPECT_EQ(after - before, 0);
  for (ClientTransaction* tx : {&again, &aaaa, &nodata, &ptr, &missing, &unknown_ptr}) EXPECT_EQ(tx->responses, 1);
  EXPECT_EQ(rig.next.reached, 1);  // the unknown PTR
}

}  // namespace
}  // namespace dnsd::plugins::hosts
