// The hosts plugin through the running daemon, with knot behind `forward`: hosts names are answered
// locally, fallthrough hands the rest to knot, a rewritten file is picked up at the reload interval,
// a missing name without fallthrough fails, the metrics show the file, and bad lines stop dnsd.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fixture/child_process.hpp"
#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/temp_dir.hpp"
#include "fixture/upstream.hpp"
#include "metrics_util.hpp"

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;
using Strings = std::vector<std::string>;

class HostsThroughDaemon : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      upstream_ = std::make_unique<Upstream>();
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() { upstream_.reset(); }
  void SetUp() override {
    if (!setup_error_.empty()) GTEST_FAIL() << setup_error_;
  }
  void TearDown() override {
    if (!daemon_) return;
    if (HasFailure()) std::cerr << "dnsd stderr:\n" << daemon_->stderr_text() << "\n";
    ExitStatus st = daemon_->Stop();
    EXPECT_TRUE(st.exited && st.code == 0) << st.Describe();
  }

  // `hosts_lines`: the hosts directive (and its block), indented by the caller.
  void Start(const std::string& hosts_lines, const std::string& extra = "") {
    daemon_ = std::make_unique<Daemon>(".:@PORT@ {\n" + hosts_lines + "\n" + extra + "    forward . " +
                                       upstream_->endpoint().ToString() + "\n}\n");
  }
  std::optional<Reply> Ask(const std::string& name, ldns_rr_type type) {
    return Query(daemon_->endpoint(), name, type);
  }
  Strings Addresses(const std::string& name) {
    auto r = Ask(name, LDNS_RR_TYPE_A);
    return r ? r->AnswerData(LDNS_RR_TYPE_A) : Strings{"(no reply)"};
  }
  bool AnswersWithin(const std::string& name, const Strings& addresses, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Addresses(name) == addresses) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  TempDir dir_{"dnsd-hosts"};
  std::string path_ = (dir_ / "NodeHosts").string();
  std::unique_ptr<Daemon> daemon_;
  static inline std::unique_ptr<Upstream> upstream_;
  static inline std::string setup_error_;
};

TEST_F(HostsThroughDaemon, TheK3sNodeHostsBlockAnswersLocallyAndFallsThroughToForward) {
  WriteFile(path_, "192.168.1.5 node-a\n192.168.1.6 node-b\nfd00::6 node-b\n");
  Start("    hosts " + path_ + " {\n        ttl 60\n        reload 15s\n        fallthrough\n    }");
  auto local = Ask("NODE-A.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(local);
  EXPECT_EQ(local->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(local->AnswerData(LDNS_RR_TYPE_A), Strings{"192.168.1.5"}) << local->ToString();
  EXPECT_TRUE(ldns_pkt_aa(local->pkt()));
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(local->pkt()), 0)), 60u);

  auto v6 = Ask("node-b.", LDNS_RR_TYPE_AAAA);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->AnswerData(LDNS_RR_TYPE_AAAA), Strings{"fd00::6"});
  auto ptr = Ask("6.1.168.192.in-addr.arpa.", LDNS_RR_TYPE_PTR);
  ASSERT_TRUE(ptr);
  EXPECT_EQ(ptr->AnswerData(LDNS_RR_TYPE_PTR), Strings{"node-b."}) << ptr->ToString();

  auto forwarded = Ask(zone::kService, LDNS_RR_TYPE_A);
  ASSERT_TRUE(forwarded);
  EXPECT_EQ(forwarded->AnswerData(LDNS_RR_TYPE_A), Strings{zone::kServiceA}) << forwarded->ToString();
  auto missing = Ask(zone::kMissing, LDNS_RR_TYPE_A);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->rcode(), LDNS_RCODE_NXDOMAIN) << "knot's NXDOMAIN, through forward";
  EXPECT_TRUE(missing->AuthoritySoa().has_value());
}

TEST_F(HostsThroughDaemon, ARewrittenFileIsPickedUpAfterTheReloadInterval) {
  WriteFile(path_, "10.7.0.1 moving.test\n");
  Start("    hosts " + path_ + " {\n        reload 300ms\n        fallthrough\n    }");
  EXPECT_EQ(Addresses("moving.test."), Strings{"10.7.0.1"});
  WriteFile(path_, "10.7.0.2 moving.test\n# and one more line, so the size changes too\n");
  EXPECT_TRUE(AnswersWithin("moving.test.", {"10.7.0.2"}, 5s)) << "the rewritten file was not picked up";
  EXPECT_EQ(Addresses(zone::kService), Strings{zone::kServiceA}) << "forward still answers the rest";
}

