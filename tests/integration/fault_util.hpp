// Helpers shared by the fault tests: timed queries, the daemon's resident memory and the bound it
// must stay under (wider under AddressSanitizer, whose quarantine keeps freed memory resident), and
// a test base that stops the daemon and checks it exits 0.
#pragma once

#include <sys/types.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it::faults {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

#if defined(__SANITIZE_ADDRESS__)
inline constexpr long kRssGrowthBoundKiB = 1024 * 1024;  // ASan's quarantine alone may keep 256 MiB
#else
inline constexpr long kRssGrowthBoundKiB = 192 * 1024;
#endif

// VmRSS of `pid` in KiB (0 if it cannot be read).
inline long RssKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      long kib = 0;
      fields >> kib;
      return kib;
    }
  }
  return 0;
}

struct TimedReply {
  std::optional<Reply> reply;
  Millis took{};
};

inline TimedReply TimedQuery(const Endpoint& server, const std::string& name, Transport transport,
                             Millis timeout = 9000ms) {
  auto start = Clock::now();
  auto reply = Query(server, name, LDNS_RR_TYPE_A, QueryOptions{}.Over(transport).Timeout(timeout));
  return {std::move(reply), std::chrono::duration_cast<Millis>(Clock::now() - start)};
}

// "Serves normal queries at once": well inside the 5 s upstream budget a query stuck behind a faulty
// upstream would wait, with room for a busy 2-core CI machine (one such run took just over 1 s to
// answer). Under AddressSanitizer the daemon runs several times slower; the wider bound there
// measures dnsd, not the sanitizer's overhead.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr Millis kAtOnce = 3000ms;
#else
inline constexpr Millis kAtOnce = 2000ms;
#endif

class FaultTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!daemon_) return;
    if (HasFailure()) std::cerr << "dnsd stderr:\n" << daemon_->stderr_text() << "\n";
    ExitStatus st = daemon_->Stop();
    EXPECT_TRUE(st.exited && st.code == 0) << st.Describe() << "\n" << daemon_->stderr_text();
  }

  // A name of knot's zone (the daemon's `.` block forwards to knot) is answered at once.
  void ExpectServed(const std::string& when, Transport transport) {
    auto r = TimedQuery(daemon_->endpoint(), zone::kService, transport, 3000ms);
    const std::string how = when + " over " + testing::PrintToString(transport);
    ASSERT_TRUE(r.reply.has_value()) << how << ": no answer";
    EXPECT_EQ(r.reply->rcode(), LDNS_RCODE_NOERROR) << how << "\n" << r.reply->ToString();
    EXPECT_LT(r.took, kAtOnce) << how;
  }

  std::unique_ptr<Daemon> daemon_;
};

}  // namespace dnsd::it::faults
