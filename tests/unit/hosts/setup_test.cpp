// `hosts` directive parsing: CoreDNS 1.11's syntax, defaults and messages, every error positioned.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support.hpp"

namespace dnsd::plugins::hosts {
namespace {

using namespace std::chrono_literals;
using Strings = std::vector<std::string>;
using testing::ParseFirst;

Options Parse(const std::string& corefile, Strings zones = {"."}) {
  auto parsed = ParseFirst(corefile, std::move(zones));
  EXPECT_TRUE(parsed.ok()) << parsed.error.ToString();
  return parsed.ok() ? *parsed.value : Options{};
}

TEST(HostsSetup, DefaultsAreCoreDnsDefaults) {
  Options o = Parse(". {\n  hosts\n}\n", {"example.org."});
  EXPECT_EQ(o.path, "/etc/hosts");
  EXPECT_EQ(o.zones, Strings{"example.org."});
  EXPECT_EQ(o.ttl, 3600u);
  EXPECT_TRUE(o.auto_reverse);
  EXPECT_EQ(o.reload, 5s);
  EXPECT_TRUE(o.fallthrough.empty());
  EXPECT_TRUE(o.inline_lines.empty());
}

TEST(HostsSetup, TheK3sNodeHostsBlockParses) {
  Options o = Parse(". {\n  hosts /etc/coredns/NodeHosts {\n    ttl 60\n    reload 15s\n    fallthrough\n  }\n}\n");
  EXPECT_EQ(o.path, "/etc/coredns/NodeHosts");
  EXPECT_EQ(o.ttl, 60u);
  EXPECT_EQ(o.reload, 15s);
  EXPECT_EQ(o.fallthrough, Strings{"."});
  EXPECT_TRUE(o.inline_lines.empty());
}

struct ZonesCase {
  std::string directive;
  Strings zones;
};

class HostsSetupZones : public ::testing::TestWithParam<ZonesCase> {};

TEST_P(HostsSetupZones, ZonesAfterTheFileAreNormalisedAsCoreDnsDoes) {
  Options o = Parse(". {\n  " + GetParam().directive + "\n}\n", {"server.zone."});
  EXPECT_EQ(o.zones, GetParam().zones);
}

INSTANTIATE_TEST_SUITE_P(
    Table, HostsSetupZones,
    ::testing::Values(ZonesCase{"hosts /etc/hosts", {"server.zone."}},
                      ZonesCase{"hosts /etc/hosts miek.nl.", {"miek.nl."}},
                      ZonesCase{"hosts /etc/hosts Miek.NL pun.gent.", {"miek.nl.", "pun.gent."}},
                      ZonesCase{"hosts /etc/hosts dns://example.org:53", {"example.org."}},
                      ZonesCase{"hosts /etc/hosts miek.nl 10.0.0.9/8", {"miek.nl.", "10.in-addr.arpa."}},
                      ZonesCase{"hosts /etc/hosts 192.168.0.0/16", {"168.192.in-addr.arpa."}},
                      ZonesCase{"hosts /etc/hosts 10.0.0.0/15", {"0.10.in-addr.arpa.", "1.10.in-addr.arpa."}},
                      ZonesCase{"hosts /etc/hosts fd00::/12", {"0.d.f.ip6.arpa."}},
                      ZonesCase{"hosts /etc/hosts fd00::/14",
                                {"0.0.d.f.ip6.arpa.", "1.0.d.f.ip6.arpa.", "2.0.d.f.ip6.arpa.",
                                 "3.0.d.f.ip6.arpa."}},
                      // CoreDNS ignores what it cannot normalise; then it serves no zone at all.
                      ZonesCase{"hosts /etc/hosts example.org:", {}}));

TEST(HostsSetup, InlineLinesBeforeFallthroughAreHostsFileLines) {
  Options o = Parse(
      "example.org {\n  hosts highly_unlikely_to_exist_hosts_file example.org {\n"
      "    10.0.0.1 example.org\n    ::1 localhost ip6-localhost\n    fallthrough\n  }\n}\n");
  EXPECT_EQ(o.inline_lines, (Strings{"10.0.0.1 example.org", "::1 localhost ip6-localhost"}));
  EXPECT_EQ(o.fallthrough, Strings{"."});
  EXPECT_EQ(o.path, "highly_unlikely_to_exist_hosts_file");  // relative: from the working directory
}

TEST(HostsSetup, FallthroughZonesAreNormalised) {
  Options o = Parse(". {\n  hosts {\n    fallthrough In-Addr.Arpa ip6.arpa. 10.0.0.0/8\n  }\n}\n");
  EXPECT_EQ(o.fallthrough, (Strings{"in-addr.arpa.", "ip6.arpa.", "10.in-addr.arpa."}));
}

TEST(HostsSetup, NoReverseTtlAndReloadZero) {
  Options o = Parse(". {\n  hosts {\n    no_reverse\n    ttl +120\n    reload 0\n  }\n}\n");
  EXPECT_FALSE(o.auto_reverse);
  EXPECT_EQ(o.ttl, 120u);
  EXPECT_EQ(o.reload, 0s);
}

TEST(HostsSetup, ReloadTakesGoDurations) {
  EXPECT_EQ(Parse(". {\n  hosts {\n    reload 1m30s\n  }\n}\n").reload, 90s);
  EXPECT_EQ(Parse(". {\n  hosts {\n    reload 300ms\n  }\n}\n").reload, 300ms);
}

struct ErrorCase {
  std::string corefile;
  std::string message;
};

class HostsSetupErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(HostsSetupErrors, ErrorPointsAtTheToken) {
  auto parsed = ParseFirst(GetParam().corefile);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error.ToString(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, HostsSetupErrors,
    ::testing::Values(
        ErrorCase{". {\n  hosts {\n    ttl\n  }\n}\n", "Corefile:3:5: hosts: ttl needs a time in second"},
        ErrorCase{". {\n  hosts {\n    ttl 1m\n  }\n}\n", "Corefile:3:9: hosts: ttl needs a number of second"},
        ErrorCase{". {\n  hosts {\n    ttl 0\n  }\n}\n", "Corefile:3:9: hosts: ttl provided is invalid"},
        ErrorCase{". {\n  hosts {\n    ttl -5\n  }\n}\n", "Corefile:3:9: hosts: ttl provided is invalid"},
        ErrorCase{". {\n  hosts {\n    ttl 65536\n  }\n}\n", "Corefile:3:9: hosts: ttl provided is invalid"},
        ErrorCase{". {\n  hosts {\n    reload\n  }\n}\n",
                  "Corefile:3:5: hosts: reload needs a duration (zero seconds to disable)"},
        ErrorCase{". {\n  hosts {\n    reload 5s 10s\n  }\n}\n",
                  "Corefile:3:15: hosts: reload needs a duration (zero seconds to disable)"},
        ErrorCase{". {\n  hosts {\n    reload 5\n  }\n}\n", "Corefile:3:12: hosts: invalid duration for reload '5'"},
        ErrorCase{". {\n  hosts {\n    reload -1s\n  }\n}\n",
                  "Corefile:3:12: hosts: invalid negative duration for reload '-1s'"},
        ErrorCase{". {\n  hosts {\n    fallthrough\n    10.0.0.1 example.org\n  }\n}\n",
                  "Corefile:4:5: hosts: unknown property '10.0.0.1'"},
        ErrorCase{". {\n  hosts /etc/hosts/nested\n}\n",
                  "Corefile:2:9: hosts: unable to access hosts file '/etc/hosts/nested': "
                  "stat /etc/hosts/nested: not a directory"}));

}  // namespace
}  // namespace dnsd::plugins::hosts
