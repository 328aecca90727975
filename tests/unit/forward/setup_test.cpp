#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "dnsd/plugins/forward/forwarder.hpp"
#include "dnsd/plugins/forward/resolv_conf.hpp"
#include "dnsd/plugins/forward/setup.hpp"
#include "test_util.hpp"

namespace dnsd::plugins::forward {
namespace {

using namespace std::chrono_literals;
using testing::DirectiveFromText;
namespace ip = boost::asio::ip;

Options Parse(const std::string& text) {
  auto parsed = ParseOptions(DirectiveFromText(text));
  EXPECT_TRUE(parsed.ok()) << parsed.error.message;
  return parsed.ok() ? *parsed.value : Options{};
}

struct ErrorCase {
  std::string corefile;
  std::string message;
  int line;
  int column;
};

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/forward_test_XXXXXX";
    int fd = mkstemp(name);
    close(fd);
    path_ = name;
    std::ofstream(path_) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ForwardSetup, DefaultsAreCoreDnsDefaults) {
  Options o = Parse("forward . 1.2.3.4");
  EXPECT_EQ(o.from, ".");
  ASSERT_EQ(o.upstreams.size(), 1u);
  EXPECT_EQ(o.upstreams[0], ip::udp::endpoint(ip::make_address("1.2.3.4"), 53));
  EXPECT_EQ(o.policy, Policy::kRandom);
  EXPECT_EQ(o.max_fails, 2u);
  EXPECT_EQ(o.health_check, 500ms);
  EXPECT_EQ(o.expire, 10s);
  EXPECT_EQ(o.max_concurrent, 0u);
  EXPECT_FALSE(o.force_tcp);
  EXPECT_FALSE(o.prefer_udp);
  EXPECT_TRUE(o.health_recursion_desired);
  EXPECT_EQ(o.health_domain, ".");
  EXPECT_EQ(o.attempt_timeout, 2s);
  EXPECT_EQ(o.overall_timeout, 5s);
}

TEST(ForwardSetup, FromIsNormalisedToLowerCaseFqdn) {
  EXPECT_EQ(Parse("forward Example.ORG 1.2.3.4").from, "example.org.");
  EXPECT_EQ(Parse("forward example.org. 1.2.3.4").from, "example.org.");
  EXPECT_EQ(Parse("forward dns://example.org 1.2.3.4").from, "example.org.");
}

TEST(ForwardSetup, EveryUpstreamAddressFormIsAccepted) {
  Options o = Parse("forward . 1.2.3.4 5.6.7.8:5353 [::1]:54 ::2 dns://9.9.9.9 dns://8.8.8.8:5300 [fe80::1]");
  ASSERT_EQ(o.upstreams.size(), 7u);
  EXPECT_EQ(o.upstreams[0], ip::udp::endpoint(ip::make_address("1.2.3.4"), 53));
  EXPECT_EQ(o.upstreams[1], ip::udp::endpoint(ip::make_address("5.6.7.8"), 5353));
  EXPECT_EQ(o.upstreams[2], ip::udp::endpoint(ip::make_address("::1"), 54));
  EXPECT_EQ(o.upstreams[3], ip::udp::endpoint(ip::make_address("::2"), 53));
  EXPECT_EQ(o.upstreams[4], ip::udp::endpoint(ip::make_address("9.9.9.9"), 53));
  EXPECT_EQ(o.upstreams[5], ip::udp::endpoint(ip::make_address("8.8.8.8"), 5300));
  EXPECT_EQ(o.upstreams[6], ip::udp::endpoint(ip::make_address("fe80::1"), 53));
}

TEST(ForwardSetup, EveryPropertyIsParsed) {
  Options o = Parse(
      "forward example.org 1.2.3.4 {\n"
      "  except Internal.example.org b.example.org.\n"
      "  force_tcp\n"
      "  expire 1m30s\n"
      "  max_fails 0\n"
      "  health_check 250ms no_rec domain Health.Example.org\n"
      "  policy round_robin\n"
      "  max_concurrent 1000\n"
      "}");
  EXPECT_EQ(o.except, (std::vector<std::string>{"internal.example.org.", "b.example.org."}));
  EXPECT_TRUE(o.force_tcp);
  EXPECT_EQ(o.expire, 90s);
  EXPECT_EQ(o.max_fails, 0u);
  EXPECT_EQ(o.health_check, 250ms);
  EXPECT_FALSE(o.health_recursion_desired);
  EXPECT_EQ(o.health_domain, "health.example.org.");
  EXPECT_EQ(o.policy, Policy::kRoundRobin);
  EXPECT_EQ(o.max_concurrent, 1000u);
}

// miekg/dns's StringToRcode: names in any case, NOTIMPL for NOTIMP, extended rcodes too.
TEST(ForwardSetup, NextAndFailoverRcodesAreParsed) {
  Options o = Parse(
      "forward . 1.2.3.4 {\n  next nxdomain SERVFAIL NOTIMPL BADCOOKIE NoError\n"
      "  failover SERVFAIL REFUSED\n}");
  EXPECT_EQ(o.next_rcodes, RcodeSet{1u << 3 | 1u << 2 | 1u << 4 | 1u << 23 | 1u << 0});
  EXPECT_EQ(o.failover_rcodes, RcodeSet{1u << 2 | 1u << 5});
  EXPECT_TRUE(Contains(o.failover_rcodes, 5));
  EXPECT_FALSE(Contains(o.failover_rcodes, 3));
  EXPECT_FALSE(Contains(o.failover_rcodes, 40));
  EXPECT_EQ(Parse("forward . 1.2.3.4").next_rcodes, RcodeSet{0});
}

TEST(ForwardSetup, TlsUpstreamsDefaultToPort853AndMixWithPlainOnes) {
  Options o = Parse("forward . tls://1.2.3.4 1.2.3.5 tls://[::1]:8853 {\n  tls_servername dns.example\n}");
  ASSERT_EQ(o.upstreams.size(), 3u);
  EXPECT_EQ(o.upstreams[0], ip::udp::endpoint(ip::make_address("1.2.3.4"), 853));
  EXPECT_EQ(o.upstreams[1], ip::udp::endpoint(ip::make_address("1.2.3.5"), 53));
  EXPECT_EQ(o.upstreams[2], ip::udp::endpoint(ip::make_address("::1"), 8853));
  EXPECT_TRUE(o.IsTls(0));
  EXPECT_FALSE(o.IsTls(1));
  EXPECT_TRUE(o.IsTls(2));
  EXPECT_EQ(o.tls.server_name, "dns.example");
  EXPECT_NE(o.tls.context, nullptr) << "the system CA store by default";
  EXPECT_EQ(Parse("forward . 1.2.3.4").tls.context, nullptr);
}

TEST(ForwardSetup, TlsArgumentsAreCaOrCertKeyOrCertKeyCa) {
  const std::string ca = "/etc/ssl/certs/ca-certificates.crt";
  if (!std::ifstream(ca)) GTEST_SKIP() << ca << " is not installed";
  Options o = Parse("forward . tls://1.2.3.4 {\n  tls " + ca + "\n}");
  EXPECT_EQ(o.tls.ca, ca);
  EXPECT_TRUE(o.tls.cert.empty());
  EXPECT_NE(o.tls.context, nullptr);
}

TEST(ForwardSetup, TlsFilesThatAreNotPemAreErrorsAtTheTlsLine) {
  TempFile junk("not a certificate\n");
  const ErrorCase cases[] = {
      {"forward . tls://1.2.3.4 {\n  tls " + junk.path() + "\n}",
       "forward: tls: CA \"" + junk.path() + "\" holds no PEM certificate", 2, 3},
      {"forward . tls://1.2.3.4 {\n  tls " + junk.path() + " " + junk.path() + "\n}",
       "forward: tls: \"" + junk.path() + "\" and \"" + junk.path() +
           "\" are not a PEM certificate and key", 2, 3},
  };
  for (const ErrorCase& c : cases) {
    auto parsed = ParseOptions(DirectiveFromText(c.corefile));
    ASSERT_FALSE(parsed.ok()) << c.corefile;
    EXPECT_EQ(parsed.error.message, c.message);
    EXPECT_EQ(parsed.error.pos.line, c.line);
    EXPECT_EQ(parsed.error.pos.column, c.column);
  }
}

TEST(ForwardSetup, PolicySequentialAndPreferUdpAreParsed) {
  Options o = Parse("forward . 1.2.3.4 {\n policy sequential\n prefer_udp\n}");
  EXPECT_EQ(o.policy, Policy::kSequential);
  EXPECT_TRUE(o.prefer_udp);
  EXPECT_EQ(Parse("forward . 1.2.3.4 {\n policy random\n}").policy, Policy::kRandom);
}

TEST(ForwardSetup, FifteenUpstreamsAreAllowed) {
  std::string line = "forward .";
  for (int i = 1; i <= 15; ++i) line += " 10.0.0." + std::to_string(i);
  EXPECT_EQ(Parse(line).upstreams.size(), 15u);
}

TEST(ForwardSetup, ResolvConfNameserversAreRead) {
  TempFile file("# comment\nsearch example.org\nnameserver 192.0.2.1\nnameserver 2001:db8::1\noptions ndots:2\n");
  Options o = Parse("forward . " + file.path());
  ASSERT_EQ(o.upstreams.size(), 2u);
  EXPECT_EQ(o.upstreams[0], ip::udp::endpoint(ip::make_address("192.0.2.1"), 53));
  EXPECT_EQ(o.upstreams[1], ip::udp::endpoint(ip::make_address("2001:db8::1"), 53));
}

TEST(ForwardSetup, ResolvConfWithoutNameserversIsReportedAsEmpty) {
  TempFile file("search example.org\n");
  auto servers = ReadResolvConf(file.path());
  ASSERT_TRUE(servers.has_value());
  EXPECT_TRUE(servers->empty());
  EXPECT_FALSE(ReadResolvConf("/nonexistent/resolv.conf").has_value());
}

TEST(ForwardSetup, SetupBuildsAFactory) {
  auto result = forward::Setup(DirectiveFromText("forward . 127.0.0.1:5300"), pipeline::SetupContext{});
  ASSERT_TRUE(result.ok());
  auto* factory = dynamic_cast<ForwardFactory*>(result.value->get());
  ASSERT_NE(factory, nullptr);
  EXPECT_EQ(factory->upstreams().size(), 1u);
}

TEST(ForwardSetup, EveryErrorNamesTheTokenAndPointsAtIt) {
  std::string sixteen = "forward .";
  for (int i = 1; i <= 16; ++i) sixteen += " 10.0.0." + std::to_string(i);
  const ErrorCase cases[] = {
      {"forward", "forward: missing FROM and TO (want forward FROM TO...)", 1, 1},
      {"forward .", "forward: missing TO after \".\"", 1, 9},
      {"forward a..b 1.2.3.4", "forward: \"a..b\" is not a domain name (want FROM zone)", 1, 9},
      {"forward . nothere.conf", "forward: \"nothere.conf\" is not an IP address or a readable resolv.conf file", 1, 11},
      {"forward . 1.2.3.4:0", "forward: \"1.2.3.4:0\" is not an IP address or a readable resolv.conf file", 1, 11},
      {"forward . 1.2.3.4:99999", "forward: \"1.2.3.4:99999\" is not an IP address or a readable resolv.conf file", 1, 11},
      {"forward . https://9.9.9.9", "forward: \"https://9.9.9.9\": https upstreams are not supported by dnsd (want IP[:port], tls://IP[:port] or a resolv.conf file)", 1, 11},
      {"forward . grpc://9.9.9.9", "forward: \"grpc://9.9.9.9\": grpc upstreams are not supported by dnsd (want IP[:port], tls://IP[:port] or a resolv.conf file)", 1, 11},
      {"forward . 1.2.3.4 tls:///etc/resolv.conf", "forward: \"tls:///etc/resolv.conf\" is not a tls://IP[:port] address", 1, 19},
      {"forward . tls://1.2.3.4:0", "forward: \"tls://1.2.3.4:0\" is not a tls://IP[:port] address", 1, 11},
      {sixteen, "forward: more than 15 upstreams", 1, 10 + 15 * 9 + 6 * 1 + 1},
      {"forward . 1.2.3.4 {\n  foo\n}", "forward: unknown property \"foo\"", 2, 3},
      {"forward . 1.2.3.4 {\n  max_fails x\n}", "forward: max_fails: \"x\" is not a non-negative integer", 2, 13},
      {"forward . 1.2.3.4 {\n  max_fails -1\n}", "forward: max_fails: \"-1\" is not a non-negative integer", 2, 13},
      {"forward . 1.2.3.4 {\n  max_fails\n}", "forward: max_fails: want exactly one non-negative integer", 2, 3},
      {"forward . 1.2.3.4 {\n  max_fails 1 2\n}", "forward: max_fails: want exactly one non-negative integer", 2, 15},
      {"forward . 1.2.3.4 {\n  max_concurrent lots\n}", "forward: max_concurrent: \"lots\" is not a non-negative integer", 2, 18},
      {"forward . 1.2.3.4 {\n  expire 10\n}", "forward: expire: \"10\" is not a duration (want e.g. 500ms, 10s, 1m30s)", 2, 10},
      {"forward . 1.2.3.4 {\n  expire -1s\n}", "forward: expire: \"-1s\" is negative", 2, 10},
      {"forward . 1.2.3.4 {\n  expire\n}", "forward: expire: want exactly one DURATION", 2, 3},
      {"forward . 1.2.3.4 {\n  health_check\n}", "forward: health_check: missing DURATION", 2, 3},
      {"forward . 1.2.3.4 {\n  health_check soon\n}", "forward: health_check: \"soon\" is not a duration (want e.g. 500ms, 10s, 1m30s)", 2, 16},
      {"forward . 1.2.3.4 {\n  health_check 1s often\n}", "forward: health_check: unknown option \"often\" (want no_rec or domain FQDN)", 2, 19},
      {"forward . 1.2.3.4 {\n  health_check 1s domain\n}", "forward: health_check: domain: missing FQDN", 2, 19},
      {"forward . 1.2.3.4 {\n  policy fastest\n}", "forward: policy: unknown policy \"fastest\" (want random, round_robin or sequential)", 2, 10},
      {"forward . 1.2.3.4 {\n  policy\n}", "forward: policy: want one of random, round_robin, sequential", 2, 3},
      {"forward . 1.2.3.4 {\n  except\n}", "forward: except: missing IGNORED_NAMES", 2, 3},
      {"forward . 1.2.3.4 {\n  force_tcp yes\n}", "forward: force_tcp: unexpected argument \"yes\"", 2, 13},
      {"forward . 1.2.3.4 {\n  force_tcp\n  prefer_udp\n}", "forward: prefer_udp: force_tcp and prefer_udp cannot both be set", 3, 3},
      {"forward . tls://1.2.3.4 {\n  tls a b c d\n}", "forward: tls: want at most CERT KEY CA", 2, 13},
      {"forward . tls://1.2.3.4 {\n  tls /nonexistent/ca.pem\n}", "forward: tls: cannot read CA \"/nonexistent/ca.pem\": No such file or directory", 2, 3},
      {"forward . tls://1.2.3.4 {\n  tls /nonexistent/c.pem /nonexistent/k.pem\n}", "forward: tls: cannot read \"/nonexistent/c.pem\": No such file or directory", 2, 3},
      {"forward . tls://1.2.3.4 {\n  tls_servername\n}", "forward: tls_servername: want exactly one NAME", 2, 3},
      {"forward . tls://1.2.3.4 {\n  tls_servername a.example b.example\n}", "forward: tls_servername: want exactly one NAME", 2, 28},
      {"forward . 1.2.3.4 {\n  next\n}", "forward: next: missing RCODE", 2, 3},
      {"forward . 1.2.3.4 {\n  next NXDOMAIN nxdomian\n}", "forward: next: \"nxdomian\" is not a valid rcode (want e.g. NXDOMAIN, SERVFAIL, REFUSED)", 2, 17},
      {"forward . 1.2.3.4 {\n  next 3\n}", "forward: next: \"3\" is not a valid rcode (want e.g. NXDOMAIN, SERVFAIL, REFUSED)", 2, 8},
      {"forward . 1.2.3.4 {\n  next BADVERS\n}", "forward: next: \"BADVERS\" is not a valid rcode (want e.g. NXDOMAIN, SERVFAIL, REFUSED)", 2, 8},
      {"forward . 1.2.3.4 {\n  failover\n}", "forward: failover: missing RCODE", 2, 3},
      {"forward . 1.2.3.4 {\n  failover SERVFAIL NoError\n}", "forward: failover: NOERROR cannot be used in failover", 2, 21},
      {"forward . 1.2.3.4 {\n  failover FAIL\n}", "forward: failover: \"FAIL\" is not a valid rcode (want e.g. NXDOMAIN, SERVFAIL, REFUSED)", 2, 12},
      {"forward . 1.2.3.4 {\n  failfast_all_unhealthy_upstreams\n}", "forward: property \"failfast_all_unhealthy_upstreams\" is not supported by dnsd", 2, 3},
  };
  for (const ErrorCase& c : cases) {
    auto parsed = ParseOptions(DirectiveFromText(c.corefile));
    ASSERT_FALSE(parsed.ok()) << c.corefile;
    EXPECT_EQ(parsed.error.message, c.message) << c.corefile;
    EXPECT_EQ(parsed.error.pos.file, "Corefile");
    EXPECT_EQ(parsed.error.pos.line, c.line) << c.corefile;
    EXPECT_EQ(parsed.error.pos.column, c.column) << c.corefile;
  }
}

TEST(ForwardSetup, EmptyResolvConfIsAnErrorAtItsToken) {
  TempFile file("search example.org\n");
  auto parsed = ParseOptions(DirectiveFromText("forward . " + file.path()));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error.message, "forward: no nameservers found in \"" + file.path() + "\"");
  EXPECT_EQ(parsed.error.pos.column, 11);
}

TEST(ForwardSetup, SetupReportsTheParseError) {
  auto result = forward::Setup(DirectiveFromText("forward . 1.2.3.4 {\n  foo\n}"), pipeline::SetupContext{});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.message, "forward: unknown property \"foo\"");
}

}  // namespace
}  // namespace dnsd::plugins::forward
