// A logged query (wrapper, format, push) and an errors-checked query must not touch the heap at
// steady state: counted by replacing the global operator new for this test binary.
#include <gtest/gtest.h>

#include "dnsd/plugins/errors/handler.hpp"
#include "dnsd/plugins/log/classify.hpp"
#include "dnsd/plugins/log/handler.hpp"
#include "support.hpp"

#include "../../support/counting_operator_new.hpp"

using dnsd::testing::g_allocations;

namespace dnsd::plugins::log {
namespace {

using testing::Bytes;
using testing::CapturedSink;
using testing::ClientTransaction;
using testing::Query;
using testing::Reply;

// Answers with bytes built once, so that only the plugin under test could allocate.
class FixedEnd final : public pipeline::Handler {
 public:
  explicit FixedEnd(Bytes answer) : answer_(std::move(answer)) {}
  void Serve(pipeline::Transaction& tx) override { tx.Respond(answer_); }

 private:
  Bytes answer_;
};

TEST(LogNoAllocation, ALoggedQueryAllocatesNothing) {
  CapturedSink captured;
  LogFactory factory({{".", ExpandFormatAliases("{combined} {local} {/x}"), kAllClasses}}, captured.sink);
  boost::asio::io_context io;
  pipeline::WorkerContext worker{io, 0};
  auto handler = factory.CreateHandler(worker);
  const Bytes query = Query("www.example.org.", 1, {.edns = true, .dnssec_ok = true});
  FixedEnd end(testing::Answer(query, Reply{.answer = {"www.example.org. 60 IN A 192.0.2.1"}, .edns = true}));
  handler->SetNext(&end);
  ClientTransaction client(query, false, boost::asio::ip::make_address("2001:db8::7"));
  handler->Serve(client);  // warms the transaction pool
  captured.Text();
  const long before = g_allocations.load();
  for (int i = 0; i < 100; ++i) handler->Serve(client);
  const long after = g_allocations.load();
  EXPECT_EQ(after - before, 0);
  EXPECT_EQ(client.responses, 101);
}

TEST(LogNoAllocation, AnErrorsCheckedServfailAllocatesNothing) {
  CapturedSink captured;
  errors::ErrorsFactory factory({}, captured.sink);
  boost::asio::io_context io;
  pipeline::WorkerContext worker{io, 0};
  auto handler = factory.CreateHandler(worker);
  const Bytes query = Query("www.example.org.", 1);
  FixedEnd end(testing::Answer(query, Reply{.rcode = 2}));
  handler->SetNext(&end);
  ClientTransaction client(query);
  handler->Serve(client);
  captured.Text();
  const long before = g_allocations.load();
  for (int i = 0; i < 100; ++i) handler->Serve(client);
  const long after = g_allocations.load();
  EXPECT_EQ(after - before, 0);
}

}  // namespace
}  // namespace dnsd::plugins::log
