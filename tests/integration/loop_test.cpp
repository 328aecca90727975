// The `loop` plugin in running daemons: a forwarding loop (to itself, between two daemons, brought
// in by a reload) halts dnsd with status 1 and CoreDNS's FATAL line; with a real upstream it keeps
// serving; while its probe goes unanswered, other queries are answered and the probe is retried
// until CoreDNS's 30 s are up.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/upstream.hpp"
#include "loop_util.hpp"

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// How long a daemon may take to see its own probe loop: the probe goes out at start-up (CoreDNS too).
constexpr auto kDetectWithin = 10s;

// `.` served on @PORT@ with loop, forwarding to `upstream` (a Corefile form address).
std::string LoopCorefile(const std::string& upstream, const std::string& zone = ".") {
  return zone + ":@PORT@ {\n    loop\n    forward . " + upstream + "\n}\n";
}

// CoreDNS's fatal line for a loop seen by the daemon on `port` in zone `zone` ("." or "x.y.").
std::regex FatalLine(std::uint16_t port, const std::string& zone) {
  const std::string escaped_zone = std::regex_replace(zone, std::regex(R"(\.)"), R"(\.)");
  const std::string suffix = zone == "." ? "" : escaped_zone;
  return std::regex(R"(\[FATAL\] plugin/loop: Loop \(127\.0\.0\.1:[0-9]+ -> :)" + std::to_string(port) +
                    R"(\) detected for zone ")" + escaped_zone +
                    R"(", see https://coredns\.io/plugins/loop#troubleshooting\. Query: "HINFO [0-9]+\.[0-9]+\.)" +
                    suffix + R"("\n)");
}

void ExpectHaltedByLoop(Daemon& daemon, const std::string& zone = ".") {
  auto status = daemon.WaitExit(kDetectWithin);
  ASSERT_TRUE(status.has_value()) << "dnsd still runs; stderr:\n" << daemon.stderr_text();
  EXPECT_TRUE(status->exited) << status->Describe();
  EXPECT_EQ(status->code, 1) << status->Describe();
  const std::string err = daemon.stderr_text();
  EXPECT_TRUE(std::regex_search(err, FatalLine(daemon.endpoint().port, zone))) << err;
}

void ExpectAnswered(const Endpoint& server, const std::string& name = zone::kService) {
  auto reply = Query(server, name, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.has_value()) << name;
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
}

