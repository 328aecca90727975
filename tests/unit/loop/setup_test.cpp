// Corefile syntax of `loop` (CoreDNS 1.11): no arguments, once per server block; the probe zone and
// address come from the block's first key.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "dnsd/plugins/loop/factory.hpp"
#include "dnsd/plugins/loop/setup.hpp"
#include "dnsd/plugins/registry.hpp"
#include "dnsd/server/routes.hpp"

namespace dnsd::plugins::loop {
namespace {

// The `loop` directive of a Corefile, with the setup context its first block gives.
struct Block {
  config::Directive directive;
  pipeline::SetupContext ctx;
};

Block BlockOf(const std::string& corefile) {
  auto parsed = config::ParseCorefile(corefile, "Corefile");
  EXPECT_TRUE(parsed.ok()) << parsed.error.ToString();
  Block block;
  if (!parsed.ok() || parsed.value->blocks.empty()) return block;
  const config::ServerBlock& server = parsed.value->blocks.front();
  for (const config::Token& key : server.keys) {
    auto address = config::ParseServerAddress(key, 53);
    EXPECT_TRUE(address.ok()) << address.error.ToString();
    if (!address.ok()) continue;
    block.ctx.zones.push_back(address.value->zone);
    block.ctx.ports.push_back(address.value->port);
  }
  for (const config::Directive& d : server.directives) {
    if (d.name.text == "loop") block.directive = d;
  }
  return block;
}

TEST(LoopSetup, ProbesTheFirstZoneOnThePortOfTheFirstKey) {
  struct Case {
    std::string corefile;
    std::string zone;
    std::uint16_t port;
  };
  const std::vector<Case> cases = {
      {". {\n loop\n}\n", ".", 53},
      {".:1053 {\n loop\n}\n", ".", 1053},
      {"Example.ORG:1053 other.org:2053 {\n loop\n}\n", "example.org.", 1053},
      {"dns://cluster.local {\n loop\n}\n", "cluster.local.", 53},
  };
  for (const Case& c : cases) {
    Block block = BlockOf(c.corefile);
    auto parsed = ParseOptions(block.directive, block.ctx);
    ASSERT_TRUE(parsed.ok()) << c.corefile << parsed.error.ToString();
    EXPECT_EQ(parsed.value->zone, c.zone) << c.corefile;
    EXPECT_EQ(parsed.value->port, c.port) << c.corefile;
    EXPECT_EQ(parsed.value->listen_host, "") << c.corefile;  // no `bind` yet: the wildcard
  }
}

TEST(LoopSetup, ErrorsPointAtTheOffendingToken) {
  struct Case {
    std::string corefile;
    std::string error;
  };
  const std::vector<Case> cases = {
      {". {\nloop foo\n}\n", "Corefile:2:6: loop: unexpected argument \"foo\" (want loop)"},
      {". {\n  loop . 127.0.0.1\n}\n", "Corefile:2:8: loop: unexpected argument \".\" (want loop)"},
      {". {\nloop {\n  zone example.org\n}\n}\n", "Corefile:3:3: loop: unexpected block (want loop)"},
      {". {\nloop {\n}\n}\n", "Corefile:2:1: loop: unexpected block (want loop)"},
  };
  for (const Case& c : cases) {
    Block block = BlockOf(c.corefile);
    auto parsed = ParseOptions(block.directive, block.ctx);
    ASSERT_FALSE(parsed.ok()) << c.corefile;
    EXPECT_EQ(parsed.error.ToString(), c.error);
  }
}

TEST(LoopSetup, IsAllowedOncePerServerBlockAndRunsBeforeForward) {
  auto twice = config::ParseCorefile(". {\n loop\n loop\n}\n", "Corefile");
  ASSERT_TRUE(twice.ok());
  auto routes = server::BuildRoutes(*twice.value, 53, plugins::Registry());
  ASSERT_FALSE(routes.ok());
  EXPECT_EQ(routes.error.ToString(), "Corefile:3:2: plugin \"loop\" given twice in one server block");

  auto both = config::ParseCorefile(". {\n forward . 127.0.0.1\n loop\n}\n", "Corefile");
  ASSERT_TRUE(both.ok());
  routes = server::BuildRoutes(*both.value, 53, plugins::Registry());
  ASSERT_TRUE(routes.ok()) << routes.error.ToString();
  EXPECT_EQ(routes.value->chains.front()->plugin_names, (std::vector<std::string>{"loop", "forward"}));
}

TEST(LoopSetup, ProbesLoopbackForTheWildcardAndTheListenHostOtherwise) {
  struct Case {
    std::string host;
    std::string target;
  };
  const std::vector<Case> cases = {
      {"", "127.0.0.1:1053"},       {"0.0.0.0", "127.0.0.1:1053"}, {"::", "127.0.0.1:1053"},
      {"127.0.0.2", "127.0.0.2:1053"}, {"::1", "[::1]:1053"},
  };
  for (const Case& c : cases) {
    LoopOptions options;
    options.listen_host = c.host;
    options.port = 1053;
    auto target = ProbeTarget(options);
    EXPECT_EQ(JoinHostPort(target.address().to_string(), target.port()), c.target) << c.host;
  }
}

}  // namespace
}  // namespace dnsd::plugins::loop
