// Runs one corpus entry through the real daemon (corpus_entry.hpp).
#include "corpus_entry.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "fixture/child_process.hpp"
#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/net.hpp"
#include "fixture/temp_dir.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const int kListenPorts[] = {53, 1053, 5353, 8053, 8080, 8181, 9153, 9253, 18080, 18181};

struct Ask {
  std::string name;
  std::string type;
  std::string server;  // "ADDR[:PORT]" as written in the Corefile; empty: default
  std::string expect;
};

struct Entry {
  std::vector<std::pair<std::string, std::string>> maps;
  std::vector<Ask> asks;
};

Entry ReadEntry(const std::string& corefile) {
  Entry entry;
  std::istringstream lines(corefile);
  const std::string marker = "# dnsd-corpus: ";
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(marker, 0) != 0) continue;
    std::istringstream words(line.substr(marker.size()));
    std::string verb;
    words >> verb;
    if (verb == "map") {
      for (std::string pair; words >> pair;) {
        auto eq = pair.find('=');
        entry.maps.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
      }
    } else if (verb == "ask") {
      Ask ask;
      words >> ask.name >> ask.type;
      for (std::string word; words >> word;) {
        if (word[0] == '@') ask.server = word.substr(1);
        else if (word != "=>") ask.expect = word;
      }
      entry.asks.push_back(ask);
    } else {
      ADD_FAILURE() << "unknown dnsd-corpus line: " << line;
    }
  }
  return entry;
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

// What the test changes in an entry's files: ports, addresses, paths.
class Substitution {
 public:
  Substitution(const Entry& entry, const Endpoint& upstream, const fs::path& dir) {
    std::set<uint16_t> taken;
    for (int port : kListenPorts) {
      uint16_t free = 0;
      do free = FreePort(); while (!taken.insert(free).second);
      ports_[port] = free;
    }
    maps_.emplace_back("/etc/resolv.conf", "upstream");
    for (const auto& map : entry.maps) maps_.push_back(map);
    upstream_ = upstream.ToString();
    dir_ = dir.string();
  }

  std::string Apply(std::string text) const {
    for (const auto& [from, to] : ports_) {
      std::regex port(":" + std::to_string(from) + "\\b");
      text = std::regex_replace(text, port, ":" + std::to_string(to));
    }
    for (const auto& [from, to] : maps_) {
      if (to == "upstream") {
        // The upstream is an address with its own port: any port written after FROM goes.
        std::regex address(std::regex_replace(from, std::regex(R"([.^$|()\[\]{}*+?\\])"), "\\$&") + "(:[0-9]+)?");
        text = std::regex_replace(text, address, upstream_);
      } else {
        text = ReplaceAll(text, from, ReplaceAll(to, "@DIR@", dir_));
      }
    }
    return text;
  }

  uint16_t dns_port() const { return ports_.at(53); }

 private:
  std::map<int, uint16_t> ports_;
  std::vector<std::pair<std::string, std::string>> maps_;
  std::string upstream_;
  std::string dir_;
};

// Copies the entry with every file substituted.
void CopyEntry(const fs::path& from, const fs::path& to, const Substitution& substitution) {
  for (const auto& file : fs::recursive_directory_iterator(from)) {
    const fs::path target = to / fs::relative(file.path(), from);
    if (file.is_directory()) fs::create_directories(target);
    else WriteFile(target, substitution.Apply(ReadFile(file.path())));
  }
}

// The kubernetes directives of `corefile` replaced by forward lines to `coredns`, one per zone;
// how many there were goes to `count`.
std::string InFrontOfCoreDns(const std::string& corefile, const std::string& coredns, int& count) {
  std::istringstream lines(corefile);
  std::string out;
  int skip_depth = 0;
  count = 0;
  for (std::string line; std::getline(lines, line);) {
    if (skip_depth > 0) {
      skip_depth += static_cast<int>(std::count(line.begin(), line.end(), '{')) -
                    static_cast<int>(std::count(line.begin(), line.end(), '}'));
      continue;
    }
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first != "kubernetes") {
      out += line + "\n";
      continue;
    }
    ++count;
    const std::string indent = line.substr(0, line.find('k'));
    for (std::string zone; words >> zone && zone != "{";) out += indent + "forward " + zone + " " + coredns + "\n";
    if (line.find('{') != std::string::npos) skip_depth = 1;
  }
  return out;
}

Endpoint ServerFor(const Ask& ask, const Substitution& substitution) {
  if (ask.server.empty()) return {"127.0.0.1", substitution.dns_port()};
  std::string mapped = substitution.Apply(ask.server);
  auto colon = mapped.rfind(':');
  if (colon == std::string::npos) return {mapped, substitution.dns_port()};
  return {mapped.substr(0, colon), static_cast<uint16_t>(std::stoi(mapped.substr(colon + 1)))};
}

ldns_rr_type TypeOf(const std::string& name) {
  ldns_rr_type type = ldns_get_rr_type_by_name(name.c_str());
  EXPECT_NE(type, 0) << name;
  return type;
}

