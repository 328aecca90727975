// log and errors through the running daemon: each query yields exactly CoreDNS's line on dnsd's
// stdout, class filters apply, and a dead or silent upstream produces the errors plugin's line with
// forward's cause (Go's net error text), which consolidate patterns count.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/faulty_upstream.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;

// dnsd's standard output: the Daemon fixture sends it to "stdout" beside the Corefile.
std::string Stdout(const Daemon& daemon) {
  std::ifstream in(daemon.corefile().parent_path() / "stdout");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The lines of dnsd's stdout that contain `needle`, once there are `want` of them (or after 3 s).
std::vector<std::string> LinesWith(const Daemon& daemon, const std::string& needle, std::size_t want) {
  std::vector<std::string> lines;
  for (auto deadline = std::chrono::steady_clock::now() + 3s; std::chrono::steady_clock::now() < deadline;) {
    lines.clear();
    std::istringstream text(Stdout(daemon));
    for (std::string line; std::getline(text, line);) {
      if (line.find(needle) != std::string::npos) lines.push_back(line);
    }
    if (lines.size() >= want) break;
    std::this_thread::sleep_for(20ms);
  }
  return lines;
}

std::string Escape(const std::string& text) {
  return std::regex_replace(text, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
}

class LogThroughDaemon : public ::testing::Test {
 protected:
  void Start(const std::string& plugins, const std::vector<Endpoint>& upstreams) {
    std::string corefile = ".:@PORT@ {\n" + plugins + "\n    forward .";
    for (const auto& up : upstreams) corefile += " " + up.ToString();
    daemon_ = std::make_unique<Daemon>(corefile + "\n}\n");
  }
  void TearDown() override {
    if (!daemon_) return;
    if (HasFailure()) std::cerr << "dnsd stdout:\n" << Stdout(*daemon_) << "\nstderr:\n" << daemon_->stderr_text();
    ExitStatus st = daemon_->Stop();
    EXPECT_TRUE(st.exited && st.code == 0) << st.Describe() << "\n" << daemon_->stderr_text();
  }
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(LogThroughDaemon, EachQueryPrintsCoreDnsDefaultLine) {
  Upstream upstream;
  Start("    log", {upstream.endpoint()});
  auto udp = Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Id(4321));
  auto tcp = Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_AAAA,
                   QueryOptions{}.Tcp().Edns(1232).Do().Id(4322));
  auto nx = Query(daemon_->endpoint(), zone::kMissing, LDNS_RR_TYPE_A, QueryOptions{}.Id(4323));
  ASSERT_TRUE(udp && tcp && nx);
  const std::string service(zone::kService);
  // The fixture's readiness probes ask for the same name: pick the lines by query ID. Lines of
  // different workers may come out of order (one ring per worker).
  std::vector<std::string> lines;
  for (const char* id : {" - 4321 ", " - 4322 "}) {
    auto found = LinesWith(*daemon_, id, 1);
    ASSERT_EQ(found.size(), 1u) << id << "\n" << Stdout(*daemon_);
    lines.push_back(found[0]);
  }
  const std::string query_size = std::to_string(12 + service.size() + 1 + 4);
  EXPECT_TRUE(std::regex_match(lines[0], std::regex(
      R"(\[INFO\] 127\.0\.0\.1:[0-9]+ - 4321 "A IN )" + Escape(service) + " udp " + query_size +
      R"( false 512" NOERROR qr,aa,rd )" + std::to_string(udp->wire_size()) + R"( [0-9.]+s)")))
      << lines[0];
  EXPECT_TRUE(std::regex_match(lines[1], std::regex(
      R"(\[INFO\] 127\.0\.0\.1:[0-9]+ - 4322 "AAAA IN )" + Escape(service) + " tcp " +
      std::to_string(12 + service.size() + 1 + 4 + 11) + R"( true 65535" NOERROR qr,aa,rd )" +
      std::to_string(tcp->wire_size()) + R"( [0-9.]+s)")))
      << lines[1];
  auto missing = LinesWith(*daemon_, zone::kMissing, 1);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_NE(missing[0].find("\" NXDOMAIN qr,aa,rd "), std::string::npos) << missing[0];
}

TEST_F(LogThroughDaemon, NamesAndClassFiltersChooseTheLoggedQueries) {
  Upstream upstream;
  Start("    log ns1-default.svc.cluster.local. \"{name} {rcode}\" {\n        class denial\n    }",
        {upstream.endpoint()});
  ASSERT_TRUE(Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_A));            // success: no
  ASSERT_TRUE(Query(daemon_->endpoint(), zone::kMissing, LDNS_RR_TYPE_A));            // other name: no
  const std::string nodata = zone::ServiceName(2, 1);
  ASSERT_TRUE(Query(daemon_->endpoint(), nodata, LDNS_RR_TYPE_MX));                   // denial: yes
  auto lines = LinesWith(*daemon_, "[INFO] ", 1);
  std::this_thread::sleep_for(100ms);
  lines = LinesWith(*daemon_, "[INFO] ", 1);
  ASSERT_EQ(lines.size(), 1u) << Stdout(*daemon_);
  EXPECT_EQ(lines[0], "[INFO] " + nodata + " NOERROR");
}

