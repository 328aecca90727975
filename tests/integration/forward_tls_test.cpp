// forward to tls:// upstreams (DNS over TLS) through the running daemon: dnsdist terminates TLS
// with a certificate from a throwaway CA and relays to knot.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "metrics_util.hpp"
#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/tls_upstream.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class ForwardTls : public ::testing::Test {
 protected:
  // `metrics`: with a /metrics listener (it makes dnsd slower to stop, so only where needed).
  void Start(const std::string& block, bool metrics = false) {
    const std::string prometheus =
        metrics ? "  prometheus 127.0.0.1:" + std::to_string(metrics_port_) + "\n" : "";
    daemon_ = std::make_unique<Daemon>(".:@PORT@ {\n" + prometheus + "  forward . tls://" +
                                       dot_.endpoint().ToString() + " {\n" + block + "  }\n}\n");
  }
  Samples Scrape() const { return Parse(Body(HttpGet(metrics_port_, "/metrics"))); }
  std::string Series(const std::string& name, const std::string& labels = "") const {
    return name + "{to=\"" + dot_.endpoint().ToString() + "\"" + labels + ",proxy_name=\"forward\"}";
  }
  void TearDown() override {
    if (!daemon_) return;
    if (HasFailure()) {
      std::cerr << "dnsd stderr:\n" << daemon_->stderr_text() << "\ndnsdist:\n" << dot_.log() << "\n";
    }
    ExitStatus st = daemon_->Stop();
    EXPECT_TRUE(st.exited && st.code == 0) << st.Describe() << "\n" << daemon_->stderr_text();
  }
  // A query that must fail: SERVFAIL, and quickly (a failed handshake, not a timeout).
  void ExpectQuickServfail() {
    auto start = Clock::now();
    auto reply = Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Timeout(8000ms));
    auto took = Clock::now() - start;
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->rcode(), LDNS_RCODE_SERVFAIL) << reply->ToString();
    EXPECT_LT(took, 1500ms) << "a certificate that does not verify fails the attempt at once";
  }

  Upstream knot_;
  TlsUpstream dot_{knot_.endpoint()};
  uint16_t metrics_port_ = FreePort();
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(ForwardTls, AnswersComeOverTlsWhenTheServerNameVerifies) {
  Start("    tls " + dot_.ca().string() + "\n    tls_servername " + kTlsServerName + "\n");
  for (Transport transport : {Transport::kUdp, Transport::kTcp, Transport::kUdp, Transport::kUdp}) {
    auto reply = Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_A, QueryOptions{}.Over(transport));
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->rcode(), LDNS_RCODE_NOERROR) << reply->ToString();
    EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
  }
  auto missing = Query(daemon_->endpoint(), zone::kMissing, LDNS_RR_TYPE_A);
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->rcode(), LDNS_RCODE_NXDOMAIN);
}

// One query at a time per connection, kept for reuse: later queries find it idle (per worker).
TEST_F(ForwardTls, ConnectionsAreReusedAndCountedAsTcpTls) {
  Start("    tls " + dot_.ca().string() + "\n    tls_servername " + kTlsServerName + "\n", true);
  const Samples before = Scrape();
  constexpr int kQueries = 6;
  for (int i = 0; i < kQueries; ++i) ASSERT_TRUE(Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_A));
  const Samples after = Scrape();
  const double hits = Delta(before, after, Series("coredns_proxy_conn_cache_hits_total", ",proto=\"tcp-tls\""));
  const double misses = Delta(before, after, Series("coredns_proxy_conn_cache_misses_total", ",proto=\"tcp-tls\""));
  EXPECT_EQ(hits + misses, kQueries);
  EXPECT_GE(hits, kQueries - 2) << "at most one new connection per worker";
}

// The start-up probe (and any later one) goes over TLS too: with a name that verifies it passes,
// with one that does not it fails, and keeps failing every health_check interval.
TEST_F(ForwardTls, HealthProbesUseTlsAndItsVerification) {
  Start("    tls " + dot_.ca().string() + "\n    tls_servername " + kTlsServerName +
        "\n    health_check 100ms\n", true);
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(Delta({}, Scrape(), Series("coredns_proxy_healthcheck_failures_total")), 0);
  ExitStatus st = daemon_->Stop();
  EXPECT_EQ(st.code, 0);
  Start("    tls " + dot_.ca().string() + "\n    tls_servername wrong.test\n    health_check 100ms\n", true);
  std::this_thread::sleep_for(600ms);
  EXPECT_GE(Delta({}, Scrape(), Series("coredns_proxy_healthcheck_failures_total")), 2);
}

TEST_F(ForwardTls, WithoutTlsServernameTheUpstreamsAddressIsVerified) {
  Start("    tls " + dot_.ca().string() + "\n");  // the certificate carries IP:127.0.0.1
  auto reply = Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
}

TEST_F(ForwardTls, AWrongServerNameIsServfail) {
  Start("    tls " + dot_.ca().string() + "\n    tls_servername wrong.test\n");
  ExpectQuickServfail();
}

TEST_F(ForwardTls, ACaThatDidNotSignTheCertificateIsServfail) {
  Start("    tls " + dot_.other_ca().string() + "\n    tls_servername " + kTlsServerName + "\n");
  ExpectQuickServfail();
}

// TLS and plain upstreams mix in one line (CoreDNS 1.11); a handshake that fails is an upstream
// error like any other, so the next upstream answers without a timeout.
TEST_F(ForwardTls, AFailedHandshakeFailsOverToAPlainUpstreamAtOnce) {
  daemon_ = std::make_unique<Daemon>(".:@PORT@ {\n  forward . tls://" + dot_.endpoint().ToString() + " " +
                                     knot_.endpoint().ToString() + " {\n    policy sequential\n    tls " +
                                     dot_.other_ca().string() + "\n  }\n}\n");
  for (int i = 0; i < 3; ++i) {
    auto start = Clock::now();
    auto reply = Query(daemon_->endpoint(), zone::kService, LDNS_RR_TYPE_A);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
    EXPECT_LT(Clock::now() - start, 1000ms);
  }
}

TEST_F(ForwardTls, TheSystemStoreDoesNotTrustATestCa) {
  Start("    tls_servername " + std::string(kTlsServerName) + "\n");
  ExpectQuickServfail();
}

}  // namespace
}  // namespace dnsd::it
