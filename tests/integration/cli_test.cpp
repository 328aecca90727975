// The command line as CoreDNS users know it: -version, -plugins, config errors that point, signals.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "fixture/child_process.hpp"
#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/temp_dir.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;

TEST(CommandLine, VersionPrintsTheNameAndAVersionAndExitsZero) {
  RunResult r = RunToCompletion({DaemonBinary(), "-version"}, 5000ms);
  EXPECT_TRUE(r.status.exited && r.status.code == 0) << r.status.Describe() << "\n" << r.err;
  std::string all = r.out + r.err;
  EXPECT_NE(all.find("dnsd"), std::string::npos) << all;
  EXPECT_TRUE(std::regex_search(all, std::regex("[0-9]+\\.[0-9]+\\.[0-9]+"))) << all;
}

TEST(CommandLine, PluginsListsForwardAndExitsZero) {
  RunResult r = RunToCompletion({DaemonBinary(), "-plugins"}, 5000ms);
  EXPECT_TRUE(r.status.exited && r.status.code == 0) << r.status.Describe() << "\n" << r.err;
  EXPECT_NE((r.out + r.err).find("forward"), std::string::npos) << r.out << r.err;
}

struct BadConfig {
  const char* label;
  std::string corefile;
  int line;  // where the error is
};

const BadConfig kBadConfigs[] = {
    {"UnknownPlugin", ".:1053 {\n    forward . 127.0.0.1:53\n    nosuchplugin\n}\n", 3},
    {"UnknownForwardPolicy", ".:1053 {\n    forward . 127.0.0.1:53 {\n        policy sideways\n    }\n}\n", 3},
    {"ForwardWithoutUpstream", ".:1053 {\n    forward .\n}\n", 2},
    {"UnclosedBlock", ".:1053 {\n    forward . 127.0.0.1:53\n", 0},
    {"BadUpstreamAddress", ".:1053 {\n    forward . 127.0.0.1:99999\n}\n", 2},
};

class ConfigError : public ::testing::TestWithParam<BadConfig> {};

TEST_P(ConfigError, ExitsNonZeroAndPointsAtFileLineColumn) {
  TempDir dir("dnsd-badconf");
  WriteFile(dir / "Corefile", GetParam().corefile);
  RunResult r = RunToCompletion({DaemonBinary(), "-conf", (dir / "Corefile").string()}, 5000ms);
  EXPECT_TRUE(r.status.exited) << "expected an exit, got " << r.status.Describe() << "\n" << r.err;
  EXPECT_NE(r.status.code, 0) << "a bad Corefile was accepted";
  // "file:line:column: message", as CoreDNS/Caddy print it.
  std::smatch m;
  std::regex where("Corefile:([0-9]+):([0-9]+)");
  ASSERT_TRUE(std::regex_search(r.err, m, where)) << "stderr lacks file:line:column:\n" << r.err;
  if (GetParam().line > 0) {
    EXPECT_EQ(std::stoi(m[1]), GetParam().line) << r.err;
  }
}

INSTANTIATE_TEST_SUITE_P(Corefiles, ConfigError, ::testing::ValuesIn(kBadConfigs),
                         [](const auto& info) { return std::string(info.param.label); });

TEST(CommandLine, CheckListsEveryErrorAndListensNowhere) {
  TempDir dir("dnsd-check");
  const uint16_t port = FreePort();
  WriteFile(dir / "Corefile", ".:" + std::to_string(port) +
                                  " {\n    nosuchplugin\n    forward . 127.0.0.1:99999\n}\n"
                                  "example.org:" + std::to_string(port) + " {\n    cache 30 {\n        bogus\n    }\n}\n");
  RunResult r = RunToCompletion({DaemonBinary(), "-check", "-conf", (dir / "Corefile").string()}, 5000ms);
  EXPECT_TRUE(r.status.exited && r.status.code == 1) << r.status.Describe() << "\n" << r.err;
  for (const char* where : {"Corefile:2:5: unknown plugin \"nosuchplugin\"", "Corefile:3:", "Corefile:7:",
                            ": 3 errors"}) {
    EXPECT_NE(r.err.find(where), std::string::npos) << where << "\n" << r.err;
  }

  WriteFile(dir / "Corefile", ".:" + std::to_string(port) + " {\n    forward . 127.0.0.1:53\n}\n");
  r = RunToCompletion({DaemonBinary(), "-check", "-conf", (dir / "Corefile").string()}, 5000ms);
  EXPECT_TRUE(r.status.exited && r.status.code == 0) << r.status.Describe() << "\n" << r.err;
  EXPECT_NE(r.out.find("Corefile: ok"), std::string::npos) << r.out;
  // It exited without serving: nothing answers on the port.
  EXPECT_FALSE(Query({"127.0.0.1", port}, zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Timeout(300ms)));
}

TEST(CommandLine, MissingConfigFileExitsNonZero) {
  RunResult r = RunToCompletion({DaemonBinary(), "-conf", "/nonexistent/Corefile"}, 5000ms);
  EXPECT_TRUE(r.status.exited && r.status.code != 0) << r.status.Describe();
  EXPECT_FALSE(r.err.empty());
}

TEST(Signals, SigintStopsTheDaemonWithExitZero) {
  Upstream knot;
  Daemon daemon(ForwardCorefile({knot.endpoint()}));
  ExitStatus st = daemon.Stop(SIGINT);
  EXPECT_TRUE(st.exited && st.code == 0) << st.Describe() << "\n" << daemon.stderr_text();
}

