// A templated answer costs no heap allocation once the worker's strings and counters have grown.
#include "../../support/counting_operator_new.hpp"

#include <gtest/gtest.h>

#include "dnsd/plugins/template/handler.hpp"
#include "dnsd/plugins/template/setup.hpp"
#include "../log/support.hpp"

namespace dnsd::plugins::tmpl {
namespace {

TEST(TemplateAllocation, ATemplatedAnswerAllocatesNothing) {
  auto directives = log::testing::Directives(
      "my.zone {\n template IN A {\n"
      "  match \"^(?P<a>[0-9]*)-(?P<b>[0-9]*)[.]my[.]zone[.]$\"\n"
      "  answer \"{{ .Name }} 60 IN A 10.{{ .Group.a }}.{{ .Group.b }}.1\"\n"
      "  additional \"{{ .Name }} 60 IN TXT \\\"from {{ .Remote }}\\\" {{ index .Match 1 }}\"\n"
      " }\n}\n");
  ASSERT_EQ(directives.size(), 1u);
  auto made = tmpl::Setup(directives[0], pipeline::SetupContext{{"my.zone."}, {}, {53}});
  ASSERT_TRUE(made.ok()) << made.error.ToString();
  boost::asio::io_context io;
  pipeline::WorkerContext worker{io, 0};
  auto handler = (*made.value)->CreateHandler(worker);
  log::testing::ClientTransaction client(cache::testing::Query("12-34.my.zone.", 1, {.edns = true}));
  client.answer.reserve(65535);
  handler->Serve(client);  // opens the metrics series
  const long before = dnsd::testing::g_allocations.load();
  for (int i = 0; i < 100; ++i) handler->Serve(client);
  EXPECT_EQ(dnsd::testing::g_allocations.load() - before, 0);
  cache::testing::Parsed reply(client.answer);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply.FirstAnswer(), "12-34.my.zone.\t60\tIN\tA\t10.12.34.1");
}

}  // namespace
}  // namespace dnsd::plugins::tmpl
