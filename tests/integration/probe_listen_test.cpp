// A `health`, `ready` or `prometheus` listener that cannot bind fails start-up, as in CoreDNS: dnsd
// says why and exits 1 at once (serving on without it would have a liveness probe restart the pod
// forever). On reload such a config is refused and the running one keeps serving.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

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

// Another program's TCP listener on 127.0.0.1 (no SO_REUSEPORT, so dnsd cannot share it).
class HeldPort {
 public:
  HeldPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), length) != 0 || ::listen(fd_, 4) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      throw std::runtime_error("cannot hold a port");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~HeldPort() { ::close(fd_); }
  HeldPort(const HeldPort&) = delete;
  HeldPort& operator=(const HeldPort&) = delete;
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

struct StartFailure {
  const char* label;
  std::string directive;  // @HELD@: the held address
  std::string error;      // what stderr must hold
};

class ProbeListenFailure : public ::testing::TestWithParam<StartFailure> {};

TEST_P(ProbeListenFailure, ExitsOneAtOnceSayingWhy) {
  HeldPort held;
  TempDir dir("dnsd-probe-listen");
  std::string directive = GetParam().directive;
  std::string error = GetParam().error;
  for (std::string* text : {&directive, &error}) {
    if (size_t at = text->find("@HELD@"); at != std::string::npos) text->replace(at, 6, held.address());
  }
  WriteFile(dir / "Corefile", ".:" + std::to_string(FreePort()) + " {\n    " + directive +
                                  "\n    forward . 127.0.0.1:9\n}\n");
  const auto start = std::chrono::steady_clock::now();
  RunResult r = RunToCompletion({DaemonBinary(), "-conf", (dir / "Corefile").string()}, 5000ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(r.status.exited && r.status.code == 1) << r.status.Describe() << "\n" << r.err;
  EXPECT_NE(r.err.find(error), std::string::npos) << r.err;
}

const StartFailure kStartFailures[] = {
    {"HealthPortTaken", "health @HELD@", "dnsd: plugin/health: listen @HELD@: Address already in use"},
    {"ReadyPortTaken", "ready @HELD@", "dnsd: plugin/ready: listen @HELD@: Address already in use"},
    {"HealthAddressNotLocal", "health 192.0.2.1:8080",
     "dnsd: plugin/health: listen 192.0.2.1:8080: Cannot assign requested address"},
    {"ReadyAddressNotLocal", "ready 192.0.2.1:8181",
     "dnsd: plugin/ready: listen 192.0.2.1:8181: Cannot assign requested address"},
    {"MetricsPortTaken", "prometheus @HELD@", "prometheus: cannot listen on \"@HELD@\""},
};

INSTANTIATE_TEST_SUITE_P(Listeners, ProbeListenFailure, ::testing::ValuesIn(kStartFailures),
                         [](const auto& info) { return std::string(info.param.label); });

// A reload whose `ready` cannot bind keeps the running config: DNS and its /health go on.
TEST(ProbeListenReload, AProbeThatCannotBindKeepsTheRunningConfig) {
  Upstream knot;
  HeldPort held;
  const std::string forward = "    forward . " + knot.endpoint().ToString() + "\n";
  Daemon daemon(".:@PORT@ {\n    ready 127.0.0.1:" + std::to_string(FreePort()) + "\n" + forward + "}\n");
  const std::string port = std::to_string(daemon.endpoint().port);
  WriteFile(daemon.corefile(), ".:" + port + " {\n    ready " + held.address() + "\n    rewrite name exact " +
                                   zone::kMissing + " " + zone::kService + "\n" + forward + "}\n");
  ::kill(daemon.pid(), SIGUSR1);
  const std::string want = "SIGUSR1: plugin/ready: listen " + held.address() + ": Address already in use";
  for (auto deadline = std::chrono::steady_clock::now() + 5s;
       daemon.stderr_text().find(want) == std::string::npos && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_NE(daemon.stderr_text().find(want), std::string::npos) << daemon.stderr_text();
  auto reply = Query(daemon.endpoint(), zone::kMissing, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_NXDOMAIN) << "the refused config's rewrite is serving";
  EXPECT_TRUE(daemon.Running());
  ExitStatus st = daemon.Stop();
  EXPECT_TRUE(st.exited && st.code == 0) << st.Describe();
}

}  // namespace
}  // namespace dnsd::it
