// The `health` and `ready` endpoints of a running dnsd, as Kubernetes probes see them: /health 200
// while serving and 503 during lameduck (DNS still answered, then exit 0); /ready 503 until
// forward's upstream has answered, 200 after.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// "STATUS BODY" of `GET path` on 127.0.0.1:port, or "" if nothing listens there.
std::string HttpGet(uint16_t port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr = Loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: kube-probe/1.28\r\n\r\n";
  (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string reply;
  char buf[1024];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) reply.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  std::size_t head_end = reply.find("\r\n\r\n");
  if (reply.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) return "malformed: " + reply;
  return reply.substr(9, 3) + " " + reply.substr(head_end + 4);
}

// Polls `path` until it answers `want` or `limit` passes; returns the last answer.
std::string WaitFor(uint16_t port, const std::string& path, const std::string& want, Clock::duration limit) {
  auto deadline = Clock::now() + limit;
  std::string got;
  while ((got = HttpGet(port, path)) != want && Clock::now() < deadline) std::this_thread::sleep_for(50ms);
  return got;
}

// A UDP relay to `target`, listening on `port` from the moment it is made: lets a test "start" an
// upstream at an address dnsd was already told about.
class UdpRelay {
 public:
  UdpRelay(uint16_t port, const Endpoint& target) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr = Loopback(port);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("relay: cannot bind port " + std::to_string(port));
    }
    target_ = Loopback(target.port);
    thread_ = std::thread([this] { Run(); });
  }
  ~UdpRelay() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

 private:
  void Run() {
    int upstream = ::socket(AF_INET, SOCK_DGRAM, 0);
    ::connect(upstream, reinterpret_cast<sockaddr*>(&target_), sizeof target_);
    char buf[65535];
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      sockaddr_in client{};
      socklen_t len = sizeof client;
      ssize_t n = ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&client), &len);
      if (n <= 0 || ::send(upstream, buf, static_cast<std::size_t>(n), 0) < 0) continue;
      pollfd u{upstream, POLLIN, 0};
      if (::poll(&u, 1, 1000) <= 0) continue;
      n = ::recv(upstream, buf, sizeof buf, 0);
      if (n <= 0) continue;
      ::sendto(fd_, buf, static_cast<std::size_t>(n), 0, reinterpret_cast<sockaddr*>(&client), len);
    }
    ::close(upstream);
  }

  int fd_ = -1;
  sockaddr_in target_{};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::optional<Reply> Ask(const Daemon& daemon) {
  return Query(daemon.endpoint(), zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Timeout(3000ms));
}

TEST(Probes, HealthIsOkWhileServingAndServiceUnavailableDuringLameduckWhileDnsIsStillAnswered) {
  Upstream knot;
  const uint16_t health_port = FreePort();
  Daemon daemon(".:@PORT@ {\n    health 127.0.0.1:" + std::to_string(health_port) +
                " {\n        lameduck 2s\n    }\n    forward . " + knot.endpoint().ToString() + "\n}\n");
  EXPECT_EQ(WaitFor(health_port, "/health", "200 OK", 3s), "200 OK");

  auto stopped_at = Clock::now();
  auto stopping = std::async(std::launch::async, [&daemon] { return daemon.Stop(SIGTERM); });
  EXPECT_EQ(WaitFor(health_port, "/health", "503 Shutting down", 1500ms), "503 Shutting down");
  auto reply = Ask(daemon);
  ASSERT_TRUE(reply.has_value()) << "no DNS answer during lameduck\n" << daemon.stderr_text();
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_NOERROR) << reply->ToString();
  EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
  EXPECT_LT(Clock::now() - stopped_at, 2s) << "the DNS answer came after the lameduck";

  ExitStatus status = stopping.get();
  auto took = Clock::now() - stopped_at;
  EXPECT_TRUE(status.exited && status.code == 0) << status.Describe() << "\n" << daemon.stderr_text();
  EXPECT_GE(took, 1900ms) << "stopped before the lameduck ended";
  EXPECT_LT(took, 6s);
  EXPECT_EQ(HttpGet(health_port, "/health"), "") << "the health listener outlived the daemon";
}

TEST(Probes, ReadyIsServiceUnavailableUntilForwardsUpstreamHasAnswered) {
  const uint16_t health_port = FreePort();
  const uint16_t ready_port = FreePort();
  const uint16_t upstream_port = FreePort();  // nothing listens there yet
  Daemon daemon(".:@PORT@ {\n    health 127.0.0.1:" + std::to_string(health_port) +
                "\n    ready 127.0.0.1:" + std::to_string(ready_port) +
                "\n    forward . 127.0.0.1:" + std::to_string(upstream_port) + "\n}\n");
  EXPECT_EQ(WaitFor(health_port, "/health", "200 OK", 3s), "200 OK") << "alive even without an upstream";
  EXPECT_EQ(HttpGet(ready_port, "/ready"), "503 forward");
  auto reply = Ask(daemon);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_SERVFAIL) << reply->ToString();
  EXPECT_EQ(HttpGet(ready_port, "/ready"), "503 forward");

  // The upstream comes up: forward's health check (every 0.5 s since the failure) finds it.
  Upstream knot;
  UdpRelay relay(upstream_port, knot.endpoint());
  EXPECT_EQ(WaitFor(ready_port, "/ready", "200 OK", 5s), "200 OK") << daemon.stderr_text();
  reply = Ask(daemon);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_NOERROR) << reply->ToString();

  ExitStatus status = daemon.Stop();
  EXPECT_TRUE(status.exited && status.code == 0) << status.Describe() << "\n" << daemon.stderr_text();
}

TEST(Probes, ReadyTurnsOkAfterTheFirstForwardedAnswer) {
  Upstream knot;
  const uint16_t ready_port = FreePort();
  Daemon daemon(".:@PORT@ {\n    ready 127.0.0.1:" + std::to_string(ready_port) + "\n    forward . " +
                knot.endpoint().ToString() + "\n}\n");
  // The fixture's own start-up query went through forward already.
  EXPECT_EQ(WaitFor(ready_port, "/ready", "200 OK", 3s), "200 OK");
  ExitStatus status = daemon.Stop();
  EXPECT_TRUE(status.exited && status.code == 0) << status.Describe() << "\n" << daemon.stderr_text();
}

}  // namespace
}  // namespace dnsd::it
