// Corefile syntax of `template` (CoreDNS 1.11, setup_test.go's table): what is accepted, the
// defaults, and every bad line as an error that points.
#include <gtest/gtest.h>

#include <string>

#include "dnsd/plugins/template/setup.hpp"
#include "../log/support.hpp"

namespace dnsd::plugins::tmpl {
namespace {

config::Directive DirectiveOf(const std::string& text) {
  auto directives = log::testing::Directives("example.org {\n" + text + "\n}\n");
  return directives.empty() ? config::Directive{} : directives[0];
}

config::Parsed<std::shared_ptr<const Template>> Parse(const std::string& text) {
  return ParseTemplate(DirectiveOf(text), {"example.org."});
}

TEST(TemplateSetup, DefaultsToTheServerBlockZonesAMatchAllRegexAndNoError) {
  auto parsed = Parse("template IN A");
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  const Template& t = **parsed.value;
  EXPECT_EQ(t.qclass, 1);
  EXPECT_EQ(t.qtype, 1);
  EXPECT_EQ(t.zone_texts, std::vector<std::string>{"example.org."});
  ASSERT_EQ(t.patterns.size(), 1u);
  EXPECT_EQ(t.patterns[0].regex->pattern(), ".*");
  EXPECT_EQ(t.rcode, 0);
  EXPECT_TRUE(t.fallthrough.empty());
}

TEST(TemplateSetup, ReadsEveryProperty) {
  auto parsed = Parse(
      "template ANY ANY Example.COM sub.example.org {\n"
      "  match ^a[.] \"^(?P<x>b)[.]\"\n"
      "  answer \"{{ .Name }} 60 IN A 10.0.0.1\" \"{{ .Name }} 60 IN A 10.0.0.2\"\n"
      "  additional \"x. 60 IN A 10.0.0.3\"\n"
      "  authority \"x. 60 IN NS ns.x.\"\n"
      "  rcode NXDOMAIN\n"
      "  fallthrough a.example.com\n"
      "  upstream 8.8.8.8\n"
      "}");
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  const Template& t = **parsed.value;
  EXPECT_EQ(t.qclass, 255);
  EXPECT_EQ(t.qtype, 255);
  EXPECT_EQ(t.zone_texts, (std::vector<std::string>{"example.com.", "sub.example.org."}));
  ASSERT_EQ(t.patterns.size(), 2u);
  EXPECT_EQ(t.patterns[1].group_names, (std::vector<std::string>{"", "x"}));
  EXPECT_EQ(t.answer.size(), 2u);
  EXPECT_EQ(t.additional.size(), 1u);
  EXPECT_EQ(t.authority.size(), 1u);
  EXPECT_EQ(t.rcode, 3);
  ASSERT_EQ(t.fallthrough.size(), 1u);
  EXPECT_EQ(t.fallthrough[0].ToString(), "a.example.com.");
}

TEST(TemplateSetup, AcceptsTheCoreDnsReadmeExamples) {
  for (const char* text : {
           "template IN A example {\n match ^ip0a(?P<b>[a-f0-9]{2})(?P<c>[a-f0-9]{2})(?P<d>[a-f0-9]{2})[.]example[.]$\n"
           " answer \"{{ .Name }} 3600 IN A 10.{{ parseInt .Group.b 16 8 }}.{{ parseInt .Group.c 16 8 }}.{{ parseInt "
           ".Group.d 16 8 }}\"\n}",
           "template IN ANY example.com {\n match \"[.](example[.]com[.]dc1[.]example[.]com[.])$\"\n rcode NXDOMAIN\n"
           " authority \"{{ index .Match 1 }} 60 IN SOA ns.{{ index .Match 1 }} hostmaster.example.com (1 60 60 60 60)\"\n"
           " fallthrough example.com\n}",
           "template ANY ANY {\n\n}"}) {
    auto parsed = Parse(text);
    EXPECT_TRUE(parsed.ok()) << parsed.error.ToString() << "\n" << text;
  }
}

TEST(TemplateSetup, FallthroughWithoutZonesCoversEveryName) {
  auto parsed = Parse("template IN A {\n fallthrough\n}");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ((*parsed.value)->fallthrough.size(), 1u);
  EXPECT_TRUE((*parsed.value)->fallthrough[0].IsRoot());
}

struct Bad {
  const char* name;
  const char* text;
  const char* error;
};

class TemplateSetupRefuses : public ::testing::TestWithParam<Bad> {};

TEST_P(TemplateSetupRefuses, WithAnErrorThatPoints) {
  auto parsed = Parse(GetParam().text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error.ToString(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Lines, TemplateSetupRefuses,
    ::testing::Values(
        Bad{"NoClassAndType", "template",
            "Corefile:2:1: template: missing CLASS and TYPE (want template CLASS TYPE [ZONE...] { ... })"},
        Bad{"NoType", "template IN",
            "Corefile:2:10: template: missing TYPE (want template CLASS TYPE [ZONE...] { ... })"},
        Bad{"AClassInLowerCase", "template in A",
            "Corefile:2:10: template: invalid query class \"in\" (want IN, CS, CH, HS, NONE or ANY)"},
        Bad{"AnUnknownType", "template IN AAA",
            "Corefile:2:13: template: invalid query type \"AAA\" (want A, AAAA, TXT, ANY, ...)"},
        Bad{"ABadZone", "template IN A a..b",
            "Corefile:2:15: template: \"a..b\" is not a valid zone name"},
        Bad{"ABadRegex", "template IN A {\n match [a\n}",
            "Corefile:3:8: template: could not parse regex \"[a\": missing ]: [a"},
        Bad{"MatchWithoutRegex", "template IN A {\n match\n}", "Corefile:3:2: template: match: missing argument"},
        Bad{"AnswerWithoutRr", "template IN A {\n answer\n}", "Corefile:3:2: template: answer: missing argument"},
        Bad{"AdditionalWithoutRr", "template IN A {\n additional\n}",
            "Corefile:3:2: template: additional: missing argument"},
        Bad{"AuthorityWithoutRr", "template IN A {\n authority\n}",
            "Corefile:3:2: template: authority: missing argument"},
        Bad{"AnUnclosedAction", "template IN A {\n answer \"{{ .Name 60 IN A 1.2.3.4\"\n}",
            "Corefile:3:9: template: answer: unclosed action in \"{{ .Name 60 IN A 1.2.3.4\""},
        Bad{"AnUnsupportedAction", "template IN A {\n answer \"{{ printf .Name }} 60 IN A 1.2.3.4\"\n}",
            "Corefile:3:9: template: answer: unsupported template action \"{{ printf .Name }}\" (dnsd "
            "supports .Name, .Zone, .Class, .Type, .Regex, .Remote, .Group.NAME, index .Match N, "
            "index .Group \"NAME\" and parseInt of those)"},
        Bad{"MetadataInAnAuthority", "template IN A {\n authority \"{{ .Meta \\\"x\\\" }}. 60 IN NS a.\"\n}",
            "Corefile:3:12: template: authority: metadata (.Meta) is not supported by dnsd: \"{{ .Meta \"x\" "
            "}}\" (dnsd supports .Name, .Zone, .Class, .Type, .Regex, .Remote, .Group.NAME, index .Match N, "
            "index .Group \"NAME\" and parseInt of those)"},
        Bad{"TheMessageField", "template IN A {\n additional \"{{ .Message }}\"\n}",
            "Corefile:3:13: template: additional: unsupported template action \"{{ .Message }}\" (dnsd "
            "supports .Name, .Zone, .Class, .Type, .Regex, .Remote, .Group.NAME, index .Match N, "
            "index .Group \"NAME\" and parseInt of those)"},
        Bad{"ARecordTypeDnsdCannotWrite", "template IN ANY {\n answer \"{{ .Name }} 60 IN HINFO cpu os\"\n}",
            "Corefile:3:9: template: answer: record type \"HINFO\" is not supported by dnsd (want A, AAAA, CNAME, "
            "DNAME, NS, PTR, MX, SRV, TXT or SOA)"},
        Bad{"AnUnknownRcode", "template IN A {\n rcode NXDOMIAN\n}",
            "Corefile:3:8: template: unknown rcode \"NXDOMIAN\" (want NOERROR, FORMERR, SERVFAIL, NXDOMAIN, "
            "NOTIMP, REFUSED, YXDOMAIN, YXRRSET, NXRRSET, NOTAUTH or NOTZONE)"},
        Bad{"RcodeWithoutCode", "template IN A {\n rcode\n}",
            "Corefile:3:2: template: rcode: want exactly one rcode (e.g. NXDOMAIN)"},
        Bad{"RcodeWithTwoCodes", "template IN A {\n rcode NXDOMAIN REFUSED\n}",
            "Corefile:3:17: template: rcode: want exactly one rcode (e.g. NXDOMAIN)"},
        Bad{"ABadFallthroughZone", "template IN A {\n fallthrough a..b\n}",
            "Corefile:3:14: template: \"a..b\" is not a valid zone name"},
        Bad{"EderrorWithoutCode", "template IN A {\n ederror\n}", "Corefile:3:2: template: ederror: want CODE [REASON]"},
        Bad{"EderrorWithANonNumericCode", "template IN A {\n ederror invalid \"Blocked\"\n}",
            "Corefile:3:10: template: ederror: invalid extended DNS error code \"invalid\" (want 0-65535)"},
        Bad{"EderrorWithTooManyArguments", "template IN A {\n ederror too many arguments\n}",
            "Corefile:3:19: template: ederror: want CODE [REASON]"},
        Bad{"AnUnknownProperty", "template IN A {\n answers \"x. IN A 1.2.3.4\"\n}",
            "Corefile:3:2: template: unknown property \"answers\" (want match, answer, additional, authority, "
            "rcode, ederror, fallthrough or upstream)"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace dnsd::plugins::tmpl
