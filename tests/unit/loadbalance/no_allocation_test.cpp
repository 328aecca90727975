// A shuffled answer costs no heap allocation once the worker's transaction pool is warm.
#include "../../support/counting_operator_new.hpp"

#include <gtest/gtest.h>

#include "dnsd/plugins/loadbalance/handler.hpp"
#include "../log/support.hpp"

namespace dnsd::plugins::loadbalance {
namespace {

TEST(RoundRobinAllocation, AShuffledAnswerAllocatesNothing) {
  std::vector<std::string> addresses;
  for (int i = 1; i <= 40; ++i) addresses.push_back("medium.example.org. 30 IN A 10.100.0." + std::to_string(i));
  const auto query = cache::testing::Query("medium.example.org.", 1);
  const auto response = cache::testing::Answer(query, {.answer = addresses});
  struct Fixed final : pipeline::Handler {
    std::span<const std::uint8_t> bytes;
    void Serve(pipeline::Transaction& tx) override { tx.Respond(bytes); }
  } end;
  end.bytes = response;
  LoadBalanceFactory factory(1);
  boost::asio::io_context io;
  pipeline::WorkerContext worker{io, 0};
  auto handler = factory.CreateHandler(worker);
  handler->SetNext(&end);
  log::testing::ClientTransaction client(query);
  client.answer.reserve(65535);
  handler->Serve(client);  // warms the pool
  const long before = dnsd::testing::g_allocations.load();
  for (int i = 0; i < 100; ++i) handler->Serve(client);
  EXPECT_EQ(dnsd::testing::g_allocations.load() - before, 0);
  EXPECT_EQ(client.responses, 101);
}

}  // namespace
}  // namespace dnsd::plugins::loadbalance