TEST(LoopDetection, ADaemonForwardingToItselfExitsWithStatus1AndCoreDnsFatalLine) {
  const std::uint16_t port = FreePort();
  const auto start = Clock::now();
  Daemon daemon(LoopCorefile("127.0.0.1:@PORT@"), Daemon::Unwaited{port});
  ExpectHaltedByLoop(daemon);
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST(LoopDetection, TheProbeNameIsInTheFirstZoneOfTheServerBlock) {
  const std::uint16_t port = FreePort();
  Daemon daemon("svc.cluster.local:@PORT@ example.org:@PORT@ {\n loop\n forward . 127.0.0.1:@PORT@\n}\n",
                Daemon::Unwaited{port});
  ExpectHaltedByLoop(daemon, "svc.cluster.local.");
}

TEST(LoopDetection, TwoDaemonsForwardingToEachOtherHalt) {
  const std::uint16_t port_a = FreePort();
  std::uint16_t port_b = FreePort();
  while (port_b == port_a) port_b = FreePort();
  Daemon a(LoopCorefile("127.0.0.1:" + std::to_string(port_b)), Daemon::Unwaited{port_a});
  Daemon b(LoopCorefile("127.0.0.1:" + std::to_string(port_a)), Daemon::Unwaited{port_b});
  // Whichever probes while the other is up sees its probe come back through the other daemon. The
  // one that probed first may have had its probe refused (its peer not listening yet), which is an
  // answer: it then lives on, as CoreDNS would.
  const auto deadline = Clock::now() + kDetectWithin;
  while (a.Running() && b.Running() && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
  int halted = 0;
  for (Daemon* daemon : {&a, &b}) {
    auto status = daemon->WaitExit(1s);  // the other one's probe is under way, or it lives on
    if (!status) continue;
    ++halted;
    EXPECT_TRUE(status->exited && status->code == 1) << status->Describe();
    EXPECT_TRUE(std::regex_search(daemon->stderr_text(), FatalLine(daemon->endpoint().port, ".")))
        << daemon->stderr_text();
  }
  EXPECT_GE(halted, 1) << "a:\n" << a.stderr_text() << "b:\n" << b.stderr_text();
}

TEST(LoopDetection, ALoopBroughtInByAReloadHaltsTheDaemon) {
  Upstream upstream;
  Daemon daemon(LoopCorefile(upstream.endpoint().ToString()));
  ExpectAnswered(daemon.endpoint());
  const std::string port = std::to_string(daemon.endpoint().port);
  WriteFile(daemon.corefile(), ".:" + port + " {\n    loop\n    forward . 127.0.0.1:" + port + "\n}\n");
  ::kill(daemon.pid(), SIGUSR1);
  ExpectHaltedByLoop(daemon);
}

TEST(LoopDetection, WithARealUpstreamTheDaemonKeepsServing) {
  Upstream upstream;
  Daemon daemon(LoopCorefile(upstream.endpoint().ToString()));
  ExpectAnswered(daemon.endpoint());
  // Past the first retry a failed probe would have caused (2 s timeout, 1 s pause).
  std::this_thread::sleep_for(3500ms);
  ASSERT_TRUE(daemon.Running()) << daemon.stderr_text();
  ExpectAnswered(daemon.endpoint());
  auto hinfo = Query(daemon.endpoint(), zone::kService, LDNS_RR_TYPE_HINFO);
  ASSERT_TRUE(hinfo.has_value());
  EXPECT_EQ(hinfo->rcode(), LDNS_RCODE_NOERROR);
  const ExitStatus status = daemon.Stop();
  EXPECT_TRUE(status.exited && status.code == 0) << status.Describe();
  EXPECT_EQ(daemon.stderr_text().find("FATAL"), std::string::npos) << daemon.stderr_text();
}

TEST(LoopDetection, TheProbeIsSentOnceWhenItIsAnswered) {
  Upstream upstream;
  ProbeWatchingRelay observer(upstream.endpoint(), /*swallow=*/false);
  Daemon daemon(LoopCorefile(observer.endpoint().ToString()));
  std::this_thread::sleep_for(3500ms);  // a failed probe would have been repeated by now
  const auto probes = observer.probes();
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_TRUE(std::regex_match(probes.front().name, std::regex(R"([0-9]+\.[0-9]+\.)"))) << probes.front().name;
  ExpectAnswered(daemon.endpoint());
  EXPECT_EQ(daemon.Stop().code, 0);
}

TEST(LoopDetection, WhileTheProbeIsUnansweredOtherQueriesAreAnsweredAndItIsRetriedFor30Seconds) {
  Upstream upstream;
  ProbeWatchingRelay relay(upstream.endpoint(), /*swallow=*/true);
  const auto start = Clock::now();
  Daemon daemon(LoopCorefile(relay.endpoint().ToString(), zone::kApex));
  // Probing: the same probe name keeps coming (each probe forward may also retry within its 5 s).
  ExpectAnswered(daemon.endpoint());
  auto hinfo = Query(daemon.endpoint(), zone::kService, LDNS_RR_TYPE_HINFO);  // a HINFO, not the probe
  ASSERT_TRUE(hinfo.has_value());
  EXPECT_EQ(hinfo->rcode(), LDNS_RCODE_NOERROR);
  std::this_thread::sleep_for(7s - (Clock::now() - start));
  auto probes = relay.probes();
  ASSERT_FALSE(probes.empty());
  const std::string name = probes.front().name;
  EXPECT_TRUE(std::regex_match(name, std::regex(R"([0-9]+\.[0-9]+\.svc\.cluster\.local\.)"))) << name;
  for (const auto& probe : probes) EXPECT_EQ(probe.name, name);
  // A probe at 6 s (0, 3, 6 s: 2 s timeout and 1 s pause each) — later than forward's own retries of
  // the first one could come.
  EXPECT_GT(probes.back().at - start, 5500ms);
  ExpectAnswered(daemon.endpoint());

  // CoreDNS stops probing 30 s after start-up: the last probe at 27 s, forward's retries of it
  // within its 5 s; then nothing more.
  std::this_thread::sleep_for(37s - (Clock::now() - start));
  probes = relay.probes();
  EXPECT_GT(probes.back().at - start, 22s);
  EXPECT_LT(probes.back().at - start, 35s);
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(relay.probes().size(), probes.size());
  ASSERT_TRUE(daemon.Running()) << daemon.stderr_text();
  ExpectAnswered(daemon.endpoint());
  const ExitStatus status = daemon.Stop();
  EXPECT_TRUE(status.exited && status.code == 0) << status.Describe();
}

}  // namespace
}  // namespace dnsd::it
