// dnsd's Corefile extension `rewrite dnsd_rules PATH { reload DURATION }` through the daemon: the
// YAML rules take their place in the rule order, a changed file is picked up, a broken file keeps
// the old rules (and says why), and bad rewrite lines stop the daemon with file:line:column.
#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <thread>

#include "fixture/child_process.hpp"
#include "fixture/temp_dir.hpp"
#include "rewrite_util.hpp"

namespace dnsd::it::rewrite {
namespace {

using namespace std::chrono_literals;
using Strings = std::vector<std::string>;

std::string SuffixRules(const std::string& to_namespace) {
  return "version: 1\nrules:\n"
         "  - name:\n"
         "      suffix: .marathon.mesos\n"
         "      to: ." + to_namespace + "-default.svc.cluster.local\n"
         "      answer: auto\n";
}

class RulesFile : public RewriteThroughDaemon {
 protected:
  TempDir dir_{"dnsd-rules-file"};
  std::string path_ = (dir_ / "rules.yaml").string();

  void StartWatching(const std::vector<std::string>& before = {}, const std::vector<std::string>& after = {}) {
    std::vector<std::string> lines = before;
    lines.push_back("rewrite dnsd_rules " + path_ + " {\n        reload 200ms\n    }");
    lines.insert(lines.end(), after.begin(), after.end());
    StartWith(lines);
  }
  // Polls until `name` answers `address` (the reload is asynchronous), up to `limit`.
  bool AnswersWithin(const std::string& name, const std::string& address, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = Ask(name, LDNS_RR_TYPE_A);
      if (r && r->AnswerData(LDNS_RR_TYPE_A) == Strings{address}) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
};

TEST_F(RulesFile, YamlRulesAreServed) {
  WriteFile(path_, SuffixRules("ns1"));
  StartWatching();
  auto r = Ask("svc2.marathon.mesos.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.1.0.2"}) << r->ToString();
  EXPECT_EQ(AnswerOwners(*r), Strings{"svc2.marathon.mesos."});
}

TEST_F(RulesFile, ChangedFileIsReloadedAndBrokenFileKeepsTheOldRules) {
  WriteFile(path_, SuffixRules("ns1"));
  StartWatching();
  ASSERT_TRUE(AnswersWithin("svc2.marathon.mesos.", "10.1.0.2", 2s));

  WriteFile(path_, SuffixRules("ns3"));
  EXPECT_TRUE(AnswersWithin("svc2.marathon.mesos.", "10.3.0.2", 5s)) << "the new rules were not loaded";

  WriteFile(path_, "version: 1\nrules:\n  - name:\n      sufix: .marathon.mesos\n      to: .x\n");
  std::this_thread::sleep_for(1s);  // several reload intervals
  auto r = Ask("svc2.marathon.mesos.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.3.0.2"}) << "a broken file replaced the rules\n" << r->ToString();
  const std::string log = daemon().stderr_text();
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(\[ERROR\] .*rules\.yaml:4:7: )"))) << log;

  WriteFile(path_, SuffixRules("ns2"));  // fixed again: picked up
  EXPECT_TRUE(AnswersWithin("svc2.marathon.mesos.", "10.2.0.2", 5s));
}

TEST_F(RulesFile, ReloadsUnderLoadDropNoQuery) {
  WriteFile(path_, SuffixRules("ns1"));
  StartWatching();
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0}, failed{0};
  std::thread client([&] {
    while (!stop) {
      auto r = Ask("svc5.marathon.mesos.", LDNS_RR_TYPE_A, QueryOptions{}.Timeout(2000ms));
      auto data = r ? r->AnswerData(LDNS_RR_TYPE_A) : Strings{};
      // Either rule set's answer is right; anything else (timeout, SERVFAIL, empty) is a drop.
      if (data == Strings{"10.1.0.5"} || data == Strings{"10.2.0.5"}) ++answered;
      else ++failed;
    }
  });
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(300ms);
    WriteFile(path_, SuffixRules(i % 2 == 0 ? "ns2" : "ns1"));
  }
  std::this_thread::sleep_for(300ms);
  stop = true;
  client.join();
  EXPECT_EQ(failed.load(), 0) << answered.load() << " answered";
  EXPECT_GT(answered.load(), 50);
  const std::string log = daemon().stderr_text();
  EXPECT_NE(log.find("[INFO] rewrite: reloaded 1 rules"), std::string::npos) << log;
}