// The soft and hard "Max open files" of a running process, as /proc/PID/limits shows them.
std::pair<std::string, std::string> OpenFilesLimits(pid_t pid) {
  std::ifstream limits("/proc/" + std::to_string(pid) + "/limits");
  for (std::string line; std::getline(limits, line);) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream fields(line.substr(std::string("Max open files").size()));
    std::string soft, hard;
    fields >> soft >> hard;
    return {soft, hard};
  }
  return {};
}

TEST(Limits, TheSoftDescriptorLimitIsRaisedToTheHardOneAsCoreDnsDoes) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  if (saved.rlim_max <= 256) GTEST_SKIP() << "hard limit " << saved.rlim_max << ": nothing to raise to";
  rlimit low = saved;
  low.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  Upstream knot;
  std::unique_ptr<Daemon> daemon;
  try {
    daemon = std::make_unique<Daemon>(ForwardCorefile({knot.endpoint()}));
  } catch (...) {
    ::setrlimit(RLIMIT_NOFILE, &saved);
    throw;
  }
  ::setrlimit(RLIMIT_NOFILE, &saved);
  const auto [soft, hard] = OpenFilesLimits(daemon->pid());
  EXPECT_EQ(hard, std::to_string(saved.rlim_max));
  EXPECT_EQ(soft, hard) << "dnsd started with a soft limit of 256";
  ExitStatus st = daemon->Stop();
  EXPECT_TRUE(st.exited && st.code == 0) << st.Describe();
}

TEST(CommandLine, DnsPortFlagSetsThePortOfBlocksWithoutOne) {
  Upstream knot;
  uint16_t port = FreePort();
  TempDir dir("dnsd-port");
  WriteFile(dir / "Corefile", ". {\n    forward . " + knot.endpoint().ToString() + "\n}\n");
  ChildProcess dnsd({DaemonBinary(), "-conf", (dir / "Corefile").string(), "-dns.port", std::to_string(port),
                     "-pidfile", (dir / "dnsd.pid").string()},
                    dir / "stdout", dir / "stderr");
  std::optional<Reply> reply;
  for (int n = 0; n < 100 && !reply && dnsd.Running(); ++n) {
    reply = Query({"127.0.0.1", port}, zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Timeout(200ms));
    if (!reply) std::this_thread::sleep_for(50ms);  // a refused port fails at once
  }
  ASSERT_TRUE(reply.has_value()) << "nothing answers on -dns.port " << port << "\n" << ReadFile(dir / "stderr");
  EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
  EXPECT_EQ(ReadFile(dir / "dnsd.pid").substr(0, std::to_string(dnsd.pid()).size()), std::to_string(dnsd.pid()))
      << "-pidfile does not hold the daemon's pid";
  ExitStatus st = dnsd.Stop(SIGTERM, 10000ms);
  EXPECT_TRUE(st.exited && st.code == 0) << st.Describe();
}

// No -conf and no ./Corefile: the built-in default, whose DC/OS preset answers leader.mesos itself
// (NXDOMAIN with the synthesized mesos. SOA), so this needs no resolver at all.
TEST(CommandLine, BuiltInDefaultAnswersLegacyNamesWithThePreset) {
  uint16_t port = FreePort();
  TempDir dir("dnsd-default");
  ChildProcess dnsd({DaemonBinary(), "-dns.port", std::to_string(port)}, dir / "stdout", dir / "stderr");
  std::optional<Reply> reply;
  for (int n = 0; n < 100 && !reply && dnsd.Running(); ++n) {
    reply = Query({"127.0.0.1", port}, "Leader.Mesos.", LDNS_RR_TYPE_A, QueryOptions{}.Timeout(200ms));
    if (!reply) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(reply.has_value()) << "the built-in default does not answer on " << port << "\n"
                                 << ReadFile(dir / "stderr");
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_NXDOMAIN) << reply->ToString();
  ASSERT_TRUE(reply->AuthoritySoa().has_value()) << reply->ToString();
  EXPECT_NE(reply->AuthoritySoa()->find("ns1.mesos. root.ns1.mesos."), std::string::npos) << *reply->AuthoritySoa();
  EXPECT_EQ(reply->question_name(), "Leader.Mesos.");
  ExitStatus st = dnsd.Stop(SIGTERM, 10000ms);
  EXPECT_TRUE(st.exited && st.code == 0) << st.Describe();
}

}  // namespace
}  // namespace dnsd::it

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;

// SO_REUSEPORT must not let a second process silently share a port (it would get half the queries).
TEST(CommandLine, PortHeldByAnotherProcessIsAnErrorNotASharedPort) {
  Upstream knot;  // knotd holds its port with SO_REUSEPORT itself
  TempDir dir("dnsd-port-taken");
  WriteFile(dir / "Corefile", ".:" + std::to_string(knot.endpoint().port) + " {\n    forward . 127.0.0.1:9\n}\n");
  RunResult r = RunToCompletion({DaemonBinary(), "-conf", (dir / "Corefile").string()}, 5000ms);
  EXPECT_TRUE(r.status.exited && r.status.code != 0) << r.status.Describe();
  EXPECT_NE(r.err.find("address already in use"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace dnsd::it
