// Malformed `rewrite` lines are refused at load with file:line:column at the offending token, the
// token named and what was wanted there. Exact messages: they are the user interface.
#include <gtest/gtest.h>

#include "describe.hpp"

namespace dnsd::rules {
namespace {

using testing::ParseLines;

struct Case {
  std::string line;
  std::string error;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.line; }

class MalformedRewrite : public ::testing::TestWithParam<Case> {};

TEST_P(MalformedRewrite, IsRejectedWithAPositionedReason) {
  const ParsedRules parsed = ParseLines(GetParam().line);
  ASSERT_FALSE(parsed.ok()) << GetParam().line;
  EXPECT_TRUE(parsed.rules.empty());
  EXPECT_EQ(parsed.error->ToString(), GetParam().error);
}

const std::string kNameWant =
    "(want name [exact|prefix|suffix|substring|regex] FROM TO [answer auto|name FROM TO|value FROM TO])";
const std::string kAnswerWant = "(want auto, name FROM TO or value FROM TO)";
const std::string kTtlWant = "(want ttl [exact|prefix|suffix|substring|regex] NAME SECONDS|MIN-MAX)";
const std::string kTtlValueWant = "(want SECONDS, MIN-MAX, MIN- or -MAX, 0-4294967295, MIN <= MAX)";
const std::string kRcodeWant = "(want rcode [exact|prefix|suffix|substring|regex] NAME FROM TO)";
const std::string kFieldWant = "(want name, type, class, edns0, ttl, cname or rcode)";
const std::string kLocalWant =
    "(want edns0 local set|append|replace CODE DATA [revert] or edns0 local unset CODE)";
const std::string kSubnetWant =
    "(want edns0 subnet set|append|replace V4BITS V6BITS [revert] or edns0 subnet unset)";

// Every malformed line of CASES.md.
INSTANTIATE_TEST_SUITE_P(
    SpecCases, MalformedRewrite,
    ::testing::Values(
        Case{"rewrite", "Corefile:2:1: rewrite: missing field after \"rewrite\" " + kFieldWant},
        Case{"rewrite name", "Corefile:2:9: rewrite: missing FROM after \"name\" " + kNameWant},
        // CoreDNS would read this as `rewrite name exact. onlyone.`; dnsd takes a match type word
        // in the match type position as a match type (docs/rewrite.md).
        Case{"rewrite name exact onlyone", "Corefile:2:20: rewrite: missing TO after \"onlyone\" " + kNameWant},
        Case{"rewrite name bogus a b",
             "Corefile:2:14: rewrite: unknown match type \"bogus\" (want exact, prefix, suffix, substring or regex)"},
        Case{"rewrite name regex ( x", "Corefile:2:20: rewrite: invalid regex \"(\": missing ): ("},
        Case{"rewrite ttl exact a.b notanumber", "Corefile:2:23: rewrite: invalid TTL \"notanumber\" " + kTtlValueWant},
        Case{"rewrite type A NOTATYPE",
             "Corefile:2:16: rewrite: unknown type \"NOTATYPE\" (want a record type such as A, AAAA, SRV, ANY or TYPE65280)"},
        Case{"rewrite class IN XX",
             "Corefile:2:18: rewrite: unknown class \"XX\" (want IN, CH, HS, CS, NONE, ANY or CLASS65280)"},
        Case{"rewrite edns0 local set zz",
             "Corefile:2:25: rewrite: invalid EDNS0 option code \"zz\" (want 0-65535, decimal or 0x hex)"},
        Case{"rewrite name exact a b answer",
             "Corefile:2:24: rewrite: missing response option after \"answer\" " + kAnswerWant},
        Case{"rewrite name exact a b answer name x",
             "Corefile:2:36: rewrite: missing TO after \"x\" (want answer name FROM TO)"},
        Case{"rewrite frobnicate a b", "Corefile:2:9: rewrite: unknown field \"frobnicate\" " + kFieldWant}));

INSTANTIATE_TEST_SUITE_P(
    NameRules, MalformedRewrite,
    ::testing::Values(
        Case{"rewrite continue", "Corefile:2:9: rewrite: missing field after \"continue\" " + kFieldWant},
        Case{"rewrite stop frob a b", "Corefile:2:14: rewrite: unknown field \"frob\" " + kFieldWant},
        Case{"rewrite answer name a b",
             "Corefile:2:9: rewrite: response rewrites must begin with a name rule (want name ... answer ...)"},
        // With more than FROM TO, the first argument must be the match type (as CoreDNS).
        Case{"rewrite name a b c",
             "Corefile:2:14: rewrite: unknown match type \"a\" (want exact, prefix, suffix, substring or regex)"},
        Case{"rewrite name a b answer auto",
             "Corefile:2:14: rewrite: unknown match type \"a\" (want exact, prefix, suffix, substring or regex)"},
        Case{"rewrite name exact a b extra",
             "Corefile:2:24: rewrite: unexpected \"extra\" after TO (want answer auto, answer name FROM TO or answer "
             "value FROM TO)"},
        Case{"rewrite name exact a b answer bogus",
             "Corefile:2:31: rewrite: unknown response option \"bogus\" " + kAnswerWant},
        Case{"rewrite name exact a b answer auto answer",
             "Corefile:2:36: rewrite: missing response option after \"answer\" " + kAnswerWant},
        Case{"rewrite name exact a b answer value x",
             "Corefile:2:37: rewrite: missing TO after \"x\" (want answer value FROM TO)"},
        Case{"rewrite name suffix .a .b answer auto answer name x y",
             "Corefile:2:46: rewrite: answer name cannot be combined with answer auto (auto already reverts the "
             "names)"},
        Case{"rewrite name regex (.*) x answer name ( y", "Corefile:2:39: rewrite: invalid regex \"(\": missing ): ("},
        Case{"rewrite name regex (a) {2}", "Corefile:2:24: rewrite: template \"{2}\" uses {2} but regex \"(a)\" has 1 group"},
        Case{"rewrite name regex a {1}.b", "Corefile:2:22: rewrite: template \"{1}.b\" uses {1} but regex \"a\" has 0 groups"},
        Case{"rewrite name regex (a) b answer value (x)(y) {3}",
             "Corefile:2:46: rewrite: template \"{3}\" uses {3} but regex \"(x)(y)\" has 2 groups"},
        Case{"rewrite name exact a " + std::string(64, 'x') + ".b",
             "Corefile:2:22: rewrite: TO \"" + std::string(64, 'x') +
                 ".b\" is not a possible domain name (a label is longer than 63 octets)"},
        Case{"rewrite name suffix .a ." + std::string(64, 'x'),
             "Corefile:2:24: rewrite: TO \"." + std::string(64, 'x') +
                 "\" is not a possible domain name (a label is longer than 63 octets)"},
        Case{"rewrite name exact a b..c",
             "Corefile:2:22: rewrite: TO \"b..c\" is not a possible domain name (empty label or bad escape)"},
        Case{"rewrite name exact a .b",
             "Corefile:2:22: rewrite: TO \".b\" is not a possible domain name (empty label or bad escape)"}));

TEST(MalformedRewriteName, RefusesAToOver255Octets) {
  std::string to;
  for (int i = 0; i < 4; ++i) to += std::string(63, 'a') + ".";  // 4 * 64 + 1 = 257 octets
  const ParsedRules parsed = ParseLines("rewrite name prefix a " + to);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error->ToString(), "Corefile:2:23: rewrite: TO \"" + to +
                                          "\" is not a possible domain name (the name is longer than 255 octets)");
}

INSTANTIATE_TEST_SUITE_P(
    OtherFields, MalformedRewrite,
    ::testing::Values(
        Case{"rewrite type", "Corefile:2:9: rewrite: missing FROM after \"type\" (want type FROM TO)"},
        Case{"rewrite type A", "Corefile:2:14: rewrite: missing TO after \"A\" (want type FROM TO)"},
        Case{"rewrite type A AAAA MX", "Corefile:2:21: rewrite: unexpected \"MX\" (want type FROM TO)"},
        Case{"rewrite type TYPE70000 A",
             "Corefile:2:14: rewrite: unknown type \"TYPE70000\" (want a record type such as A, AAAA, SRV, ANY or "
             "TYPE65280)"},
        Case{"rewrite class XX IN",
             "Corefile:2:15: rewrite: unknown class \"XX\" (want IN, CH, HS, CS, NONE, ANY or CLASS65280)"},
        Case{"rewrite class IN", "Corefile:2:15: rewrite: missing TO after \"IN\" (want class FROM TO)"},
        Case{"rewrite ttl", "Corefile:2:9: rewrite: missing NAME after \"ttl\" " + kTtlWant},
        Case{"rewrite ttl a", "Corefile:2:13: rewrite: missing TTL after \"a\" " + kTtlWant},
        Case{"rewrite ttl exact a 1 2", "Corefile:2:23: rewrite: unexpected \"2\" " + kTtlWant.substr(0, kTtlWant.size())},
        Case{"rewrite ttl bogus a 5",
             "Corefile:2:13: rewrite: unknown match type \"bogus\" (want exact, prefix, suffix, substring or regex)"},
        Case{"rewrite ttl a -", "Corefile:2:15: rewrite: invalid TTL \"-\" " + kTtlValueWant},
        Case{"rewrite ttl a 20-10", "Corefile:2:15: rewrite: invalid TTL \"20-10\" " + kTtlValueWant},
        Case{"rewrite ttl a 1-2-3", "Corefile:2:15: rewrite: invalid TTL \"1-2-3\" " + kTtlValueWant},
        Case{"rewrite ttl a 4294967296", "Corefile:2:15: rewrite: invalid TTL \"4294967296\" " + kTtlValueWant},
        Case{"rewrite ttl a +5", "Corefile:2:15: rewrite: invalid TTL \"+5\" " + kTtlValueWant},
        Case{"rewrite ttl regex ( 5", "Corefile:2:19: rewrite: invalid regex \"(\": missing ): ("},
        Case{"rewrite rcode a SERVFAIL", "Corefile:2:17: rewrite: missing TO after \"SERVFAIL\" " + kRcodeWant},
        Case{"rewrite rcode a SERVFAIL BOGUS",
             "Corefile:2:26: rewrite: unknown rcode \"BOGUS\" (want a name such as NOERROR, SERVFAIL, NXDOMAIN, "
             "REFUSED or a number 0-23)"},
        Case{"rewrite rcode a 24 0",
             "Corefile:2:17: rewrite: unknown rcode \"24\" (want a name such as NOERROR, SERVFAIL, NXDOMAIN, REFUSED "
             "or a number 0-23)"},
        Case{"rewrite rcode exact a 1 2 3", "Corefile:2:27: rewrite: unexpected \"3\" " + kRcodeWant},
        Case{"rewrite cname a",
             "Corefile:2:15: rewrite: missing TO after \"a\" (want cname [exact|prefix|suffix|substring|regex] FROM TO)"},
        Case{"rewrite cname regex ( x", "Corefile:2:21: rewrite: invalid regex \"(\": missing ): ("},
        Case{"rewrite edns0", "Corefile:2:9: rewrite: missing EDNS0 option after \"edns0\" (want local, nsid or subnet)"},
        Case{"rewrite edns0 cookie set",
             "Corefile:2:15: rewrite: unknown EDNS0 option \"cookie\" (want local, nsid or subnet)"},
        Case{"rewrite edns0 local",
             "Corefile:2:15: rewrite: missing action after \"local\" (want set, append, replace or unset)"},
        Case{"rewrite edns0 local frob 1 2",
             "Corefile:2:21: rewrite: unknown EDNS0 action \"frob\" (want set, append, replace or unset)"},
        Case{"rewrite edns0 local set 65536 x",
             "Corefile:2:25: rewrite: invalid EDNS0 option code \"65536\" (want 0-65535, decimal or 0x hex)"},
        Case{"rewrite edns0 local set 1", "Corefile:2:25: rewrite: missing data after \"1\" " + kLocalWant},
        Case{"rewrite edns0 local set 1 revert", "Corefile:2:25: rewrite: missing data after \"1\" " + kLocalWant},
        Case{"rewrite edns0 local set 1 0xabc",
             "Corefile:2:27: rewrite: invalid hex data \"0xabc\" (want 0x and an even number of hex digits)"},
        Case{"rewrite edns0 local set 1 0xzz",
             "Corefile:2:27: rewrite: invalid hex data \"0xzz\" (want 0x and an even number of hex digits)"},
        Case{"rewrite edns0 local set 1 {some-plugin/label}",
             "Corefile:2:27: rewrite: unsupported EDNS0 variable \"{some-plugin/label}\" (want {qname}, {qtype}, "
             "{client_ip}, {client_port}, {protocol}, {server_ip} or {server_port})"},
        Case{"rewrite edns0 local set 1 x y", "Corefile:2:29: rewrite: unexpected \"y\" " + kLocalWant},
        Case{"rewrite edns0 local unset 1 x", "Corefile:2:29: rewrite: unexpected \"x\" " + kLocalWant},
        Case{"rewrite edns0 local unset 1 revert", "Corefile:2:29: rewrite: unexpected \"revert\" " + kLocalWant},
        Case{"rewrite edns0 nsid set x",
             "Corefile:2:24: rewrite: unexpected \"x\" (want edns0 nsid set|append|replace [revert] or edns0 nsid "
             "unset)"},
        Case{"rewrite edns0 subnet set 33 56",
             "Corefile:2:26: rewrite: invalid IPv4 prefix length \"33\" (want 0-32)"},
        Case{"rewrite edns0 subnet set 24 129",
             "Corefile:2:29: rewrite: invalid IPv6 prefix length \"129\" (want 0-128)"},
        Case{"rewrite edns0 subnet set 24", "Corefile:2:26: rewrite: missing V6BITS after \"24\" " + kSubnetWant},
        Case{"rewrite edns0 subnet unset 24", "Corefile:2:28: rewrite: unexpected \"24\" " + kSubnetWant}));

INSTANTIATE_TEST_SUITE_P(
    BlockForm, MalformedRewrite,
    ::testing::Values(
        Case{"rewrite stop {\n}", "Corefile:2:9: rewrite: missing field after \"stop\" " + kFieldWant},
        Case{"rewrite stop {\n  name regex ( x\n}", "Corefile:3:14: rewrite: invalid regex \"(\": missing ): ("},
        Case{"rewrite name a b {\n  answer auto\n}",
             "Corefile:2:16: rewrite: unexpected block after \"b\" (want a block only after \"rewrite\", \"rewrite "
             "continue\" or \"rewrite stop\")"},
        Case{"rewrite stop {\n  name {\n    regex a b\n  }\n}",
             "Corefile:3:3: rewrite: nested block after \"name\" (want plain rule lines in a rewrite block)"}));

}  // namespace
}  // namespace dnsd::rules
