#include "dnsd/server/routes.hpp"

#include <gtest/gtest.h>

namespace dnsd::server {
namespace {

config::Parsed<Routes> Build(const std::string& text, std::uint16_t default_port = 53) {
  config::Parsed<config::Corefile> corefile = config::ParseCorefile(text, "Corefile");
  EXPECT_TRUE(corefile.ok()) << corefile.error.ToString();
  if (!corefile.ok()) return {std::nullopt, corefile.error};
  return BuildRoutes(*corefile.value, default_port);
}

TEST(BuildRoutes, SeveralBlocksShareAPortLongestZoneFirst) {
  auto routes = Build(
      ".:1053 {\n forward . 127.0.0.1:9\n}\n"
      "example.org:1053 sub.example.org:1053 {\n forward . 127.0.0.1:10\n}\n"
      "example.net {\n forward . 127.0.0.1:11\n}\n");
  ASSERT_TRUE(routes.ok()) << routes.error.ToString();
  ASSERT_EQ(routes.value->ports.size(), 2u);
  const PortRoutes& port53 = routes.value->ports[0];
  EXPECT_EQ(port53.port, 53);
  ASSERT_EQ(port53.zones.size(), 1u);
  EXPECT_EQ(port53.zones[0].zone_text, "example.net.");
  const PortRoutes& port1053 = routes.value->ports[1];
  ASSERT_EQ(port1053.zones.size(), 3u);
  EXPECT_EQ(port1053.zones[0].zone_text, "sub.example.org.");
  EXPECT_EQ(port1053.zones[1].zone_text, "example.org.");
  EXPECT_EQ(port1053.zones[2].zone_text, ".");
  // Keys of one block share one chain.
  EXPECT_EQ(port1053.zones[0].chain, port1053.zones[1].chain);
  EXPECT_EQ(routes.value->chains.size(), 3u);
}

TEST(BuildRoutes, DnsPortFlagSetsTheDefaultPort) {
  auto routes = Build(". {\n forward . 127.0.0.1:9\n}\n", 1053);
  ASSERT_TRUE(routes.ok());
  EXPECT_EQ(routes.value->ports[0].port, 1053);
}

TEST(BuildRoutes, ErrorsPointAtTheToken) {
  struct Case {
    std::string corefile;
    std::string error;
  };
  std::vector<Case> cases = {
      {". {\n  bogus\n}\n", "Corefile:2:3: unknown plugin \"bogus\""},
      {". {\n  azure\n}\n", "Corefile:2:3: plugin \"azure\" is not supported by dnsd yet"},
      {". {\n forward . 127.0.0.1\n forward . 127.0.0.2\n}\n",
       "Corefile:3:2: plugin \"forward\" given twice in one server block"},
      {".:53 {\n}\n.:53 {\n}\n", "Corefile:3:1: zone \".\" on port 53 is already defined"},
  };
  for (const Case& c : cases) {
    auto routes = Build(c.corefile);
    ASSERT_FALSE(routes.ok()) << c.corefile;
    EXPECT_EQ(routes.error.ToString(), c.error);
  }
}

TEST(BuildRoutes, CollectsEveryErrorOfEveryBlockInOnePass) {
  config::Parsed<config::Corefile> corefile = config::ParseCorefile(
      ".:53 {\n  bogus\n  kubernetes cluster.local\n  cache 30\n  forward\n}\n"
      "example.org:53 {\n  rewrite name bogus a b\n}\n.:53 {\n}\n",
      "Corefile");
  ASSERT_TRUE(corefile.ok());
  std::vector<config::ConfigError> errors;
  EXPECT_FALSE(BuildRoutes(*corefile.value, 53, errors).has_value());
  std::vector<std::string> texts;
  for (const config::ConfigError& error : errors) texts.push_back(error.ToString());
  EXPECT_EQ(texts, (std::vector<std::string>{
                       "Corefile:2:3: unknown plugin \"bogus\"",
                       "Corefile:3:3: plugin \"kubernetes\" is not supported by dnsd: dnsd forwards cluster "
                       "names to CoreDNS (`forward cluster.local <CoreDNS address>`), see "
                       "docs/compatibility.md#kubernetes",
                       "Corefile:5:3: forward: missing FROM and TO (want forward FROM TO...)",
                       "Corefile:8:16: rewrite: unknown match type \"bogus\" (want exact, prefix, suffix, "
                       "substring or regex)",
                       "Corefile:10:1: zone \".\" on port 53 is already defined"}));
}

TEST(BuildRoutes, WithoutErrorsCollectingGivesTheSameRoutes) {
  config::Parsed<config::Corefile> corefile =
      config::ParseCorefile("a.org:53 {\n  cache 30\n}\n.:53 {\n}\n", "Corefile");
  ASSERT_TRUE(corefile.ok());
  std::vector<config::ConfigError> errors;
  std::optional<Routes> routes = BuildRoutes(*corefile.value, 53, errors);
  ASSERT_TRUE(routes.has_value());
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(routes->ports.size(), 1u);
  EXPECT_EQ(routes->ports[0].zones.size(), 2u);
}

}  // namespace
}  // namespace dnsd::server
