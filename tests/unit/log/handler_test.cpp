// log and errors handlers in a chain: which queries are logged (names, classes), the exact lines,
// the SERVFAIL error line, and that the client always gets its answer.
#include <gtest/gtest.h>

#include <thread>

#include "dnsd/plugins/errors/handler.hpp"
#include "dnsd/plugins/log/classify.hpp"
#include "dnsd/plugins/log/handler.hpp"
#include "support.hpp"

namespace dnsd::plugins::log {
namespace {

using testing::CapturedSink;
using testing::ChainEnd;
using testing::ClientTransaction;
using testing::Query;
using testing::Reply;
using testing::Bytes;

class LogChain : public ::testing::Test {
 protected:
  void Build(std::vector<RuleSpec> rules) {
    factory_ = std::make_unique<LogFactory>(std::move(rules), captured_.sink, &testing::FakeNow);
    pipeline::WorkerContext worker{io_, 0};
    handler_ = factory_->CreateHandler(worker);
    handler_->SetNext(&end_);
  }
  // Serves one query (the chain answers `reply`) and returns the answer the client got.
  void Ask(std::string_view name, Reply reply = {.answer = {"x. 60 IN A 192.0.2.1"}}) {
    end_.reply = reply;
    ClientTransaction client(Query(name, 1));
    handler_->Serve(client);
    EXPECT_EQ(client.responses, 1);
  }
  std::string Logged() { return captured_.Text(); }