// The answer meets `expect`; retried for a few seconds, since forward may still be probing.
void ExpectAnswer(const Ask& ask, const Endpoint& server) {
  std::string last = "no reply";
  for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
    std::optional<Reply> reply = Query(server, ask.name, TypeOf(ask.type), QueryOptions{}.Timeout(1000ms));
    if (reply) {
      last = reply->ToString();
      bool met = false;
      if (ask.expect == "whoami") {
        met = reply->rcode() == LDNS_RCODE_NOERROR && last.find("127.0.0.1") != std::string::npos;
      } else if (std::isdigit(static_cast<unsigned char>(ask.expect[0])) || ask.expect.find(':') != std::string::npos) {
        auto data = reply->AnswerData(TypeOf(ask.type));
        met = std::find(data.begin(), data.end(), ask.expect) != data.end();
      } else {
        met = reply->rcode_name() == ask.expect;
      }
      if (met) return;
    }
    std::this_thread::sleep_for(200ms);
  }
  ADD_FAILURE() << ask.name << " " << ask.type << " @" << server.ToString() << ": want " << ask.expect
                << ", last reply:\n" << last;
}

RunResult RunDnsd(std::vector<std::string> args) {
  args.insert(args.begin(), DaemonBinary());
  return RunToCompletion(args, 10000ms);
}

}  // namespace

void RunCorpusEntry(const fs::path& source, const std::function<void(const fs::path&)>& check_more) {
  const Entry entry = ReadEntry(ReadFile(source / "Corefile"));
  Upstream knot;
  TempDir dir("dnsd-corpus");
  const Substitution substitution(entry, knot.endpoint(), dir.path());
  CopyEntry(source, dir.path(), substitution);
  const std::string corefile = (dir / "Corefile").string();
  const std::string port_flag = std::to_string(substitution.dns_port());

  int kubernetes_lines = 0;
  const std::string in_front = InFrontOfCoreDns(ReadFile(corefile), knot.endpoint().ToString(), kubernetes_lines);
  RunResult check = RunDnsd({"-check", "-conf", corefile, "-dns.port", port_flag});
  if (kubernetes_lines == 0) {
    ASSERT_TRUE(check.status.exited && check.status.code == 0) << check.err;
  } else {
    // Refused, for the kubernetes lines only, with the way out in the message.
    EXPECT_TRUE(check.status.exited && check.status.code == 1) << check.status.Describe();
    std::istringstream errors(check.err);
    int error_lines = 0;
    for (std::string line; std::getline(errors, line);) {
      if (line.find(" error") != std::string::npos && line.rfind(corefile + ": ", 0) == 0) continue;  // summary
      ++error_lines;
      EXPECT_NE(line.find("plugin \"kubernetes\" is not supported by dnsd: dnsd forwards cluster names to CoreDNS"),
                std::string::npos) << line;
      EXPECT_NE(line.find("docs/compatibility.md#kubernetes"), std::string::npos) << line;
    }
    EXPECT_EQ(error_lines, kubernetes_lines) << check.err;
    RunResult start = RunDnsd({"-conf", corefile, "-dns.port", port_flag});
    EXPECT_TRUE(start.status.exited && start.status.code == 1) << start.status.Describe();
    EXPECT_NE(start.err.find("dnsd forwards cluster names to CoreDNS"), std::string::npos) << start.err;
    WriteFile(corefile, in_front);
    check = RunDnsd({"-check", "-conf", corefile, "-dns.port", port_flag});
    ASSERT_TRUE(check.status.exited && check.status.code == 0) << check.err << "\n" << in_front;
  }
  if (check_more) check_more(corefile);

  ChildProcess dnsd({DaemonBinary(), "-conf", corefile, "-dns.port", port_flag, "-pidfile", (dir / "pid").string()},
                    dir / "stdout", dir / "stderr");
  for (auto deadline = std::chrono::steady_clock::now() + 10s; !fs::exists(dir / "pid");) {
    ASSERT_TRUE(dnsd.Running()) << "dnsd exited: " << dnsd.status()->Describe() << "\n" << ReadFile(dir / "stderr")
                                << "\nCorefile:\n" << ReadFile(corefile);
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "no pidfile within 10 s\n" << ReadFile(dir / "stderr");
    std::this_thread::sleep_for(20ms);
  }
  for (const Ask& ask : entry.asks) ExpectAnswer(ask, ServerFor(ask, substitution));
  EXPECT_TRUE(dnsd.Running()) << ReadFile(dir / "stderr");
  // health's lameduck (up to 15 s in these files) delays the exit, as in CoreDNS.
  ExitStatus stopped = dnsd.Stop(SIGTERM, 25000ms);
  EXPECT_TRUE(stopped.exited && stopped.code == 0) << stopped.Describe() << "\n" << ReadFile(dir / "stderr");
}

}  // namespace dnsd::it
