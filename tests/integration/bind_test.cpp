// The `bind` plugin through the running daemon against knot: a bound server block answers on its
// addresses only, `except` removes addresses, blocks with the same zone and port on different
// addresses answer each with their own chain, and an address that is not local fails start-up.
// Only 127.0.0.0/8 and ::1 are used (Linux routes all of 127/8 to lo, so 127.0.0.2.. bind as is).
#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/temp_dir.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;

constexpr auto kQuiet = 500ms;  // how long a query to an address dnsd does not listen on waits

std::optional<Reply> Ask(const std::string& host, uint16_t port, const std::string& name,
                         Transport transport = Transport::kUdp) {
  return Query({host, port}, name, LDNS_RR_TYPE_A, QueryOptions{}.Over(transport).Timeout(kQuiet * 4));
}

bool Silent(const std::string& host, uint16_t port) {
  if (TcpConnection({host, port}).connected()) return false;
  return !Query({host, port}, zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Timeout(kQuiet)).has_value();
}

// The daemon answers the test service on `host` over UDP and TCP.
void ExpectServesOverUdpAndTcp(const Daemon& daemon, const std::string& host) {
  for (Transport transport : {Transport::kUdp, Transport::kTcp}) {
    auto reply = Ask(host, daemon.endpoint().port, zone::kService, transport);
    ASSERT_TRUE(reply) << host << "\n" << daemon.stderr_text();
    EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA}) << host;
  }
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

TEST(Bind, ABoundBlockAnswersOnItsAddressAndNotOnOthers) {
  Upstream knot;
  Daemon daemon(".:@PORT@ {\n    bind 127.0.0.2\n    forward . " + knot.endpoint().ToString() + "\n}\n", {},
                "127.0.0.2");
  const uint16_t port = daemon.endpoint().port;
  ExpectServesOverUdpAndTcp(daemon, "127.0.0.2");
  EXPECT_TRUE(Silent("127.0.0.1", port));
  EXPECT_TRUE(Silent("::1", port));
  // CoreDNS's start-up line for a bound listener.
  EXPECT_NE(daemon.stdout_text().find(".:" + std::to_string(port) + " on 127.0.0.2\n"), std::string::npos)
      << daemon.stdout_text();
  ExitStatus st = daemon.Stop();
  EXPECT_TRUE(st.exited && st.code == 0) << st.Describe();
}

TEST(Bind, AnIpv6AddressIsBoundAlone) {
  Upstream knot;
  Daemon daemon(".:@PORT@ {\n    bind ::1\n    forward . " + knot.endpoint().ToString() + "\n}\n", {}, "::1");
  const uint16_t port = daemon.endpoint().port;
  ExpectServesOverUdpAndTcp(daemon, "::1");
  EXPECT_TRUE(Silent("127.0.0.1", port));
}

TEST(Bind, AnInterfaceNameListensOnItsAddressesLessTheExceptedOnes) {
  Upstream knot;
  Daemon daemon(".:@PORT@ {\n    bind lo 127.0.0.2 { except 127.0.0.1 }\n    forward . " +
                    knot.endpoint().ToString() + "\n}\n",
                {}, "127.0.0.2");
  const uint16_t port = daemon.endpoint().port;
  for (const char* host : {"127.0.0.2", "::1"}) {
    auto reply = Ask(host, port, zone::kService);
    ASSERT_TRUE(reply) << host << "\n" << daemon.stderr_text();
    EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA}) << host;
  }
  EXPECT_TRUE(Silent("127.0.0.1", port));
  const std::string out = daemon.stdout_text();
  EXPECT_NE(out.find(" on ::1\n"), std::string::npos) << out;
  EXPECT_EQ(out.find(" on 127.0.0.1\n"), std::string::npos) << out;
}

