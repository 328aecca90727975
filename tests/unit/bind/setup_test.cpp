// Corefile syntax of `bind` (CoreDNS 1.11, plugin/bind/setup_test.go's table and more): addresses
// and interface names, several lines adding up, `except`, and errors that point.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "dnsd/plugins/bind/setup.hpp"

namespace dnsd::plugins::bind {
namespace {

// A host with a loopback and one Ethernet interface.
const std::vector<Interface> kInterfaces = {
    {"lo", {"127.0.0.1", "::1"}},
    {"eth0", {"192.0.2.2", "fd00::2", "fe80::fc:ff:fe00:1%eth0"}},
    {"down0", {}},
};

config::Parsed<std::vector<std::string>> Hosts(const std::string& lines) {
  auto parsed = config::ParseCorefile(". {\n" + lines + "\n}\n", "Corefile");
  EXPECT_TRUE(parsed.ok()) << parsed.error.ToString();
  if (!parsed.ok()) return {std::nullopt, parsed.error};
  std::vector<const config::Directive*> binds;
  for (const config::Directive& d : parsed.value->blocks.at(0).directives) binds.push_back(&d);
  return ListenHosts(binds, kInterfaces);
}

TEST(BindSetup, ListsAddressesAndInterfacesInOrder) {
  struct Case {
    std::string lines;
    std::vector<std::string> hosts;
  };
  const std::vector<Case> cases = {
      {"bind 1.2.3.4", {"1.2.3.4"}},
      {"bind 1.2.3.4 ::5", {"1.2.3.4", "::5"}},
      {"bind ::1 1.2.3.4 ::5 127.9.9.0", {"::1", "1.2.3.4", "::5", "127.9.9.0"}},
      {"bind 1.2.3.4 lo", {"1.2.3.4", "127.0.0.1", "::1"}},
      {"bind eth0", {"192.0.2.2", "fd00::2", "fe80::fc:ff:fe00:1%eth0"}},
      {"bind lo {\nexcept 127.0.0.1\n}", {"::1"}},
      {"bind lo { except 127.0.0.1 ::1 }\nbind 127.0.0.2", {"127.0.0.2"}},
      {"bind eth0 lo {\n except eth0\n}", {"127.0.0.1", "::1"}},
      {"bind 127.0.0.1\nbind ::1", {"127.0.0.1", "::1"}},
      // except applies to its own line only (CoreDNS README).
      {"bind 127.0.0.1 {\n except 127.0.0.1\n}\nbind lo", {"127.0.0.1", "::1"}},
      // an except address that is not listed changes nothing; written forms are compared canonically
      {"bind lo {\n except 10.0.0.1 0:0::1\n}", {"127.0.0.1"}},
      {"bind 0:0:0::0:2", {"::2"}},
      {"bind down0 127.0.0.2", {"127.0.0.2"}},
  };
  for (const Case& c : cases) {
    auto hosts = Hosts(c.lines);
    ASSERT_TRUE(hosts.ok()) << c.lines << ": " << hosts.error.ToString();
    EXPECT_EQ(*hosts.value, c.hosts) << c.lines;
  }
}

TEST(BindSetup, ErrorsPointAtTheToken) {
  struct Case {
    std::string lines;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"bind",
       "Corefile:2:1: bind: at least one address or interface name is expected "
       "(want bind ADDRESS|IFACE ... [{ except ADDRESS|IFACE ... }])"},
      {"bind 1.2.3.invalid", "Corefile:2:6: bind: not a valid IP address or interface name: \"1.2.3.invalid\""},
      {"bind ::1 1.2.3.4 ::5 127.9.9.0 noone",
       "Corefile:2:32: bind: not a valid IP address or interface name: \"noone\""},
      {"bind 010.0.0.1", "Corefile:2:6: bind: not a valid IP address or interface name: \"010.0.0.1\""},
      {"bind fe80::1%eth0", "Corefile:2:6: bind: not a valid IP address or interface name: \"fe80::1%eth0\""},
      {"bind lo {\n  except\n}", "Corefile:3:3: bind: at least one address or interface must be given to except"},
      {"bind lo {\n  exept 127.0.0.1\n}", "Corefile:3:3: bind: invalid option \"exept\" (want except)"},
      {"bind lo {\n  except nosuch\n}", "Corefile:3:10: bind: not a valid IP address or interface name: \"nosuch\""},
      {"bind 127.0.0.1 lo", "Corefile:2:16: bind: address 127.0.0.1 is listed twice"},
      {"bind ::1\nbind 0::1", "Corefile:3:6: bind: address ::1 is listed twice"},
      {"bind lo {\n except lo\n}\nbind 127.0.0.2 {\n except 127.0.0.2\n}",
       "Corefile:2:1: bind: no address to listen on (the interfaces have none, or every one is excepted)"},
      {"bind down0", "Corefile:2:1: bind: no address to listen on (the interfaces have none, or every one is excepted)"},
  };
  for (const Case& c : cases) {
    auto hosts = Hosts(c.lines);
    ASSERT_FALSE(hosts.ok()) << c.lines;
    EXPECT_EQ(hosts.error.ToString(), c.error) << c.lines;
  }
}

TEST(BindSetup, HostInterfacesHoldTheLoopback) {
  const std::vector<Interface> interfaces = HostInterfaces();
  auto lo = std::find_if(interfaces.begin(), interfaces.end(), [](const Interface& i) { return i.name == "lo"; });
  ASSERT_NE(lo, interfaces.end());
  EXPECT_NE(std::find(lo->addresses.begin(), lo->addresses.end(), "127.0.0.1"), lo->addresses.end());
}

}  // namespace
}  // namespace dnsd::plugins::bind