TEST_F(HostsThroughDaemon, WithoutFallthroughAMissingNameFailsAndIsNotForwarded) {
  WriteFile(path_, "10.7.0.1 known.test\n");
  Start("    hosts " + path_);
  auto r = Ask(zone::kService, LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  // CoreDNS answers SERVFAIL here: it has no SOA to deny a name with.
  EXPECT_EQ(r->rcode(), LDNS_RCODE_SERVFAIL) << r->ToString();
  EXPECT_EQ(Addresses("known.test."), Strings{"10.7.0.1"});
  auto nodata = Ask("known.test.", LDNS_RR_TYPE_AAAA);
  ASSERT_TRUE(nodata);
  EXPECT_EQ(nodata->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(nodata->answer_count(), 0u);
}

TEST_F(HostsThroughDaemon, ACorefileReloadReplacesTheHostsPluginAndItsReloadThread) {
  WriteFile(path_, "10.7.0.8 reloaded.test\n");
  Start("    hosts " + path_ + " {\n        ttl 60\n        reload 100ms\n        fallthrough\n    }");
  auto ttl_of = [this]() -> int64_t {
    auto r = Ask("reloaded.test.", LDNS_RR_TYPE_A);
    if (!r || r->answer_count() != 1) return -1;
    return ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(r->pkt()), 0));
  };
  ASSERT_EQ(ttl_of(), 60);
  std::string corefile = ReadFile(daemon_->corefile());
  corefile.replace(corefile.find("ttl 60"), 6, "ttl 120");
  WriteFile(daemon_->corefile(), corefile);
  ASSERT_EQ(::kill(daemon_->pid(), SIGUSR1), 0);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (ttl_of() != 120 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(ttl_of(), 120) << "the reloaded Corefile's hosts block is not in force";
  WriteFile(path_, "10.7.0.9 reloaded.test\n# longer\n");
  EXPECT_TRUE(AnswersWithin("reloaded.test.", {"10.7.0.9"}, 5s)) << "the new plugin does not watch the file";
}

TEST_F(HostsThroughDaemon, ZonesLimitHostsAndTheRestIsForwarded) {
  WriteFile(path_, "10.7.0.3 www.example.org\n10.7.0.4 svc1.ns1-default.svc.cluster.local\n");
  Start("    hosts " + path_ + " example.org");
  EXPECT_EQ(Addresses("www.example.org."), Strings{"10.7.0.3"});
  EXPECT_EQ(Addresses(zone::kService), Strings{zone::kServiceA}) << "outside the zones: knot answers";
}

TEST_F(HostsThroughDaemon, TheReadmeInlineExampleWithFallthrough) {
  Start("    hosts {\n        10.0.0.1 example.org\n        fallthrough\n    }");
  EXPECT_EQ(Addresses("example.org."), Strings{"10.0.0.1"});
  EXPECT_EQ(Addresses(zone::kService), Strings{zone::kServiceA});
}

TEST_F(HostsThroughDaemon, AMissingFileIsAWarningNotAnError) {
  Start("    hosts " + (dir_ / "absent").string() + " {\n        10.0.0.2 inline.test\n        fallthrough\n    }");
  EXPECT_EQ(Addresses("inline.test."), Strings{"10.0.0.2"});
  EXPECT_NE(daemon_->stderr_text().find("[WARNING] plugin/hosts: File does not exist: " + (dir_ / "absent").string()),
            std::string::npos)
      << daemon_->stderr_text();
}

TEST_F(HostsThroughDaemon, MetricsShowTheEntriesOfTheFile) {
  WriteFile(path_, "10.7.0.5 a.test b.test\n");
  const uint16_t metrics_port = FreePort();
  Start("    hosts " + path_ + " {\n        10.7.0.6 c.test\n        fallthrough\n    }",
        "    prometheus 127.0.0.1:" + std::to_string(metrics_port) + "\n");
  EXPECT_EQ(Addresses("a.test."), Strings{"10.7.0.5"});
  Samples samples = Parse(Body(HttpGet(metrics_port, "/metrics")));
  double by_hosts = 0;
  for (const auto& [series, value] : samples) {
    if (series.rfind("coredns_dns_responses_total{", 0) == 0 && series.find("plugin=\"hosts\"") != std::string::npos &&
        series.find("rcode=\"NOERROR\"") != std::string::npos) {
      by_hosts += value;
    }
  }
  EXPECT_GE(by_hosts, 1.0) << "hosts answers are counted with plugin=\"hosts\"";
  EXPECT_EQ(samples["coredns_hosts_entries{hostsfile=\"" + path_ + "\"}"], 6.0);  // 3 names, 3 reverse
  EXPECT_GT(samples["coredns_hosts_reload_timestamp_seconds"], 1.7e9);
}

struct BadHosts {
  const char* label;
  std::string block;  // lines 2.. of the Corefile
  std::string message;  // after "PATH/Corefile:"
};

class HostsConfigError : public ::testing::TestWithParam<BadHosts> {};

TEST_P(HostsConfigError, DnsdExitsAndPointsAtTheToken) {
  TempDir dir("dnsd-hosts-badconf");
  WriteFile(dir / "Corefile", ".:1053 {\n" + GetParam().block + "    forward . 127.0.0.1:53\n}\n");
  RunResult r = RunToCompletion({DaemonBinary(), "-conf", (dir / "Corefile").string()}, 5000ms);
  EXPECT_TRUE(r.status.exited && r.status.code != 0) << r.status.Describe() << "\n" << r.err;
  EXPECT_NE(r.err.find((dir / "Corefile").string() + ":" + GetParam().message), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Corefiles, HostsConfigError,
    ::testing::Values(
        BadHosts{"TtlZero", "    hosts {\n        ttl 0\n    }\n", "3:13: hosts: ttl provided is invalid"},
        BadHosts{"ReloadNegative", "    hosts {\n        reload -5s\n    }\n",
                 "3:16: hosts: invalid negative duration for reload '-5s'"},
        BadHosts{"UnknownPropertyAfterFallthrough", "    hosts {\n        fallthrough\n        tll 60\n    }\n",
                 "4:9: hosts: unknown property 'tll'"},
        BadHosts{"Twice", "    hosts\n    hosts\n", "3:5: plugin \"hosts\" given twice in one server block"}),
    [](const auto& info) { return std::string(info.param.label); });

}  // namespace
}  // namespace dnsd::it
