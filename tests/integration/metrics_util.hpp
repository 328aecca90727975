// Scraping /metrics in integration tests: a plain HTTP/1.0 GET, the text parsed into series, deltas
// between two scrapes, and `promtool check metrics` on a scrape.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "fixture/daemon.hpp"
#include "fixture/net.hpp"
#include "fixture/temp_dir.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it {

using Samples = std::map<std::string, double>;  // series as written (name{labels}) -> value

// GET /metrics over HTTP/1.0 (no chunking); "" on failure.
inline std::string HttpGet(uint16_t port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buffer[65536];
      ssize_t n;
      while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) response.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return response;
}

inline std::string Body(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

inline Samples Parse(const std::string& text) {
  Samples samples;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return samples;
}

inline double Delta(const Samples& before, const Samples& after, const std::string& series) {
  auto value = [&](const Samples& s) {
    auto it = s.find(series);
    return it == s.end() ? 0.0 : it->second;
  };
  return value(after) - value(before);
}

// Runs `promtool check metrics` on `text`: its exit status and output.
inline int PromtoolCheck(const std::string& promtool, const std::string& text, std::string& output) {
  TempDir dir("dnsd-promtool");
  const auto file = dir.path() / "metrics.txt";
  std::ofstream(file) << text;
  const std::string command = promtool + " check metrics < " + file.string() + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  return ::pclose(pipe);
}

// A suite around one daemon with a knot upstream and a /metrics listener, started once for the suite
// (SetUpTestSuite calls Start); `Suite` gives each suite its own statics.
template <typename Suite>
class ScrapedDaemon : public ::testing::Test {
 protected:
  // `corefile(upstream "HOST:PORT", metrics port)` is the daemon's Corefile.
  static void Start(const std::function<std::string(const std::string&, uint16_t)>& corefile) {
    try {
      upstream_ = std::make_unique<Upstream>();
      metrics_port_ = FreePort();
      daemon_ = std::make_unique<Daemon>(corefile(upstream_->endpoint().ToString(), metrics_port_));
      Settle();
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  // The fixture's readiness probes may still be answered after the daemon is up: wait (bounded)
  // until the response counts stop moving, so no test counts them.
  static void Settle() {
    std::string last;
    for (int i = 0; i < 40; ++i) {
      std::string responses;
      std::istringstream in(ScrapeText());
      for (std::string line; std::getline(in, line);) {
        if (line.rfind("coredns_dns_responses_total", 0) == 0) responses += line + "\n";
      }
      if (!responses.empty() && responses == last) return;
      last = responses;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  static void TearDownTestSuite() {
    if (daemon_) {
      EXPECT_EQ(daemon_->Stop().code, 0);
    }
    daemon_.reset();
    upstream_.reset();
  }
  void SetUp() override {
    if (!setup_error_.empty()) GTEST_SKIP() << "fixture did not start: " << setup_error_;
  }
  static std::string ScrapeText() { return Body(HttpGet(metrics_port_, "/metrics")); }
  static std::string ServerLabel() { return "server=\"dns://:" + std::to_string(daemon_->endpoint().port) + "\""; }

  static inline std::unique_ptr<Upstream> upstream_;
  static inline std::unique_ptr<Daemon> daemon_;
  static inline uint16_t metrics_port_ = 0;
  static inline std::string setup_error_;
};

}  // namespace dnsd::it