// errors prints forward's cause as CoreDNS prints Go's net.OpError: the line a log pipeline and
// `consolidate` patterns of real configs match on.
TEST_F(LogThroughDaemon, DeadUpstreamLineCarriesTheRefusedReadAsCoreDnsPrintsIt) {
  const Endpoint dead{"127.0.0.1", FreePort()};
  Start("    errors", {dead});
  auto reply = Query(daemon_->endpoint(), "dead.example.", LDNS_RR_TYPE_AAAA, QueryOptions{}.Timeout(8000ms));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_SERVFAIL);
  auto lines = LinesWith(*daemon_, "dead.example.", 1);
  ASSERT_EQ(lines.size(), 1u) << Stdout(*daemon_);
  EXPECT_TRUE(std::regex_match(lines[0], std::regex(Escape("[ERROR] plugin/errors: 2 dead.example. AAAA: read udp 127.0.0.1:") +
                                                    "[0-9]+" + Escape("->" + dead.ToString() + ": read: connection refused"))))
      << lines[0];
}

TEST_F(LogThroughDaemon, DeadUpstreamOverTcpIsARefusedDial) {
  const Endpoint dead{"127.0.0.1", FreePort()};
  daemon_ = std::make_unique<Daemon>(".:@PORT@ {\n    errors\n    forward . " + dead.ToString() +
                                     " {\n        force_tcp\n    }\n}\n");
  auto reply = Query(daemon_->endpoint(), "dead.example.", LDNS_RR_TYPE_A, QueryOptions{}.Timeout(8000ms));
  ASSERT_TRUE(reply.has_value());
  auto lines = LinesWith(*daemon_, "dead.example.", 1);
  ASSERT_EQ(lines.size(), 1u) << Stdout(*daemon_);
  EXPECT_EQ(lines[0], "[ERROR] plugin/errors: 2 dead.example. A: dial tcp " + dead.ToString() +
                          ": connect: connection refused");
}

TEST_F(LogThroughDaemon, BlackholeUpstreamLineEndsInIoTimeout) {
  FaultyUpstream blackhole(Fault::kSilent);
  Start("    errors", {blackhole.endpoint()});
  auto reply = Query(daemon_->endpoint(), "hole.example.", LDNS_RR_TYPE_A, QueryOptions{}.Timeout(8000ms));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_SERVFAIL);
  auto lines = LinesWith(*daemon_, "hole.example.", 1);
  ASSERT_EQ(lines.size(), 1u) << Stdout(*daemon_);
  EXPECT_TRUE(std::regex_match(lines[0], std::regex(Escape("[ERROR] plugin/errors: 2 hole.example. A: read udp 127.0.0.1:") +
                                                    "[0-9]+" + Escape("->" + blackhole.endpoint().ToString() +
                                                                      ": i/o timeout"))))
      << lines[0];
}

// The patterns Kubernetes platform teams put in their Corefiles count these failures.
TEST_F(LogThroughDaemon, ConsolidatePatternsOfRealConfigsCountTimeoutsAndRefusals) {
  FaultyUpstream blackhole(Fault::kSilent);
  const Endpoint dead{"127.0.0.1", FreePort()};
  daemon_ = std::make_unique<Daemon>(
      "hole.example.:@PORT@ {\n    errors {\n        consolidate 2s \".* i/o timeout$\"\n    }\n    forward . " +
      blackhole.endpoint().ToString() + "\n}\n" +
      "dead.example.:@PORT@ {\n    errors {\n        consolidate 2s \"^.* connection refused$\"\n    }\n    forward . " +
      dead.ToString() + "\n}\n");
  auto ask_the_hole = [&] { Query(daemon_->endpoint(), "hole.example.", LDNS_RR_TYPE_A, QueryOptions{}.Timeout(8000ms)); };
  std::thread first(ask_the_hole), second(ask_the_hole);  // together: one 2 s window counts both
  for (int i = 0; i < 3; ++i) {
    auto reply = Query(daemon_->endpoint(), "dead.example.", LDNS_RR_TYPE_A, QueryOptions{}.Timeout(8000ms));
    ASSERT_TRUE(reply.has_value());
  }
  first.join();
  second.join();
  auto refused = LinesWith(*daemon_, "connection refused", 1);
  auto timed_out = LinesWith(*daemon_, "i/o timeout", 1);
  ASSERT_EQ(refused.size(), 1u) << Stdout(*daemon_);
  EXPECT_EQ(refused[0], "[ERROR] plugin/errors: 3 errors like '^.* connection refused$' occurred in last 2s");
  ASSERT_EQ(timed_out.size(), 1u) << Stdout(*daemon_);
  EXPECT_EQ(timed_out[0], "[ERROR] plugin/errors: 2 errors like '.* i/o timeout$' occurred in last 2s");
}

}  // namespace
}  // namespace dnsd::it
