// Several forward lines in one server block (CoreDNS >= 1.9.4), `next RCODE` and `failover RCODE`,
// through the running daemon against knot and a scripted upstream.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "metrics_util.hpp"
#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/faulty_upstream.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it {
namespace {

class ForwardChain : public ::testing::Test {
 protected:
  void Start(const std::string& server_block) {
    daemon_ = std::make_unique<Daemon>(".:@PORT@ {\n" + server_block + "}\n");
  }
  // coredns_proxy_request_duration_seconds_count of upstream `to` for `rcode`, as scraped now.
  double Requests(const Endpoint& to, const std::string& rcode) const {
    const Samples samples = Parse(Body(HttpGet(metrics_port_, "/metrics")));
    auto it = samples.find("coredns_proxy_request_duration_seconds_count{to=\"" + to.ToString() +
                           "\",rcode=\"" + rcode + "\",proxy_name=\"forward\"}");
    return it == samples.end() ? 0 : it->second;
  }
  std::string Prometheus() const { return "  prometheus 127.0.0.1:" + std::to_string(metrics_port_) + "\n"; }
  std::optional<Reply> Ask(const std::string& name) {
    return Query(daemon_->endpoint(), name, LDNS_RR_TYPE_A);
  }
  void TearDown() override {
    if (!daemon_) return;
    if (HasFailure()) std::cerr << "dnsd stderr:\n" << daemon_->stderr_text() << "\n";
    ExitStatus st = daemon_->Stop();
    EXPECT_TRUE(st.exited && st.code == 0) << st.Describe() << "\n" << daemon_->stderr_text();
  }

  Upstream knot_;
  FaultyUpstream other_;  // answers every A query with kFaultyAnswerA
  uint16_t metrics_port_ = FreePort();
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(ForwardChain, EachForwardLineServesItsZoneAndTheRestFallsThrough) {
  Start("  forward svc.cluster.local " + knot_.endpoint().ToString() +
        " {\n    except ns2-default.svc.cluster.local\n  }\n"
        "  forward . " + other_.endpoint().ToString() + "\n");
  auto service = Ask(zone::kService);
  ASSERT_TRUE(service.has_value());
  EXPECT_EQ(service->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
  for (const std::string& name : {std::string("www.example.com."), zone::ServiceName(1, 2)}) {
    auto elsewhere = Ask(name);
    ASSERT_TRUE(elsewhere.has_value()) << name;
    EXPECT_EQ(elsewhere->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{kFaultyAnswerA})
        << name << " is not under the first FROM or is in its except list";
  }
}

TEST_F(ForwardChain, ANameNoForwardLineTakesIsServfail) {
  Start("  forward svc.cluster.local " + knot_.endpoint().ToString() + "\n"
        "  forward example.org " + other_.endpoint().ToString() + "\n");
  auto reply = Ask("www.example.com.");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_SERVFAIL) << "CoreDNS: no next plugin";
}

TEST_F(ForwardChain, NextNxdomainAsksTheNextForwardLine) {
  Start(Prometheus() + "  forward . " + knot_.endpoint().ToString() + " {\n    next NXDOMAIN\n  }\n"
        "  forward . " + other_.endpoint().ToString() + "\n");
  const double knot_nxdomain = Requests(knot_.endpoint(), "NXDOMAIN");
  const double other_noerror = Requests(other_.endpoint(), "NOERROR");
  auto missing = Ask(zone::kMissing);
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->rcode(), LDNS_RCODE_NOERROR) << missing->ToString();
  EXPECT_EQ(missing->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{kFaultyAnswerA});
  // Each line's upstream is its own `to` series.
  EXPECT_EQ(Requests(knot_.endpoint(), "NXDOMAIN") - knot_nxdomain, 1);
  EXPECT_EQ(Requests(other_.endpoint(), "NOERROR") - other_noerror, 1);
  auto known = Ask(zone::kService);
  ASSERT_TRUE(known.has_value());
  EXPECT_EQ(known->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA})
      << "knot's own answer is kept";
}

TEST_F(ForwardChain, WithoutNextTheFirstLinesNxdomainIsTheAnswer) {
  Start("  forward . " + knot_.endpoint().ToString() + "\n"
        "  forward . " + other_.endpoint().ToString() + "\n");
  auto missing = Ask(zone::kMissing);
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->rcode(), LDNS_RCODE_NXDOMAIN) << missing->ToString();
}

TEST_F(ForwardChain, FailoverServfailTriesTheNextUpstream) {
  other_.Set(Fault::kServfail);
  Start("  forward . " + other_.endpoint().ToString() + " " + knot_.endpoint().ToString() +
        " {\n    policy sequential\n    failover SERVFAIL\n  }\n");
  for (int i = 0; i < 3; ++i) {
    auto reply = Ask(zone::kService);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->rcode(), LDNS_RCODE_NOERROR) << reply->ToString();
    EXPECT_EQ(reply->AnswerData(LDNS_RR_TYPE_A), std::vector<std::string>{zone::kServiceA});
  }
  EXPECT_GE(other_.udp_queries(), 3) << "the SERVFAIL upstream was asked first";
}

TEST_F(ForwardChain, WithoutFailoverAServfailIsTheAnswer) {
  other_.Set(Fault::kServfail);
  Start("  forward . " + other_.endpoint().ToString() + " " + knot_.endpoint().ToString() +
        " {\n    policy sequential\n  }\n");
  auto reply = Ask(zone::kService);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rcode(), LDNS_RCODE_SERVFAIL) << reply->ToString();
}

}  // namespace
}  // namespace dnsd::it
