// The hosts(5) text format as CoreDNS's parser reads it: comments, blanks, bad lines skipped.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <cctype>

#include <string>
#include <vector>

#include "dnsd/plugins/hosts/hosts_text.hpp"

namespace dnsd::plugins::hosts {
namespace {

using Strings = std::vector<std::string>;

std::vector<wire::Name> Zones(const Strings& texts) {
  std::vector<wire::Name> zones;
  for (const std::string& text : texts) {
    wire::Name name;
    EXPECT_EQ(wire::Name::FromString(text, name), wire::WireError::kOk);
    zones.push_back(name);
  }
  return zones;
}

// "address name" per record, names in presentation form.
Strings Records(const std::string& text, const Strings& zones = {"."}) {
  Strings out;
  for (const HostRecord& record : ParseHostsText(text, Zones(zones))) {
    wire::Name name;
    std::size_t end = 0;
    std::vector<std::uint8_t> bytes(record.name.begin(), record.name.end());
    EXPECT_EQ(wire::Name::Parse(bytes, 0, name, &end), wire::WireError::kOk);
    char address[64] = {};
    ::inet_ntop(record.address.v4 ? AF_INET : AF_INET6, record.address.bytes.data(), address, sizeof address);
    out.push_back(std::string(address) + " " + name.ToString());
  }
  return out;
}

struct TextCase {
  std::string what;
  std::string text;
  Strings records;
};

class HostsText : public ::testing::TestWithParam<TextCase> {};

TEST_P(HostsText, RecordsAreWhatCoreDnsReads) { EXPECT_EQ(Records(GetParam().text), GetParam().records); }

INSTANTIATE_TEST_SUITE_P(
    Table, HostsText,
    ::testing::Values(
        TextCase{"canonical name and aliases", "192.168.1.10 example.com example\n",
                 {"192.168.1.10 example.com.", "192.168.1.10 example."}},
        TextCase{"comments and blank lines", "# a comment\n\n127.0.0.1 localhost # trailing\n#10.0.0.9 off\n",
                 {"127.0.0.1 localhost."}},
        TextCase{"tabs, CRLF and upper case", "10.0.0.1\tWWW.Example.ORG\t\r\n", {"10.0.0.1 www.example.org."}},
        TextCase{"IPv6 with a zone", "fe80::1%lo0 link.local\n::1 localhost ip6-localhost\n",
                 {"fe80::1 link.local.", "::1 localhost.", "::1 ip6-localhost."}},
        TextCase{"IPv4-mapped IPv6 is IPv4", "::ffff:10.1.2.3 mapped.test\n", {"10.1.2.3 mapped.test."}},
        TextCase{"an address alone is skipped", "10.0.0.1\n10.0.0.2 two.test\n", {"10.0.0.2 two.test."}},
        TextCase{"a bad address is skipped", "10.0.0.256 bad.test\nnot-an-ip x.test\n10.0.0.3 ok.test\n",
                 {"10.0.0.3 ok.test."}},
        TextCase{"leading zeros are refused, as Go does", "010.0.0.1 zero.test\n", {}},
        TextCase{"a bad name is skipped, the rest of the line kept", "10.0.0.4 a..b good.test\n",
                 {"10.0.0.4 good.test."}},
        TextCase{"a fully qualified name", "10.0.0.5 fq.test.\n", {"10.0.0.5 fq.test."}},
        TextCase{"no newline at the end", "10.0.0.6 last.test", {"10.0.0.6 last.test."}}),
    [](const auto& info) {
      std::string name;
      for (char c : info.param.what) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

TEST(HostsText, NamesOutsideTheZonesAreDropped) {
  EXPECT_EQ(Records("10.0.0.1 a.example.org b.example.net example.org\n", {"example.org."}),
            (Strings{"10.0.0.1 a.example.org.", "10.0.0.1 example.org."}));
}

TEST(HostsText, ParseAddressFollowsGo) {
  Address address;
  EXPECT_TRUE(ParseAddress("1.2.3.4", address));
  EXPECT_TRUE(address.v4);
  EXPECT_TRUE(ParseAddress("2001:db8::1%eth0", address));
  EXPECT_FALSE(address.v4);
  EXPECT_FALSE(ParseAddress("1.2.3", address));
  EXPECT_FALSE(ParseAddress("", address));
  EXPECT_FALSE(ParseAddress("%eth0", address));
}

}  // namespace
}  // namespace dnsd::plugins::hosts
