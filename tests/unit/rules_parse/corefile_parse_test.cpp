// Corefile `rewrite` lines parse into the AST CoreDNS 1.11 would build, normalised as it does.
#include <gtest/gtest.h>

#include "describe.hpp"

namespace dnsd::rules {
namespace {

using testing::Describe;
using testing::DescribeAll;
using testing::ParseLines;

struct Case {
  const char* line;
  const char* ast;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.line; }

class RewriteLineParses : public ::testing::TestWithParam<Case> {};

TEST_P(RewriteLineParses, IntoTheExpectedAst) {
  EXPECT_EQ(DescribeAll(ParseLines(GetParam().line)), GetParam().ast) << GetParam().line;
}

// The CASES.md rule lines first, then every field and option.
INSTANTIATE_TEST_SUITE_P(
    SpecCases, RewriteLineParses,
    ::testing::Values(
        Case{"rewrite name exact a.marathon.mesos a.ns-default.svc.cluster.local",
             "stop name exact a.marathon.mesos. -> a.ns-default.svc.cluster.local. [auto]"},
        Case{"rewrite name suffix .marathon.mesos .svc.cluster.local answer auto",
             "stop name suffix .marathon.mesos. -> .svc.cluster.local. [auto]"},
        Case{"rewrite name prefix old svc1", "stop name prefix old. -> svc1."},
        Case{"rewrite name substring .legacy. .svc.", "stop name substring .legacy. -> .svc."},
        Case{R"(rewrite name regex (.*)\.(.*)\.marathon\.mesos {1}.{2}-default.svc.cluster.local answer auto)",
             R"(stop name regex (.*)\.(.*)\.marathon\.mesos -> {1}.{2}-default.svc.cluster.local. [auto])"},
        Case{R"(rewrite name regex (.*)\.marathon\.mesos {1}.svc.cluster.local answer name (.*)\.svc\.cluster\.local {1}.marathon.mesos)",
             R"(stop name regex (.*)\.marathon\.mesos -> {1}.svc.cluster.local. [name (.*)\.svc\.cluster\.local -> {1}.marathon.mesos.])"},
        Case{"rewrite continue name suffix .marathon.mesos .mesos.internal\n"
             "rewrite name suffix .mesos.internal .svc.cluster.local",
             "continue name suffix .marathon.mesos. -> .mesos.internal.\n"
             "stop name suffix .mesos.internal. -> .svc.cluster.local."},
        Case{"rewrite name suffix .marathon.mesos .one.local\nrewrite name suffix .marathon.mesos .two.local",
             "stop name suffix .marathon.mesos. -> .one.local.\nstop name suffix .marathon.mesos. -> .two.local."},
        Case{"rewrite type ANY HINFO", "stop type 255 -> 13"},
        Case{"rewrite class CH IN", "stop class 3 -> 1"},
        Case{"rewrite ttl suffix .svc.cluster.local 15", "stop ttl suffix .svc.cluster.local. 15-15"},
        Case{R"(rewrite name regex (.*)\.marathon\.mesos {1}.svc.cluster.local answer auto answer value (.*)\.svc\.cluster\.local {1}.marathon.mesos)",
             R"(stop name regex (.*)\.marathon\.mesos -> {1}.svc.cluster.local. [auto] [value (.*)\.svc\.cluster\.local -> {1}.marathon.mesos.])"},
        Case{"rewrite edns0 local set 0xffee {client_ip}", "stop edns0 local set code=65518 var={client_ip}"}));

INSTANTIATE_TEST_SUITE_P(
    NameRules, RewriteLineParses,
    ::testing::Values(
        // Without a match type the rule is exact; names are lower-cased and made fully qualified.
        Case{"rewrite name Example.NET example.org", "stop name exact example.net. -> example.org. [auto]"},
        Case{"rewrite name exact a.b. c.d.", "stop name exact a.b. -> c.d. [auto]"},
        Case{"rewrite NAME EXACT a b", "stop name exact a. -> b. [auto]"},
        Case{"rewrite stop name exact a b", "stop name exact a. -> b. [auto]"},
        Case{"rewrite continue name exact a b", "continue name exact a. -> b. [auto]"},
        Case{"rewrite CONTINUE name exact a b", "continue name exact a. -> b. [auto]"},
        Case{"rewrite name suffix .Marathon.Mesos. .SVC.cluster.local.", "stop name suffix .marathon.mesos. -> .svc.cluster.local."},
        Case{"rewrite name suffix .marathon.mesos .", "stop name suffix .marathon.mesos. -> ."},
        Case{"rewrite name substring legacy svc", "stop name substring legacy. -> svc."},
        Case{"rewrite name prefix old. svc1.", "stop name prefix old. -> svc1."},
        // Regex FROM stays as written (case included); regex TO is lower-cased and qualified.
        Case{R"(rewrite name regex ^(A+)\.X$ {1}.Y)", R"(stop name regex ^(A+)\.X$ -> {1}.y.)"},
        Case{R"(rewrite name regex (.*) {1}.)", R"(stop name regex (.*) -> {1}.)"},
        // Response options, for every match type.
        Case{"rewrite name prefix a b answer auto", "stop name prefix a. -> b. [auto]"},
        Case{"rewrite name substring a b answer auto", "stop name substring a. -> b. [auto]"},
        Case{"rewrite name exact a b answer auto", "stop name exact a. -> b. [auto]"},
        Case{"rewrite name exact a b answer auto answer auto", "stop name exact a. -> b. [auto]"},
        Case{R"(rewrite name exact a b answer name (.*)\.b {1}.a)", R"(stop name exact a. -> b. [auto] [name (.*)\.b -> {1}.a.])"},
        Case{R"(rewrite name suffix .a .b answer value (.*)\.b {1}.a)", R"(stop name suffix .a. -> .b. [value (.*)\.b -> {1}.a.])"},
        Case{R"(rewrite name suffix .a .b answer value (.*)\.b {1}.a answer auto)", R"(stop name suffix .a. -> .b. [auto] [value (.*)\.b -> {1}.a.])"},
        // After the first `answer`, CoreDNS lets the keyword be left out.
        Case{R"(rewrite name regex (.*)\.a {1}.b answer name (.*)\.b {1}.a value x y)",
             R"(stop name regex (.*)\.a -> {1}.b. [name (.*)\.b -> {1}.a.] [value x -> y.])"},
        Case{"rewrite name prefix a b ANSWER AUTO", "stop name prefix a. -> b. [auto]"}));

TEST(RewriteName, AcceptsA63OctetLabelInTo) {
  const std::string label(63, 'x');
  EXPECT_EQ(DescribeAll(ParseLines("rewrite name exact a " + label + ".b")),
            "stop name exact a. -> " + label + ".b. [auto]");
}

INSTANTIATE_TEST_SUITE_P(
    OtherFields, RewriteLineParses,
    ::testing::Values(
        Case{"rewrite type a aaaa", "stop type 1 -> 28"},
        Case{"rewrite type SRV TYPE65280", "stop type 33 -> 65280"},
        Case{"rewrite type TXT type99", "stop type 16 -> 99"},
        Case{"rewrite continue type MX NAPTR", "continue type 15 -> 35"},
        Case{"rewrite class HS CH", "stop class 4 -> 3"},
        Case{"rewrite class NONE ANY", "stop class 254 -> 255"},
        Case{"rewrite class IN CLASS42", "stop class 1 -> 42"},
        Case{"rewrite ttl Example.org 30", "stop ttl exact example.org. 30-30"},
        Case{"rewrite ttl exact a.b 0", "stop ttl exact a.b. 0-0"},
        Case{"rewrite ttl prefix a 10-20", "stop ttl prefix a. 10-20"},
        Case{"rewrite ttl substring a 10-", "stop ttl substring a. 10-2147483647"},
        Case{"rewrite ttl suffix .a -20", "stop ttl suffix .a. 0-20"},
        Case{"rewrite ttl exact a 4294967295", "stop ttl exact a. 4294967295-4294967295"},
        Case{R"(rewrite ttl regex (.*)\.coredns\.rocks 15)", R"(stop ttl regex (.*)\.coredns\.rocks 15-15)"},
        Case{"rewrite rcode a.b SERVFAIL NXDOMAIN", "stop rcode exact a.b. 2 -> 3"},
        Case{"rewrite rcode suffix .b servfail 0", "stop rcode suffix .b. 2 -> 0"},
        Case{"rewrite rcode regex ^x 23 refused", "stop rcode regex ^x 23 -> 5"},
        Case{"rewrite cname exact Def.Example.com. Xyz.example.com.", "stop cname exact def.example.com. -> xyz.example.com."},
        Case{"rewrite cname a.com b.com", "stop cname exact a.com -> b.com"},
        Case{"rewrite cname suffix .a.com .b.com", "stop cname suffix .a.com -> .b.com"},
        Case{R"(rewrite cname regex (.*)\.A\.com {1}.B.com)", R"(stop cname regex (.*)\.A\.com -> {1}.b.com)"},
        Case{"rewrite edns0 local set 0xffee 0x61626364", "stop edns0 local set code=65518 data=abcd"},
        Case{"rewrite edns0 local append 65518 abcd", "stop edns0 local append code=65518 data=abcd"},
        Case{"rewrite edns0 local replace 0o17 0x00ff", "stop edns0 local replace code=15 data=\\x00\\xff"},
        Case{"rewrite edns0 local set 0xffee 0x", "stop edns0 local set code=65518 data="},
        Case{"rewrite edns0 local set 1 {qname}", "stop edns0 local set code=1 var={qname}"},
        Case{"rewrite edns0 local set 1 {qtype} revert", "stop edns0 local set code=1 var={qtype} revert"},
        Case{"rewrite edns0 local set 1 {client_port}", "stop edns0 local set code=1 var={client_port}"},
        Case{"rewrite edns0 local set 1 {protocol}", "stop edns0 local set code=1 var={protocol}"},
        Case{"rewrite edns0 local set 1 {server_ip}", "stop edns0 local set code=1 var={server_ip}"},
        Case{"rewrite edns0 local set 1 {server_port}", "stop edns0 local set code=1 var={server_port}"},
        Case{"rewrite edns0 local unset 0xffee", "stop edns0 local unset code=65518"},
        Case{"rewrite edns0 nsid set", "stop edns0 nsid set"},
        Case{"rewrite edns0 nsid append revert", "stop edns0 nsid append revert"},
        Case{"rewrite edns0 nsid unset", "stop edns0 nsid unset"},
        Case{"rewrite edns0 subnet set 24 56", "stop edns0 subnet set v4=24 v6=56"},
        Case{"rewrite edns0 subnet replace 32 128 revert", "stop edns0 subnet replace v4=32 v6=128 revert"},
        Case{"rewrite edns0 subnet unset", "stop edns0 subnet unset"},
        Case{"rewrite continue edns0 NSID SET", "continue edns0 nsid set"}));

INSTANTIATE_TEST_SUITE_P(
    BlockForm, RewriteLineParses,
    ::testing::Values(
        Case{"rewrite stop {\n"
             "  name regex (.*)-(us-west-1)\\.coredns\\.rocks {1}.service.{2}.consul\n"
             "  answer name (.*)\\.service\\.(us-west-1)\\.consul {1}-{2}.coredns.rocks\n"
             "}",
             R"(stop name regex (.*)-(us-west-1)\.coredns\.rocks -> {1}.service.{2}.consul. [name (.*)\.service\.(us-west-1)\.consul -> {1}-{2}.coredns.rocks.])"},
        Case{"rewrite continue {\n  ttl regex (.*)\\.coredns\\.rocks 15\n}", R"(continue ttl regex (.*)\.coredns\.rocks 15-15)"},
        Case{"rewrite {\n  name suffix .coredns.rocks .service.consul answer auto\n}",
             "stop name suffix .coredns.rocks. -> .service.consul. [auto]"}));

TEST(RewriteDirective, NumbersRulesFromFirstIndexInCorefileOrder) {
  const ParsedRules parsed = ParseLines("rewrite name exact a b\nrewrite type A AAAA\nrewrite class CH IN", 7);
  ASSERT_TRUE(parsed.ok()) << parsed.error->ToString();
  ASSERT_EQ(parsed.rules.size(), 3u);
  for (std::uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(parsed.rules[i].index, 7 + i);
    EXPECT_EQ(parsed.rules[i].pos.line, static_cast<int>(2 + i));
    EXPECT_EQ(parsed.rules[i].pos.column, 1);
    EXPECT_EQ(parsed.rules[i].pos.file, "Corefile");
    EXPECT_EQ(parsed.rules[i].set_name, "Corefile");
  }
}

TEST(RewriteDirective, KeepsTheRuleTextAsWritten) {
  const ParsedRules parsed = ParseLines("rewrite   continue name  regex \"a b\" c");
  // "a b" is a regex with a space: not a useful name, but a valid regex.
  ASSERT_TRUE(parsed.ok()) << parsed.error->ToString();
  EXPECT_EQ(parsed.rules[0].text, "rewrite continue name regex \"a b\" c");
}

TEST(RewriteDirective, GivesTheBlockFormAsOneLineOfText) {
  const ParsedRules parsed = ParseLines("rewrite stop {\n  name regex (a) {1}\n  answer auto\n}");
  ASSERT_TRUE(parsed.ok()) << parsed.error->ToString();
  EXPECT_EQ(parsed.rules[0].text, "rewrite stop name regex (a) {1} answer auto");
}

TEST(RewriteDirective, ParsesEdns0TextDataByteForByte) {
  const ParsedRules parsed = ParseLines("rewrite edns0 local set 0xffee abcd");
  ASSERT_TRUE(parsed.ok());
  const auto& e = std::get<Edns0Rule>(parsed.rules[0].body);
  EXPECT_EQ(e.data, "abcd");
  EXPECT_FALSE(e.data_is_placeholder);
  EXPECT_EQ(Describe(parsed.rules[0]), "stop edns0 local set code=65518 data=abcd");
}

TEST(RewriteNames, TypeClassAndRcodeMnemonicsMapToCodes) {
  EXPECT_EQ(TypeFromString("a"), 1);
  EXPECT_EQ(TypeFromString("HTTPS"), 65);
  EXPECT_EQ(TypeFromString("TYPE0"), 0);
  EXPECT_EQ(TypeFromString("TYPE65536"), std::nullopt);
  EXPECT_EQ(TypeFromString("TYPE"), std::nullopt);
  EXPECT_EQ(TypeFromString("TYPE1x"), std::nullopt);
  EXPECT_EQ(TypeFromString(""), std::nullopt);
  EXPECT_EQ(ClassFromString("ch"), 3);
  EXPECT_EQ(ClassFromString("CLASS255"), 255);
  EXPECT_EQ(ClassFromString("XX"), std::nullopt);
  EXPECT_EQ(RcodeFromString("nxdomain"), 3);
  EXPECT_EQ(RcodeFromString("BADVERS"), 16);
  EXPECT_EQ(RcodeFromString("23"), 23);
  EXPECT_EQ(RcodeFromString("24"), std::nullopt);
  EXPECT_EQ(RcodeFromString(""), std::nullopt);
}

}  // namespace
}  // namespace dnsd::rules
