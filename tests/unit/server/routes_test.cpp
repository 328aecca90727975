#include "dnsd/server/routes.hpp"

#include <gtest/gtest.h>

#include "dnsd/plugins/forward/forwarder.hpp"
#include "dnsd/plugins/registry.hpp"

namespace dnsd::server {
namespace {

config::Parsed<Routes> Build(const std::string& text, std::uint16_t default_port = 53) {
  config::Parsed<config::Corefile> corefile = config::ParseCorefile(text, "Corefile");
  EXPECT_TRUE(corefile.ok()) << corefile.error.ToString();
  if (!corefile.ok()) return {std::nullopt, corefile.error};
  return BuildRoutes(*corefile.value, default_port, plugins::Registry());
}

TEST(BuildRoutes, SeveralBlocksShareAPortLongestZoneFirst) {
  auto routes = Build(
      ".:1053 {\n forward . 127.0.0.1:9\n}\n"
      "example.org:1053 sub.example.org:1053 {\n forward . 127.0.0.1:10\n}\n"
      "example.net {\n forward . 127.0.0.1:11\n}\n");
  ASSERT_TRUE(routes.ok()) << routes.error.ToString();
  ASSERT_EQ(routes.value->listeners.size(), 2u);
  const ListenRoutes& port53 = routes.value->listeners[0];
  EXPECT_EQ(port53.port, 53);
  ASSERT_EQ(port53.zones.size(), 1u);
  EXPECT_EQ(port53.zones[0].zone_text, "example.net.");
  const ListenRoutes& port1053 = routes.value->listeners[1];
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
  EXPECT_EQ(routes.value->listeners[0].port, 1053);
}

TEST(BuildRoutes, BoundBlocksServeTheSameZoneOnOnePortOnDifferentAddresses) {
  // Kubernetes NodeLocal DNSCache: every block binds the same two addresses on port 53.
  auto routes = Build(
      "cluster.local {\n bind 169.254.20.10 10.96.0.10\n forward . 127.0.0.1:9\n}\n"
      ". {\n bind 169.254.20.10 10.96.0.10\n forward . 127.0.0.1:10\n}\n"
      "other.example {\n bind 127.0.0.2\n}\n"
      "other.example {\n bind ::1\n}\n"
      "example.net {\n}\n");
  ASSERT_TRUE(routes.ok()) << routes.error.ToString();
  const auto& listeners = routes.value->listeners;
  ASSERT_EQ(listeners.size(), 5u);
  // By port, then host, the wildcard first.
  EXPECT_EQ(listeners[0].host, "");
  EXPECT_EQ(listeners[0].AddressText(), ":53");
  EXPECT_EQ(listeners[1].host, "10.96.0.10");
  EXPECT_EQ(listeners[2].host, "127.0.0.2");
  EXPECT_EQ(listeners[3].host, "169.254.20.10");
  EXPECT_EQ(listeners[4].host, "::1");
  EXPECT_EQ(listeners[4].AddressText(), "[::1]:53");
  ASSERT_EQ(listeners[1].zones.size(), 2u);
  EXPECT_EQ(listeners[1].zones[0].zone_text, "cluster.local.");
  EXPECT_EQ(listeners[1].zones[1].zone_text, ".");
  EXPECT_EQ(listeners[1].zones[0].chain, listeners[3].zones[0].chain);
  EXPECT_NE(listeners[2].zones[0].chain, listeners[4].zones[0].chain);
}

TEST(BuildRoutes, StartUpOutputListsEachListenersZonesSortedAsCoreDns) {
  auto routes = Build(
      "example.org:1053 sub.example.org:1053 . {\n}\n"
      "example.net:1053 {\n bind 127.0.0.2 ::1\n}\n");
  ASSERT_TRUE(routes.ok()) << routes.error.ToString();
  EXPECT_EQ(StartUpZones(*routes.value),
            ".:53\n"
            "example.org.:1053\n"
            "sub.example.org.:1053\n"
            "example.net.:1053 on 127.0.0.2\n"
            "example.net.:1053 on ::1\n");
}

TEST(BuildRoutes, BindOnAnInterfaceListensOnItsAddresses) {
  auto routes = Build(". {\n bind lo {\n  except 127.0.0.1\n }\n}\n");
  ASSERT_TRUE(routes.ok()) << routes.error.ToString();
  ASSERT_EQ(routes.value->listeners.size(), 1u);
  EXPECT_EQ(routes.value->listeners[0].host, "::1");  // lo is 127.0.0.1 and ::1 on Linux
}

// CoreDNS >= 1.9.4: every forward line is its own instance, run in Corefile order at forward's
// place in plugin.cfg order.
TEST(BuildRoutes, EveryForwardLineIsAnInstanceInCorefileOrder) {
  auto routes = Build(
      ". {\n forward example.org 127.0.0.1:9\n cache\n forward . 127.0.0.1:10\n"
      " forward . 127.0.0.1:11\n}\n");
  ASSERT_TRUE(routes.ok()) << routes.error.ToString();
  const Chain& chain = *routes.value->chains.at(0);
  EXPECT_EQ(chain.plugin_names,
            (std::vector<std::string>{"cache", "forward", "forward", "forward"}));
  ASSERT_EQ(chain.factories.size(), 4u);
  std::vector<std::string> from;
  for (std::size_t i = 1; i < 4; ++i) {
    auto* forward = dynamic_cast<plugins::forward::ForwardFactory*>(chain.factories[i].get());
    ASSERT_NE(forward, nullptr);
    from.push_back(forward->options().from + " " +
                   std::to_string(forward->options().upstreams.at(0).port()));
  }
  EXPECT_EQ(from, (std::vector<std::string>{"example.org. 9", ". 10", ". 11"}));
}

TEST(BuildRoutes, ErrorsPointAtTheToken) {
  struct Case {
    std::string corefile;
    std::string error;
  };
  std::vector<Case> cases = {
      {". {\n  bogus\n}\n", "Corefile:2:3: unknown plugin \"bogus\""},
      {". {\n  azure\n}\n", "Corefile:2:3: plugin \"azure\" is not supported by dnsd yet"},
      {". {\n cache\n cache 10\n}\n",
       "Corefile:3:2: plugin \"cache\" given twice in one server block"},
      {". {\n forward . 127.0.0.1\n forward . bogus\n}\n",
       "Corefile:3:12: forward: \"bogus\" is not an IP address or a readable resolv.conf file"},
      {".:53 {\n}\n.:53 {\n}\n", "Corefile:3:1: zone \".\" on port 53 is already defined"},
      {". {\n bind 127.0.0.2\n}\n. {\n bind 127.0.0.3 127.0.0.2\n}\n",
       "Corefile:4:1: zone \".\" on 127.0.0.2 port 53 is already defined"},
      {". {\n bind 127.0.0.2\n}\n. {\n}\n",
       "Corefile:4:1: zone \".\" on port 53 is already served on 127.0.0.2 by a block with bind "
       "(give both blocks bind, as CoreDNS requires)"},
      {". {\n}\n. {\n bind ::1\n}\n",
       "Corefile:3:1: zone \".\" on port 53 is already served on every address by a block without bind "
       "(give both blocks bind, as CoreDNS requires)"},
      {". {\n bind 127.0.0.2\n bind nosuchif0\n}\n",
       "Corefile:3:7: bind: not a valid IP address or interface name: \"nosuchif0\""},
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
  EXPECT_FALSE(BuildRoutes(*corefile.value, 53, plugins::Registry(), errors).has_value());
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
  std::optional<Routes> routes = BuildRoutes(*corefile.value, 53, plugins::Registry(), errors);
  ASSERT_TRUE(routes.has_value());
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(routes->listeners.size(), 1u);
  EXPECT_EQ(routes->listeners[0].zones.size(), 2u);
}

}  // namespace
}  // namespace dnsd::server