  boost::asio::io_context io_;
  CapturedSink captured_;
  ChainEnd end_;
  std::unique_ptr<LogFactory> factory_;
  std::unique_ptr<pipeline::Handler> handler_;
};

TEST_F(LogChain, LogsOneInfoLinePerQuery) {
  Build({{".", "{name} {rcode} {duration}", kAllClasses}});
  Ask("example.org.");
  Ask("Other.NET.", Reply{.rcode = 2});
  EXPECT_EQ(Logged(), "[INFO] example.org. NOERROR 0s\n[INFO] other.net. SERVFAIL 0s\n");
}

TEST_F(LogChain, DurationIsMeasuredFromServeToRespond) {
  struct SlowEnd : pipeline::Handler {
    void Serve(pipeline::Transaction& tx) override {
      testing::fake_now += 250'000;
      Bytes query(tx.Query().begin(), tx.Query().end());
      tx.Respond(testing::Answer(query, {}));
    }
  } slow;
  Build({{".", "{duration}", kAllClasses}});
  handler_->SetNext(&slow);
  ClientTransaction client(Query("a.", 1));
  handler_->Serve(client);
  EXPECT_EQ(Logged(), "[INFO] 0.00025s\n");
}

TEST_F(LogChain, OnlyNamesUnderARuleAreLoggedAndTheFirstRuleWins) {
  Build({{"example.org.", "first {name}", kAllClasses}, {"org.", "second {name}", kAllClasses}});
  Ask("www.example.org.");
  Ask("example.org.");
  Ask("other.org.");
  Ask("example.net.");
  EXPECT_EQ(Logged(), "[INFO] first www.example.org.\n[INFO] first example.org.\n[INFO] second other.org.\n");
}

TEST_F(LogChain, ClassFiltersSelectByResponseType) {
  const std::uint8_t denial = static_cast<std::uint8_t>(ResponseClass::kDenial);
  const std::uint8_t error = static_cast<std::uint8_t>(ResponseClass::kError);
  Build({{".", "{name} {rcode}", static_cast<std::uint8_t>(denial | error)}});
  const std::string soa = "org. 60 IN SOA a. b. 1 2 3 4 5";
  Ask("answer.org.");                                               // success
  Ask("nodata.org.", Reply{.authority = {soa}});                    // denial (NODATA)
  Ask("nx.org.", Reply{.rcode = 3, .authority = {soa}});            // denial
  Ask("referral.org.", Reply{.authority = {"referral.org. 60 IN NS ns.x."}});  // success
  Ask("fail.org.", Reply{.rcode = 2});                              // error
  Ask("refused.org.", Reply{.rcode = 5});                           // error (other)
  EXPECT_EQ(Logged(),
            "[INFO] nodata.org. NOERROR\n[INFO] nx.org. NXDOMAIN\n[INFO] fail.org. SERVFAIL\n"
            "[INFO] refused.org. REFUSED\n");
}

TEST_F(LogChain, SuccessClassLogsAnswersAndReferrals) {
  Build({{".", "{name}", static_cast<std::uint8_t>(ResponseClass::kSuccess)}});
  Ask("answer.org.");
  Ask("referral.org.", Reply{.authority = {"referral.org. 60 IN NS ns.x."}});
  Ask("nx.org.", Reply{.rcode = 3, .authority = {"org. 60 IN SOA a. b. 1 2 3 4 5"}});
  EXPECT_EQ(Logged(), "[INFO] answer.org.\n[INFO] referral.org.\n");
}

// An errors handler of one worker, printing to a captured sink.
struct ErrorsUnderTest {
  explicit ErrorsUnderTest(std::vector<errors::PatternSpec> patterns = {})
      : factory(std::move(patterns), captured.sink), handler(factory.CreateHandler(worker)) {}
  CapturedSink captured;
  errors::ErrorsFactory factory;
  boost::asio::io_context io;
  pipeline::WorkerContext worker{io, 0};
  std::unique_ptr<pipeline::Handler> handler;
};

TEST(ErrorsChain, ServfailFromDownstreamIsLoggedAsAnError) {
  ErrorsUnderTest errors_plugin;
  auto& captured = errors_plugin.captured;
  auto& handler = errors_plugin.handler;
  ChainEnd end;
  handler->SetNext(&end);
  for (auto [name, rcode] : {std::pair{"ok.example.", 0}, {"Bad.Example.", 2}, {"nx.example.", 3}}) {
    end.reply = Reply{.rcode = static_cast<std::uint8_t>(rcode)};
    ClientTransaction client(Query(name, 28));
    handler->Serve(client);
    EXPECT_EQ(client.responses, 1);
  }
  EXPECT_EQ(captured.Text(), "[ERROR] plugin/errors: 2 bad.example. AAAA: SERVFAIL\n");
}

// The rest of the chain as forward when its last attempt timed out: notes the failure, SERVFAIL.
class TimedOutUpstream final : public pipeline::Handler {
 public:
  void Serve(pipeline::Transaction& tx) override {
    pipeline::FailureNote& note = tx.Failure();
    note.kind = pipeline::FailureKind::kNetwork;
    note.op = pipeline::NetOp::kRead;
    note.code = pipeline::kFailureTimeout;
    note.local = boost::asio::ip::make_address("127.0.0.1");
    note.local_port = 41234;
    note.remote = boost::asio::ip::make_address("127.0.0.1");
    note.remote_port = 53;
    tx.RespondError(wire::Rcode::kServFail);
  }
};

TEST(ErrorsChain, TheFailingPluginsCauseIsTheReason) {
  ErrorsUnderTest errors_plugin;
  auto& captured = errors_plugin.captured;
  auto& handler = errors_plugin.handler;
  TimedOutUpstream end;
  handler->SetNext(&end);
  ClientTransaction client(Query("example.org.", 1));
  handler->Serve(client);
  EXPECT_EQ(client.responses, 1);
  EXPECT_EQ(captured.Text(),
            "[ERROR] plugin/errors: 2 example.org. A: read udp 127.0.0.1:41234->127.0.0.1:53: i/o timeout\n");
}

TEST(ErrorsChain, AQueryAfterAFailureStartsWithoutItsNote) {
  ErrorsUnderTest errors_plugin;
  auto& captured = errors_plugin.captured;
  auto& handler = errors_plugin.handler;
  TimedOutUpstream failing;
  ChainEnd servfail;
  servfail.reply = Reply{.rcode = 2};
  ClientTransaction client(Query("example.org.", 1));  // one root reused, as the server's pools do
  handler->SetNext(&failing);
  handler->Serve(client);
  handler->SetNext(&servfail);
  handler->Serve(client);
  EXPECT_EQ(captured.Text(),
            "[ERROR] plugin/errors: 2 example.org. A: read udp 127.0.0.1:41234->127.0.0.1:53: i/o timeout\n"
            "[ERROR] plugin/errors: 2 example.org. A: SERVFAIL\n");
}

TEST(ErrorsChain, ConsolidatePatternsOfRealConfigsMatchTheCause) {
  ErrorsUnderTest errors_plugin({{std::chrono::milliseconds(200), ".* i/o timeout$", errors::Level::kError}});
  auto& captured = errors_plugin.captured;
  auto& handler = errors_plugin.handler;
  TimedOutUpstream end;
  handler->SetNext(&end);
  for (int i = 0; i < 3; ++i) {
    ClientTransaction client(Query("example.org.", 1));
    handler->Serve(client);
  }
  EXPECT_EQ(captured.Text(), "");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(captured.Text(), "[ERROR] plugin/errors: 3 errors like '.* i/o timeout$' occurred in last 200ms\n");
}

TEST(ErrorsChain, ConsolidatedErrorsArePrintedOnceWithTheirCount) {
  ErrorsUnderTest errors_plugin({{std::chrono::milliseconds(200), "^SERVFAIL$", errors::Level::kWarning}});
  auto& captured = errors_plugin.captured;
  auto& handler = errors_plugin.handler;
  ChainEnd end;
  end.reply = Reply{.rcode = 2};
  handler->SetNext(&end);
  for (int i = 0; i < 5; ++i) {
    ClientTransaction client(Query("a.example.", 1));
    handler->Serve(client);
  }
  EXPECT_EQ(captured.Text(), "");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(captured.Text(), "[WARNING] plugin/errors: 5 errors like '^SERVFAIL$' occurred in last 200ms\n");
}

}  // namespace
}  // namespace dnsd::plugins::log
