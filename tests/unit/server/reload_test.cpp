// Config reload: the `reload` directive (CoreDNS 1.11 syntax and limits), the Corefile digest that
// decides whether a file changed, and Server::Reload swapping routes in running workers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <random>
#include <string>
#include <thread>

#include "dnsd/config/corefile.hpp"
#include "dnsd/plugins/registry.hpp"
#include "dnsd/plugins/reload/setup.hpp"
#include "dnsd/server/reloader.hpp"
#include "dnsd/server/routes.hpp"
#include "dnsd/server/server.hpp"
#include "../../support/markdown_examples.hpp"

namespace dnsd {
namespace {

using namespace std::chrono_literals;
using plugins::reload::ParseReload;

config::Corefile Parse(const std::string& text) {
  auto parsed = config::ParseCorefile(text, "Corefile");
  EXPECT_TRUE(parsed.ok()) << parsed.error.ToString();
  return parsed.ok() ? *parsed.value : config::Corefile{};
}

config::Parsed<plugins::reload::ReloadOptions> Reload(const std::string& line) {
  config::Corefile corefile = Parse(". {\n    " + line + "\n}\n");
  return ParseReload(corefile.blocks.at(0).directives.at(0));
}

// The options of the `reload` factory the routes watch the Corefile with.
plugins::reload::ReloadOptions ReloadOptionsOf(const server::Routes& routes) {
  auto* factory = dynamic_cast<const plugins::reload::ReloadFactory*>(routes.reload.get());
  EXPECT_NE(factory, nullptr);
  return factory ? factory->options() : plugins::reload::ReloadOptions{};
}

TEST(ReloadDirective, DefaultsAreCoreDnsOnes) {
  auto options = Reload("reload");
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options.value->interval, 30s);
  EXPECT_EQ(options.value->jitter, 15s);
}

TEST(ReloadDirective, IntervalAndJitter) {
  auto options = Reload("reload 10s 2s");
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options.value->interval, 10s);
  EXPECT_EQ(options.value->jitter, 2s);
}

TEST(ReloadDirective, JitterIsCappedAtHalfTheInterval) {
  auto options = Reload("reload 4s 3s");
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options.value->jitter, 2s);
  EXPECT_EQ(Reload("reload 2s").value->jitter, 1s);  // default 15s capped too
}

TEST(ReloadDirective, ErrorsPointAtTheToken) {
  EXPECT_EQ(Reload("reload 1s").error.ToString(),
            "Corefile:2:12: reload: interval \"1s\" must be at least 2s (want reload [INTERVAL [JITTER]])");
  EXPECT_EQ(Reload("reload 10s 500ms").error.ToString(),
            "Corefile:2:16: reload: jitter \"500ms\" must be at least 1s (want reload [INTERVAL [JITTER]])");
  EXPECT_EQ(Reload("reload soon").error.ToString(),
            "Corefile:2:12: reload: invalid interval \"soon\" (want reload [INTERVAL [JITTER]])");
  EXPECT_EQ(Reload("reload 10s 2s 3s").error.ToString(),
            "Corefile:2:19: reload: unexpected argument \"3s\" (want reload [INTERVAL [JITTER]])");
  EXPECT_FALSE(Reload("reload {\n}").ok());
}

TEST(ReloadDirective, PeriodStaysWithinHalfTheJitter) {
  plugins::reload::ReloadOptions options{10s, 2s};
  for (int i = 0; i < 1000; ++i) {
    auto period = plugins::reload::PickPeriod(options);
    EXPECT_GE(period, 9s);
    EXPECT_LT(period, 11s);
  }
}

TEST(ReloadDirective, RoutesCarryTheOptions) {
  auto with = server::BuildRoutes(Parse("a.org:1053 {\n errors\n}\nb.org:1053 {\n reload 5s\n errors\n}\n"), 53, plugins::Registry());
  ASSERT_TRUE(with.ok()) << with.error.ToString();
  ASSERT_NE(with.value->reload, nullptr);
  EXPECT_EQ(ReloadOptionsOf(*with.value).interval, 5s);
  auto without = server::BuildRoutes(Parse(".:1053 {\n errors\n}\n"), 53, plugins::Registry());
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without.value->reload, nullptr);
}

