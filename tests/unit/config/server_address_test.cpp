// Server block keys to zone and port, the way CoreDNS normalises them.
#include <gtest/gtest.h>

#include <string>

#include "dnsd/config/corefile.hpp"

namespace dnsd::config {
namespace {

struct AddressCase {
  const char* name;
  const char* key;
  const char* zone;
  int port;
};

void PrintTo(const AddressCase& c, std::ostream* os) { *os << c.name; }

class ServerAddressParse : public ::testing::TestWithParam<AddressCase> {};

TEST_P(ServerAddressParse, SplitsZoneAndPort) {
  const AddressCase& c = GetParam();
  const Token key{c.key, {"Corefile", 1, 1}, false};
  Parsed<ServerAddress> got = ParseServerAddress(key, 1053);
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(got.value->zone, c.zone);
  EXPECT_EQ(got.value->port, c.port);
  EXPECT_EQ(got.value->token.text, c.key);
}

const AddressCase kAddressCases[] = {
    {"RootWithoutPortTakesTheDefault", ".", ".", 1053},
    {"RootWithPort", ".:53", ".", 53},
    {"PortAloneMeansRoot", ":5353", ".", 5353},
    {"ZoneIsMadeFullyQualified", "example.org", "example.org.", 1053},
    {"ZoneWithPort", "example.org:1053", "example.org.", 1053},
    {"ZoneIsLowerCased", "Example.ORG.", "example.org.", 1053},
    {"DnsSchemeIsAccepted", "dns://example.org:53", "example.org.", 53},
    {"DnsSchemeIsCaseInsensitive", "DNS://.", ".", 1053},
    {"HighestPort", "a.b:65535", "a.b.", 65535},
    {"ReverseSlash8", "10.0.0.0/8", "10.in-addr.arpa.", 1053},
    {"ReverseSlash16", "172.16.0.0/16", "16.172.in-addr.arpa.", 1053},
    {"ReverseSlash24WithPort", "10.1.2.0/24:53", "2.1.10.in-addr.arpa.", 53},
    {"ReverseSlash32", "192.0.2.1/32", "1.2.0.192.in-addr.arpa.", 1053},
    {"ReverseSlash0", "0.0.0.0/0", "in-addr.arpa.", 1053},
    {"ReverseHostBitsAreMasked", "10.1.2.3/24", "2.1.10.in-addr.arpa.", 1053},
    {"ReverseIpv6", "2001:db8::/32", "8.b.d.0.1.0.0.2.ip6.arpa.", 1053},
    {"ReverseIpv6WithPort", "fd00::/12:5300", "0.d.f.ip6.arpa.", 5300},
};

INSTANTIATE_TEST_SUITE_P(Keys, ServerAddressParse, ::testing::ValuesIn(kAddressCases),
                         [](const auto& info) { return std::string(info.param.name); });

struct AddressErrorCase {
  const char* name;
  const char* key;
  const char* want;  // ConfigError::ToString(); the key sits at Corefile:2:5
};

void PrintTo(const AddressErrorCase& c, std::ostream* os) { *os << c.name; }

class ServerAddressError : public ::testing::TestWithParam<AddressErrorCase> {};

TEST_P(ServerAddressError, NamesTheKey) {
  const AddressErrorCase& c = GetParam();
  const Token key{c.key, {"Corefile", 2, 5}, false};
  Parsed<ServerAddress> got = ParseServerAddress(key, 53);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error.ToString(), c.want);
}

const AddressErrorCase kAddressErrorCases[] = {
    {"TlsIsNotSupported", "tls://.:853",
     "Corefile:2:5: server address \"tls://.:853\": transport tls:// is not supported by dnsd "
     "(want dns:// or none)"},
    {"HttpsIsNotSupported", "https://example.org",
     "Corefile:2:5: server address \"https://example.org\": transport https:// is not supported by "
     "dnsd (want dns:// or none)"},
    {"GrpcIsNotSupported", "grpc://.",
     "Corefile:2:5: server address \"grpc://.\": transport grpc:// is not supported by dnsd (want "
     "dns:// or none)"},
    {"QuicIsNotSupported", "quic://.",
     "Corefile:2:5: server address \"quic://.\": transport quic:// is not supported by dnsd (want "
     "dns:// or none)"},
    {"UnknownScheme", "udp://.",
     "Corefile:2:5: server address \"udp://.\": unknown transport \"udp://\" (want dns:// or "
     "none)"},
    {"NonNumericPort", "example.org:dns",
     "Corefile:2:5: server address \"example.org:dns\": bad port \"dns\" (want a number from 1 to "
     "65535)"},
    {"PortZero", ".:0",
     "Corefile:2:5: server address \".:0\": bad port \"0\" (want a number from 1 to 65535)"},
    {"PortTooLarge", ".:65536",
     "Corefile:2:5: server address \".:65536\": bad port \"65536\" (want a number from 1 to "
     "65535)"},
    {"NegativePort", ".:-1",
     "Corefile:2:5: server address \".:-1\": bad port \"-1\" (want a number from 1 to 65535)"},
    {"MissingPortAfterColon",
     "example.org:", "Corefile:2:5: server address \"example.org:\": missing port after \":\""},
    {"EmptyKey", "", "Corefile:2:5: server address \"\": empty server block key"},
    {"EmptyLabel", "a..org",
     "Corefile:2:5: server address \"a..org\": zone \"a..org\" has an empty label"},
    {"LeadingDot", ".org",
     "Corefile:2:5: server address \".org\": zone \".org\" has an empty label"},
    {"LabelTooLong", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org",
     "Corefile:2:5: server address "
     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org\": zone "
     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org\" has a label longer "
     "than 63 octets"},
    {"InvalidCharacter", "exa{mple}.org",
     "Corefile:2:5: server address \"exa{mple}.org\": zone \"exa{mple}.org\" has an invalid "
     "character '{'"},
    {"ReverseMaskNotOnAnOctet", "10.0.0.0/20",
     "Corefile:2:5: server address \"10.0.0.0/20\": reverse zone prefix length /20 is not "
     "supported by dnsd (want "
     "/0, /8, /16, /24 or /32 for IPv4)"},
    {"ReverseIpv6MaskNotOnANibble", "fd00::/10",
     "Corefile:2:5: server address \"fd00::/10\": reverse zone prefix length /10 is not supported "
     "by dnsd (want a "
     "multiple of 4 for IPv6)"},
    {"ReverseBadAddress", "10.0.0/24",
     "Corefile:2:5: server address \"10.0.0/24\": \"10.0.0/24\" is not a valid CIDR (want "
     "ADDRESS/PREFIX-LENGTH)"},
    {"ReverseMaskTooLong", "10.0.0.0/33",
     "Corefile:2:5: server address \"10.0.0.0/33\": \"10.0.0.0/33\" is not a valid CIDR (want "
     "ADDRESS/PREFIX-LENGTH)"},
};

INSTANTIATE_TEST_SUITE_P(Keys, ServerAddressError, ::testing::ValuesIn(kAddressErrorCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace dnsd::config
