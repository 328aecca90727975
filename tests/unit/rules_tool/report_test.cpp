// dnsd-rules report, run as the user runs it against a real HTTP server on loopback (a thread of
// the test answering every request with one canned response): the tables, --json, --top, and the
// one-line errors for an unreachable daemon, a 404, another status and a body that is no report.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tool_run.hpp"

namespace {

using testing_support::RulesTool;
using testing_support::Slurp;
using testing_support::ToolRun;

// Answers each connection with `status` and `body`, records the requests it read. Port 0: the
// kernel picks a free port.
class CannedHttpServer {
 public:
  CannedHttpServer(std::string status, std::string body, std::string content_type = "application/json")
      : response_("HTTP/1.1 " + status + "\r\nContent-Type: " + content_type + "\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    socklen_t length = sizeof addr;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 8) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~CannedHttpServer() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(listener_);
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stopping_) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      std::string request;
      char buffer[4096];
      ssize_t n;
      while (request.find("\r\n\r\n") == std::string::npos && (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
        request.append(buffer, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      ::send(fd, response_.data(), response_.size(), MSG_NOSIGNAL);
      ::close(fd);
    }
  }

  std::string response_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

std::string Fixture() { return Slurp(std::string(DNSD_RULES_TOOL_DATA_DIR) + "/legacy.json"); }

// The error is one line naming the URL.
void ExpectOneLineError(const ToolRun& r, const std::string& text) {
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// Lines of `out` in order: each must appear after the one before.
void ExpectInOrder(const std::string& out, const std::vector<std::string>& lines) {
  std::size_t at = 0;
  for (const std::string& line : lines) {
    const std::size_t found = out.find(line, at);
    ASSERT_NE(found, std::string::npos) << "\"" << line << "\" not found after offset " << at << " in\n" << out;
    at = found + line.size();
  }
}

class Report : public RulesTool {};

TEST_F(Report, PrintsTheHeaderFamiliesTopNamesAndShadowVerdicts) {
  CannedHttpServer server("200 OK", Fixture());
  ToolRun r = Tool({"report", server.url()});
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectInOrder(r.out, {
                           "legacy-name report of " + server.url() + "/legacy.json",
                           "since:   2026-12-04T01:00:00Z",
                           "queries: 1500 for legacy names",
                           "names:   3 tracked of 512",
                           "memory:  264.0 KiB (270336 bytes)",
                           "families:",
                           "FAMILY    QUERIES  SHARE",
                           "marathon     1200  80.0%",
                           "srv           300  20.0%",
                           "top names (3 of 3",
                           "NAME                            QUERIES  ERROR  FAMILY    RULE               TOP CLIENTS",
                           "web.shop.marathon.mesos.           1000     ±2  marathon  Corefile:3:5       "
                           "10.0.0.0/24 (700), 10.0.1.0/24 (250), fd00:0:0:100::/56 (40), ...",
                           "_web._tcp.shop.marathon.mesos.      300     ±0  srv       Corefile:3:5       10.0.2.0/24 (300)",
                           "api.marathon.mesos.                 200    ±17  marathon  mappings.yaml:4:5  10.0.0.0/24 (200)",
                           "shadow rules: shadow.yaml",
                           "evaluated 1500, would rewrite 900, probes 12 (1 dropped)",
                           "would break (2):",
                           "db.marathon.mesos.",
                           "nxdomain",
                           "old.marathon.mesos.",
                           "servfail",
                           "not probed yet (1):",
                           "cache.marathon.mesos.",
                           "resolve (1):",
                           "web.shop.marathon.mesos.  web.shop-default.svc.cluster.local.      600  resolves",
                       });
  // One HTTP/1.1 GET of /legacy.json naming the host it was sent to.
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].rfind("GET /legacy.json HTTP/1.1\r\n", 0), 0u) << requests[0];
  EXPECT_NE(requests[0].find("\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"), std::string::npos)
      << requests[0];
}

TEST_F(Report, TopLimitsTheRowsAndSaysHowManyMore) {
  CannedHttpServer server("200 OK", Fixture());
  ToolRun r = Tool({"report", "--top", "1", server.url()});
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectInOrder(r.out, {"top names (1 of 3", "web.shop.marathon.mesos.", "... 2 more", "would break (2):",
                        "db.marathon.mesos.", "... 1 more", "not probed yet (1):", "... 1 more", "resolve (1):",
                        "... 1 more"});
  EXPECT_EQ(r.out.find("api.marathon.mesos."), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("old.marathon.mesos."), std::string::npos) << r.out;
}

TEST_F(Report, JsonPrintsTheDaemonsJsonAsItCame) {
  CannedHttpServer server("200 OK", Fixture());
  ToolRun r = Tool({"report", server.url(), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, Fixture());
}

TEST_F(Report, ReadsCompactJsonAndAReportWithoutShadowRules) {
  CannedHttpServer server(
      "200 OK",
      R"({"version":1,"since":"2026-12-04T01:00:00Z","total":7,"capacity":512,"memory_bytes":1000,)"
      R"("families":[{"family":"leader","queries":7}],"names":[{"name":"leader.mesos.","queries":7,"error":0,)"
      R"("family":"leader","rule":"Corefile:2:5","clients":[{"subnet":"::/56","queries":7}]}],"shadow":{"enabled":false}})");
  ToolRun r = Tool({"report", server.url()});
  ASSERT_EQ(r.code, 0) << r.err;
  ExpectInOrder(r.out, {"memory:  1000 B (1000 bytes)", "leader        7  100.0%", "leader.mesos.", "::/56 (7)",
                        "shadow rules: not configured"});
}

TEST_F(Report, FollowsAPathInTheUrl) {
  CannedHttpServer server("200 OK", Fixture());
  ToolRun r = Tool({"report", server.url() + "/dns/"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].rfind("GET /dns/legacy.json HTTP/1.1\r\n", 0), 0u) << server.requests()[0];
}

TEST_F(Report, AnUnreachableDaemonIsOneLine) {
  int port = 0;
  {
    CannedHttpServer gone("200 OK", "");
    port = gone.port();
  }  // closed: nothing listens there any more
  ToolRun r = Tool({"report", "http://127.0.0.1:" + std::to_string(port)});
  ExpectOneLineError(r, "cannot reach the daemon at http://127.0.0.1:" + std::to_string(port) + "/legacy.json: ");
}

TEST_F(Report, NotFoundSaysTheDaemonHasNoReport) {
  CannedHttpServer server("404 Not Found", "404 page not found\n", "text/plain; charset=utf-8");
  ToolRun r = Tool({"report", server.url()});
  ExpectOneLineError(r, server.url() + "/legacy.json: 404: the daemon has no legacy-name report: is the DC/OS "
                                       "preset or dnsd_shadow configured?");
}

TEST_F(Report, AnotherStatusIsOneLine) {
  CannedHttpServer server("500 Internal Server Error", "boom");
  ExpectOneLineError(Tool({"report", server.url()}), server.url() + "/legacy.json: HTTP 500 Internal Server Error");
}

TEST_F(Report, ABodyThatIsNoReportIsOneLine) {
  {
    CannedHttpServer server("200 OK", "{\"version\": 1, \"since\": [");
    ExpectOneLineError(Tool({"report", server.url()}), "/legacy.json is not a legacy-name report: not JSON: ");
  }
  {
    CannedHttpServer server("200 OK", "{\"version\": 1, \"since\": \"x\", \"total\": -3}");
    ExpectOneLineError(Tool({"report", server.url(), "--json"}), "\"total\" of the report is not a count");
  }
  {
    CannedHttpServer server("200 OK", "{\"version\": 2}");
    ExpectOneLineError(Tool({"report", server.url()}), "report version 2 (this dnsd-rules reads version 1)");
  }
  {
    CannedHttpServer server("200 OK", "<html>hello</html>");
    ExpectOneLineError(Tool({"report", server.url()}), "not a JSON object");
  }
}

TEST_F(Report, BadArgumentsAreUsageErrors) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"report", "--top"}, {"report", "--top", "0"}, {"report", "--frob"},
        {"report", "https://127.0.0.1:9153"}, {"report", "http://127.0.0.1:99999"}, {"report", "a:1", "b:2"}}) {
    ToolRun r = Tool(args);
    EXPECT_EQ(r.code, 2) << args.back() << "\n" << r.err;
    EXPECT_NE(r.err.find("usage: dnsd-rules report"), std::string::npos) << r.err;
  }
}

}  // namespace