TEST(Bind, TwoBlocksServeTheSameZoneOnOnePortEachOnItsAddress) {
  Upstream knot;
  const std::string forward = "    forward . " + knot.endpoint().ToString() + "\n";
  Daemon daemon(".:@PORT@ {\n    bind 127.0.0.3\n" + forward + "}\n" +
                    ".:@PORT@ {\n    bind 127.0.0.4\n    rewrite name exact " + zone::kMissing + " " + zone::kService +
                    "\n" + forward + "}\n",
                {}, "127.0.0.3");
  const uint16_t port = daemon.endpoint().port;
  auto plain = Ask("127.0.0.3", port, zone::kMissing);
  auto rewritten = Ask("127.0.0.4", port, zone::kMissing);
  ASSERT_TRUE(plain && rewritten) << daemon.stderr_text();
  EXPECT_EQ(plain->rcode(), LDNS_RCODE_NXDOMAIN) << plain->ToString();
  EXPECT_EQ(rewritten->rcode(), LDNS_RCODE_NOERROR) << rewritten->ToString();
  EXPECT_EQ(rewritten->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
  EXPECT_TRUE(Silent("127.0.0.1", port));
}

// As CoreDNS on Linux: a query to a bound address reaches the bound listener, which serves only its
// own blocks' zones; the wildcard listener serves the other addresses.
TEST(Bind, ABoundAddressServesOnlyItsBlocksBesideAnUnboundBlock) {
  Upstream knot;
  const std::string forward = "    forward . " + knot.endpoint().ToString() + "\n";
  Daemon daemon("svc.cluster.local:@PORT@ {\n    bind 127.0.0.5\n" + forward + "}\n" +
                "example.org:@PORT@ {\n" + forward + "}\n");
  const uint16_t port = daemon.endpoint().port;
  auto bound = Ask("127.0.0.5", port, zone::kService);
  auto bound_other = Ask("127.0.0.5", port, "www.example.org.");
  auto unbound = Ask("127.0.0.1", port, zone::kService);
  ASSERT_TRUE(bound && bound_other && unbound) << daemon.stderr_text();
  EXPECT_EQ(bound->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
  EXPECT_EQ(bound_other->rcode(), LDNS_RCODE_REFUSED);
  EXPECT_EQ(unbound->rcode(), LDNS_RCODE_REFUSED);
}

TEST(Bind, AnAddressNotOnThisHostFailsStartUp) {
  TempDir dir("dnsd-bind-nonlocal");
  const std::string port = std::to_string(FreePort());
  WriteFile(dir / "Corefile", ".:" + port + " {\n    bind 192.0.2.1\n    forward . 127.0.0.1:9\n}\n");
  const auto start = std::chrono::steady_clock::now();
  RunResult r = RunToCompletion({DaemonBinary(), "-conf", (dir / "Corefile").string()}, 5000ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(r.status.exited && r.status.code == 1) << r.status.Describe() << "\n" << r.err;
  EXPECT_NE(r.err.find("dnsd: listen: udp 192.0.2.1:" + port +
                       ": cannot assign requested address (192.0.2.1 is not an address of this host)"),
            std::string::npos)
      << r.err;
}

// SIGUSR1 with other bind addresses: the new address answers, the one gone is closed; a reload to
// an address that is not local fails and keeps the running config.
TEST(Bind, AReloadMovesTheListenerToTheNewAddresses) {
  Upstream knot;
  const std::string corefile =
      ".:@PORT@ {\n    bind @HOST@\n    forward . " + knot.endpoint().ToString() + "\n}\n";
  Daemon daemon(Replace(corefile, "@HOST@", "127.0.0.6"), {}, "127.0.0.6");
  const std::string port = std::to_string(daemon.endpoint().port);
  const uint16_t port_number = daemon.endpoint().port;

  WriteFile(daemon.corefile(), Replace(Replace(corefile, "@HOST@", "127.0.0.7 ::1"), "@PORT@", port));
  ::kill(daemon.pid(), SIGUSR1);
  std::optional<Reply> moved;
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       !moved && std::chrono::steady_clock::now() < deadline;) {
    moved = Query({"127.0.0.7", port_number}, zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Timeout(200ms));
  }
  ASSERT_TRUE(moved) << daemon.stderr_text();
  EXPECT_TRUE(Ask("::1", port_number, zone::kService, Transport::kTcp));
  EXPECT_TRUE(Silent("127.0.0.6", port_number));

  WriteFile(daemon.corefile(), Replace(Replace(corefile, "@HOST@", "192.0.2.1"), "@PORT@", port));
  ::kill(daemon.pid(), SIGUSR1);
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       daemon.stderr_text().find("192.0.2.1") == std::string::npos && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_NE(daemon.stderr_text().find("SIGUSR1: listen: udp 192.0.2.1:" + port + ": cannot assign requested address"),
            std::string::npos)
      << daemon.stderr_text();
  EXPECT_TRUE(Ask("127.0.0.7", port_number, zone::kService));
  ExitStatus st = daemon.Stop();
  EXPECT_TRUE(st.exited && st.code == 0) << st.Describe();
}

// From every address to a bound one on the same port: the new socket opens beside dnsd's own
// wildcard ones (only its being local can be checked up front), then the wildcard ones close.
TEST(Bind, AReloadFromTheWildcardToABoundAddressOnTheSamePort) {
  Upstream knot;
  const std::string forward = "    forward . " + knot.endpoint().ToString() + "\n";
  Daemon daemon(".:@PORT@ {\n" + forward + "}\n");
  const uint16_t port = daemon.endpoint().port;
  const std::string key = ".:" + std::to_string(port);

  WriteFile(daemon.corefile(), key + " {\n    bind 192.0.2.1\n" + forward + "}\n");
  ::kill(daemon.pid(), SIGUSR1);
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       daemon.stderr_text().find("192.0.2.1") == std::string::npos && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_NE(daemon.stderr_text().find("is not an address of this host"), std::string::npos) << daemon.stderr_text();
  EXPECT_TRUE(Ask("127.0.0.1", port, zone::kService)) << "the running config must keep serving";

  WriteFile(daemon.corefile(), key + " {\n    bind 127.0.0.8\n" + forward + "}\n");
  ::kill(daemon.pid(), SIGUSR1);
  std::optional<Reply> moved;
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       !moved && std::chrono::steady_clock::now() < deadline;) {
    moved = Query({"127.0.0.8", port}, zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Timeout(200ms));
    // Until the swap the wildcard socket answers 127.0.0.8 too: wait for the wildcard to go.
    if (moved && !Silent("127.0.0.1", port)) moved.reset();
  }
  ASSERT_TRUE(moved) << daemon.stderr_text();
  ExpectServesOverUdpAndTcp(daemon, "127.0.0.8");
  EXPECT_TRUE(Silent("::1", port));
  ExitStatus st = daemon.Stop();
  EXPECT_TRUE(st.exited && st.code == 0) << st.Describe();
}

}  // namespace
}  // namespace dnsd::it