TEST(ReloadDirective, TheDocsExampleBuilds) {
  const std::vector<std::string> examples =
      dnsd::testing::FencedExamples(std::string(DNSD_DOCS_DIR) + "/reload.md", "corefile");
  ASSERT_EQ(examples.size(), 1u);
  auto routes = server::BuildRoutes(Parse(examples[0]), 53, plugins::Registry());
  ASSERT_TRUE(routes.ok()) << routes.error.ToString();
  ASSERT_NE(routes.value->reload, nullptr);
  EXPECT_EQ(ReloadOptionsOf(*routes.value).interval, 10s);
  EXPECT_EQ(ReloadOptionsOf(*routes.value).jitter, 5s);
}

TEST(CorefileDigest, CommentsAndLayoutDoNotCount) {
  const std::string a = server::CorefileDigest(Parse(".:53 {\n  forward . 1.1.1.1\n}\n"));
  const std::string b = server::CorefileDigest(Parse("# comment\n.:53 {\n\n    forward .   1.1.1.1 # x\n}\n"));
  const std::string c = server::CorefileDigest(Parse(".:53 {\n  forward . 1.0.0.1\n}\n"));
  EXPECT_EQ(a.size(), 128u);  // SHA-512, hex
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // Token boundaries matter: "ab c" is not "a bc".
  EXPECT_NE(server::CorefileDigest(Parse(". {\n x ab c\n}\n")), server::CorefileDigest(Parse(". {\n x a bc\n}\n")));
}

// A UDP question to 127.0.0.1:port; returns the rcode, or -1 on timeout.
int AskRcode(std::uint16_t port, const std::string& name) {
  std::array<std::uint8_t, 512> query{};
  query[0] = 0x12; query[1] = 0x34; query[2] = 0x01; query[5] = 1;  // RD, QDCOUNT 1
  std::size_t at = 12;
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    query[at++] = static_cast<std::uint8_t>(dot - start);
    for (std::size_t i = start; i < dot; ++i) query[at++] = static_cast<std::uint8_t>(name[i]);
    start = dot + 1;
  }
  query[at++] = 0;
  query[at++] = 0; query[at++] = 1; query[at++] = 0; query[at++] = 1;  // A IN
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  timeval timeout{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::sendto(fd, query.data(), at, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  std::array<std::uint8_t, 512> reply{};
  ssize_t n = ::recv(fd, reply.data(), reply.size(), 0);
  ::close(fd);
  return n >= 12 ? (reply[3] & 0x0f) : -1;
}

std::uint16_t RandomPort() {
  static std::mt19937 random{std::random_device{}()};
  return static_cast<std::uint16_t>(std::uniform_int_distribution<int>(30000, 60000)(random));
}

std::shared_ptr<const server::Routes> Routes(const std::string& corefile) {
  auto routes = server::BuildRoutes(Parse(corefile), 53, plugins::Registry());
  EXPECT_TRUE(routes.ok()) << routes.error.ToString();
  return std::make_shared<const server::Routes>(std::move(*routes.value));
}

// `errors` alone ends its chain: SERVFAIL for a served zone, REFUSED for any other (CoreDNS).
TEST(ServerReload, SwapsZonesAndPortsInRunningWorkersAndRetiresTheOldHandlers) {
  const std::uint16_t port = RandomPort(), added = RandomPort();
  const std::string p = std::to_string(port);
  server::ListenLimits limits;
  limits.retire_after = 200ms;
  server::Server server(Routes("a.org:" + p + " {\n errors\n}\n"), 2, limits);
  ASSERT_EQ(server.Start(), "");
  constexpr int kServFail = 2, kRefused = 5;
  EXPECT_EQ(AskRcode(port, "x.a.org"), kServFail);
  EXPECT_EQ(AskRcode(port, "x.b.org"), kRefused);

  ASSERT_EQ(server.Reload(Routes("b.org:" + p + " {\n errors\n}\n.:" + std::to_string(added) +
                                 " {\n errors\n}\n")), "");
  for (int i = 0; i < 8; ++i) {  // both workers, whichever the kernel picks
    EXPECT_EQ(AskRcode(port, "x.a.org"), kRefused);
    EXPECT_EQ(AskRcode(port, "x.b.org"), kServFail);
  }
  EXPECT_EQ(AskRcode(added, "anything"), kServFail);

  std::this_thread::sleep_for(400ms);  // the old handlers are gone by now; serving goes on
  ASSERT_EQ(server.Reload(Routes("a.org:" + p + " {\n errors\n}\n")), "");
  EXPECT_EQ(AskRcode(port, "x.a.org"), kServFail);
  EXPECT_EQ(AskRcode(added, "anything"), -1);  // the removed port is closed
  server.Stop();
}

}  // namespace
}  // namespace dnsd
