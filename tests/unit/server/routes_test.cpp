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

TEST(BuildRoutes, ErrorsPointAtTheToken) {
  struct Case {
    std::string corefile;
    std::string error;
  };
  std::vector<Case> cases = {
      {". {\n  bogus\n}\n", "Corefile:2:3: unknown plugin \"bogus\""},
      {". {\n  hosts\n}\n", "Corefile:2:3: plugin \"hosts\" is not supported by dnsd yet"},
      {". {\n forward . 127.0.0.1\n forward . 127.0.0.2\n}\n",
       "Corefile:3:2: plugin \"forward\" given twice in one server block"},
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

}  // namespace
}  // namespace dnsd::server