TEST_F(RulesFile, FileRulesStandWhereTheLineStands) {
  // An inline rule before the file wins over it; the file wins over an inline rule after it.
  WriteFile(path_, SuffixRules("ns2"));
  StartWatching({"rewrite name exact svc1.marathon.mesos svc1.ns1-default.svc.cluster.local"},
                {"rewrite name suffix .marathon.mesos .ns3-default.svc.cluster.local"});
  EXPECT_TRUE(AnswersWithin("svc1.marathon.mesos.", "10.1.0.1", 1s));
  EXPECT_TRUE(AnswersWithin("svc4.marathon.mesos.", "10.2.0.4", 1s));
}

TEST_F(RulesFile, MissingFileAtStartIsAConfigError) {
  TempDir conf("dnsd-badconf");
  WriteFile(conf / "Corefile", ".:1053 {\n    rewrite dnsd_rules /nonexistent/rules.yaml\n    forward . 127.0.0.1:53\n}\n");
  RunResult r = RunToCompletion({DaemonBinary(), "-conf", (conf / "Corefile").string()}, 5000ms);
  EXPECT_TRUE(r.status.exited && r.status.code != 0) << r.status.Describe() << "\n" << r.err;
  EXPECT_NE(r.err.find("Corefile:2:24"), std::string::npos) << r.err;
}

struct BadLine {
  const char* label;
  std::string line;
  int column;  // of the token the error points at (the line starts at column 5)
};

// The malformed lines of spec/CASES.md, and dnsd_rules misuse.
const BadLine kBadLines[] = {
    {"Bare", "rewrite", 0},
    {"FieldOnly", "rewrite name", 0},
    {"OneName", "rewrite name exact onlyone", 0},
    {"BogusMatch", "rewrite name bogus a b", 0},
    {"BadRegex", "rewrite name regex ( x", 0},
    {"TtlNotANumber", "rewrite ttl exact a.b notanumber", 0},
    {"NotAType", "rewrite type A NOTATYPE", 0},
    {"NotAClass", "rewrite class IN XX", 0},
    {"BadEdnsData", "rewrite edns0 local set zz", 0},
    {"AnswerAlone", "rewrite name exact a b answer", 0},
    {"AnswerNameHalf", "rewrite name exact a b answer name x", 0},
    {"UnknownField", "rewrite frobnicate a b", 0},
    {"RulesFileWithoutPath", "rewrite dnsd_rules", 13},
    {"RulesFileWithMode", "rewrite continue dnsd_rules x.yaml", 13},
};

class BadRewriteLine : public ::testing::TestWithParam<BadLine> {};

TEST_P(BadRewriteLine, DaemonExitsNonZeroPointingAtTheLine) {
  TempDir dir("dnsd-badconf");
  WriteFile(dir / "Corefile", ".:1053 {\n    forward . 127.0.0.1:53\n    " + GetParam().line + "\n}\n");
  RunResult r = RunToCompletion({DaemonBinary(), "-conf", (dir / "Corefile").string()}, 5000ms);
  EXPECT_TRUE(r.status.exited) << r.status.Describe() << "\n" << r.err;
  EXPECT_NE(r.status.code, 0) << "accepted: " << GetParam().line;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex("Corefile:([0-9]+):([0-9]+): "))) << r.err;
  EXPECT_EQ(std::stoi(m[1]), 3) << r.err;
  EXPECT_GE(std::stoi(m[2]), 5) << r.err;
  if (GetParam().column > 0) {
    EXPECT_EQ(std::stoi(m[2]), GetParam().column) << r.err;
  }
}

INSTANTIATE_TEST_SUITE_P(Spec, BadRewriteLine, ::testing::ValuesIn(kBadLines),
                         [](const auto& info) { return std::string(info.param.label); });

}  // namespace
}  // namespace dnsd::it::rewrite
