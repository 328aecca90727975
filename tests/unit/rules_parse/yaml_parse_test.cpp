// YAML rule sets: every Corefile rule has a YAML form that gives the same AST (and the same rule
// text); structure and value errors point at the YAML key or value; large files parse fast.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "describe.hpp"

namespace dnsd::rules {
namespace {

using testing::Describe;
using testing::DescribeAll;
using testing::ParseLines;

std::string Doc(const std::string& items) { return "version: 1\nrules:\n" + items; }

struct Equivalence {
  std::string corefile;  // one or more rewrite lines
  std::string yaml;      // the same rules as items of `rules:`
};

void PrintTo(const Equivalence& c, std::ostream* os) { *os << c.corefile; }

class YamlRule : public ::testing::TestWithParam<Equivalence> {};

TEST_P(YamlRule, GivesTheSameRulesAsTheCorefileForm) {
  const ParsedRules from_corefile = ParseLines(GetParam().corefile);
  const ParsedRules from_yaml = ParseRuleYaml(Doc(GetParam().yaml), "rules.yaml");
  ASSERT_TRUE(from_corefile.ok()) << from_corefile.error->ToString();
  ASSERT_TRUE(from_yaml.ok()) << from_yaml.error->ToString();
  EXPECT_EQ(DescribeAll(from_yaml), DescribeAll(from_corefile));
  ASSERT_EQ(from_yaml.rules.size(), from_corefile.rules.size());
  for (std::size_t i = 0; i < from_yaml.rules.size(); ++i) {
    EXPECT_EQ(from_yaml.rules[i].text, from_corefile.rules[i].text);
    EXPECT_EQ(from_yaml.rules[i].index, i);
  }
}

INSTANTIATE_TEST_SUITE_P(
    SpecCases, YamlRule,
    ::testing::Values(
        Equivalence{"rewrite name exact a.marathon.mesos a.ns-default.svc.cluster.local",
                    "  - name: {exact: a.marathon.mesos, to: a.ns-default.svc.cluster.local}\n"},
        Equivalence{"rewrite name suffix .marathon.mesos .svc.cluster.local answer auto",
                    "  - name: {suffix: .marathon.mesos, to: .svc.cluster.local, answer: auto}\n"},
        Equivalence{"rewrite name prefix old svc1", "  - name: {prefix: old, to: svc1}\n"},
        Equivalence{"rewrite name substring .legacy. .svc.", "  - name: {substring: .legacy., to: .svc.}\n"},
        Equivalence{R"(rewrite name regex (.*)\.(.*)\.marathon\.mesos {1}.{2}-default.svc.cluster.local answer auto)",
                    "  - name: {regex: '(.*)\\.(.*)\\.marathon\\.mesos', to: '{1}.{2}-default.svc.cluster.local', "
                    "answer: auto}\n"},
        Equivalence{R"(rewrite name regex (.*)\.marathon\.mesos {1}.svc.cluster.local answer name (.*)\.svc\.cluster\.local {1}.marathon.mesos)",
                    "  - name:\n"
                    "      regex: '(.*)\\.marathon\\.mesos'\n"
                    "      to: '{1}.svc.cluster.local'\n"
                    "      answer:\n"
                    "        - {name: '(.*)\\.svc\\.cluster\\.local', to: '{1}.marathon.mesos'}\n"},
        Equivalence{"rewrite continue name suffix .marathon.mesos .mesos.internal\n"
                    "rewrite name suffix .mesos.internal .svc.cluster.local",
                    "  - name: {suffix: .marathon.mesos, to: .mesos.internal}\n"
                    "    mode: continue\n"
                    "  - name: {suffix: .mesos.internal, to: .svc.cluster.local}\n"},
        Equivalence{"rewrite name suffix .marathon.mesos .one.local\nrewrite name suffix .marathon.mesos .two.local",
                    "  - name: {suffix: .marathon.mesos, to: .one.local}\n"
                    "  - name: {suffix: .marathon.mesos, to: .two.local}\n"},
        Equivalence{"rewrite type ANY HINFO", "  - type: {from: ANY, to: HINFO}\n"},
        Equivalence{"rewrite class CH IN", "  - class: {from: CH, to: IN}\n"},
        Equivalence{"rewrite ttl suffix .svc.cluster.local 15", "  - ttl: {suffix: .svc.cluster.local, ttl: 15}\n"},
        Equivalence{R"(rewrite name regex (.*)\.marathon\.mesos {1}.svc.cluster.local answer auto answer value (.*)\.svc\.cluster\.local {1}.marathon.mesos)",
                    "  - name:\n"
                    "      regex: '(.*)\\.marathon\\.mesos'\n"
                    "      to: '{1}.svc.cluster.local'\n"
                    "      answer: [auto, {value: '(.*)\\.svc\\.cluster\\.local', to: '{1}.marathon.mesos'}]\n"},
        Equivalence{"rewrite edns0 local set 0xffee {client_ip}",
                    "  - edns0: {option: local, action: set, code: 0xffee, data: '{client_ip}'}\n"}));

INSTANTIATE_TEST_SUITE_P(
    EveryField, YamlRule,
    ::testing::Values(
        Equivalence{"rewrite stop name exact a b", "  - name: {exact: a, to: b}\n    mode: stop\n"},
        Equivalence{"rewrite continue ttl prefix a 10-20", "  - {ttl: {prefix: a, ttl: 10-20}, mode: continue}\n"},
        Equivalence{"rewrite ttl regex ^x -20", "  - ttl: {regex: ^x, ttl: -20}\n"},
        Equivalence{"rewrite rcode suffix .b SERVFAIL NXDOMAIN",
                    "  - rcode: {suffix: .b, from: SERVFAIL, to: NXDOMAIN}\n"},
        Equivalence{"rewrite cname exact a.com. b.com.", "  - cname: {exact: a.com., to: b.com.}\n"},
        Equivalence{R"(rewrite cname regex (.*)\.a {1}.b)", "  - cname: {regex: '(.*)\\.a', to: '{1}.b'}\n"},
        Equivalence{"rewrite edns0 local append 1 abcd revert",
                    "  - edns0: {option: local, action: append, code: 1, data: abcd, revert: true}\n"},
        Equivalence{"rewrite edns0 local set 1 0x6162", "  - edns0: {option: local, action: set, code: 1, data: 0x6162, revert: false}\n"},
        Equivalence{"rewrite edns0 local unset 65518", "  - edns0: {option: local, action: unset, code: 65518}\n"},
        Equivalence{"rewrite edns0 nsid set", "  - edns0: {option: nsid, action: set}\n"},
        Equivalence{"rewrite edns0 subnet replace 24 56 revert",
                    "  - edns0: {option: subnet, action: replace, v4_bits: 24, v6_bits: 56, revert: true}\n"},
        Equivalence{"rewrite edns0 subnet unset", "  - edns0: {option: subnet, action: unset}\n"},
        Equivalence{R"(rewrite name regex (.*)\.a {1}.b answer name (.*)\.b {1}.a answer value (.*)\.b {1}.a)",
                    "  - name:\n"
                    "      regex: '(.*)\\.a'\n"
                    "      to: '{1}.b'\n"
                    "      answer:\n"
                    "        - name: '(.*)\\.b'\n"
                    "          to: '{1}.a'\n"
                    "        - value: '(.*)\\.b'\n"
                    "          to: '{1}.a'\n"},
        // The `line:` escape hatch takes any one-line Corefile rewrite.
        Equivalence{"rewrite continue name regex (a)\\.b {1}.c answer auto",
                    "  - line: 'rewrite continue name regex (a)\\.b {1}.c answer auto'\n"},
        Equivalence{"rewrite name exact \"a b\" c", "  - line: 'rewrite name exact \"a b\" c'\n"},
        Equivalence{"rewrite type A AAAA", "  - line: rewrite type A AAAA\n"}));

TEST(YamlRuleSet, NumbersRulesFromFirstIndexAndNamesTheFileAsTheSet) {
  const ParsedRules parsed = ParseRuleYaml(Doc("  - type: {from: A, to: AAAA}\n  - class: {from: CH, to: IN}\n"), "r.yaml", 10);
  ASSERT_TRUE(parsed.ok()) << parsed.error->ToString();
  ASSERT_EQ(parsed.rules.size(), 2u);
  EXPECT_EQ(parsed.rules[0].index, 10u);
  EXPECT_EQ(parsed.rules[1].index, 11u);
  EXPECT_EQ(parsed.rules[1].set_name, "r.yaml");
  EXPECT_EQ(parsed.rules[1].pos.file, "r.yaml");
  EXPECT_EQ(parsed.rules[1].pos.line, 4);
  EXPECT_EQ(parsed.rules[1].pos.column, 5);
}

TEST(YamlRuleSet, AcceptsAnEmptyRuleList) {
  for (const char* text : {"version: 1\nrules: []\n", "version: 1\nrules:\n"}) {
    const ParsedRules parsed = ParseRuleYaml(text, "r.yaml");
    ASSERT_TRUE(parsed.ok()) << parsed.error->ToString();
    EXPECT_TRUE(parsed.rules.empty());
  }
}

struct YamlError {
  std::string text;  // whole document
  std::string error;
};

void PrintTo(const YamlError& c, std::ostream* os) { *os << c.text; }

class MalformedYaml : public ::testing::TestWithParam<YamlError> {};

TEST_P(MalformedYaml, IsRejectedAtTheOffendingKeyOrValue) {
  const ParsedRules parsed = ParseRuleYaml(GetParam().text, "rules.yaml");
  ASSERT_FALSE(parsed.ok()) << GetParam().text;
  EXPECT_TRUE(parsed.rules.empty());
  EXPECT_EQ(parsed.error->ToString(), GetParam().error);
}

const std::string kRuleKeys = "name, type, class, ttl, rcode, cname, edns0 or line";

INSTANTIATE_TEST_SUITE_P(
    Structure, MalformedYaml,
    ::testing::Values(
        YamlError{"", "rules.yaml: rewrite: empty rule file (want version: 1 and rules:)"},
        YamlError{"- a\n- b\n", "rules.yaml:1:1: rewrite: the rule file wants a map (got a list)"},
        YamlError{"version: 1\nrulez: []\n",
                  "rules.yaml:2:1: rewrite: unknown key \"rulez\" in the rule file (want version or rules)"},
        YamlError{"rules: []\n", "rules.yaml:1:1: rewrite: missing key \"version\" in the rule file (want version: 1)"},
        YamlError{"version: 2\nrules: []\n", "rules.yaml:1:10: rewrite: unsupported version \"2\" (want 1)"},
        YamlError{"version: 1\n", "rules.yaml:1:1: rewrite: missing key \"rules\" in the rule file (want a list of rules)"},
        YamlError{"version: 1\nrules: {a: b}\n", "rules.yaml:2:8: rewrite: rules wants a list (got a map)"},
        YamlError{Doc("  - just a string\n"), "rules.yaml:3:5: rewrite: a rule wants a map (got a string)"},
        YamlError{Doc("  - nam: {exact: a, to: b}\n"),
                  "rules.yaml:3:5: rewrite: unknown key \"nam\" in a rule (want " + kRuleKeys + ", and mode)"},
        YamlError{Doc("  - name: {exact: a, to: b}\n    ttl: {exact: a, ttl: 5}\n"),
                  "rules.yaml:4:5: rewrite: rule has both \"name\" and \"ttl\" (want one field per rule)"},
        YamlError{Doc("  - mode: continue\n"), "rules.yaml:3:5: rewrite: rule has no field (want one of " + kRuleKeys + ")"},
        YamlError{Doc("  - name: {exact: a, to: b}\n    mode: go\n"),
                  "rules.yaml:4:11: rewrite: invalid mode \"go\" (want stop or continue)"},
        YamlError{Doc("  - name: {sufix: a, to: b}\n"),
                  "rules.yaml:3:12: rewrite: unknown key \"sufix\" in name rule (want exact, prefix, suffix, substring, "
                  "regex, to, answer)"},
        YamlError{Doc("  - name: {exact: a}\n"), "rules.yaml:3:11: rewrite: missing key \"to\" in name rule"},
        YamlError{Doc("  - name: {to: c}\n"),
                  "rules.yaml:3:11: rewrite: name rule wants a match type key (exact, prefix, suffix, substring or "
                  "regex)"},
        YamlError{Doc("  - name: {exact: a, suffix: b, to: c}\n"),
                  "rules.yaml:3:22: rewrite: name rule has both \"exact\" and \"suffix\" (want one match type)"},
        YamlError{Doc("  - name: {exact: a, to: b, to: c}\n"),
                  "rules.yaml:3:29: rewrite: duplicate key \"to\" in name rule"},
        YamlError{Doc("  - name: {exact: a, to: {x: y}}\n"),
                  "rules.yaml:3:26: rewrite: key \"to\" in name rule wants a string (got a map)"},
        YamlError{Doc("  - name: {exact: a, to: }\n"),
                  "rules.yaml:3:22: rewrite: key \"to\" in name rule wants a string (got nothing)"},
        YamlError{Doc("  - name: a b\n"), "rules.yaml:3:11: rewrite: name rule wants a map (got a string)"},
        YamlError{Doc("  - name: {exact: a, to: b, answer: [{name: x}]}\n"),
                  "rules.yaml:3:38: rewrite: missing key \"to\" in an answer option"},
        YamlError{Doc("  - name: {exact: a, to: b, answer: [{nam: x, to: y}]}\n"),
                  "rules.yaml:3:39: rewrite: unknown key \"nam\" in an answer option (want name, value or to)"},
        YamlError{Doc("  - type: {from: A}\n"), "rules.yaml:3:11: rewrite: missing key \"to\" in type rule"},
        YamlError{Doc("  - class: {from: CH, to: IN, by: x}\n"),
                  "rules.yaml:3:31: rewrite: unknown key \"by\" in class rule (want from or to)"},
        YamlError{Doc("  - edns0: {action: set}\n"), "rules.yaml:3:12: rewrite: missing key \"option\" in edns0 rule"},
        YamlError{Doc("  - edns0: {option: nsid, action: set, code: 1}\n"),
                  "rules.yaml:3:40: rewrite: key \"code\" is not used by edns0 option \"nsid\""},
        YamlError{Doc("  - edns0: {option: nsid, action: set, revert: maybe}\n"),
                  "rules.yaml:3:48: rewrite: revert wants true or false (got \"maybe\")"},
        YamlError{Doc("  - line: 'forward . 1.1.1.1'\n"),
                  "rules.yaml:3:11: rewrite: line wants a rewrite directive (got \"forward\")"},
        YamlError{Doc("  - line: 'rewrite name a b'\n    mode: stop\n"),
                  "rules.yaml:4:5: rewrite: a line rule takes no mode key (write the mode in the line)"},
        YamlError{Doc("  - line: 'rewrite stop {'\n"),
                  "rules.yaml:3:25: rewrite: the block form is not supported in a line (write the rule on one line)"}));

// The wording of a syntax error is the YAML library's (yaml-cpp, or libyaml when built with
// DNSD_RULES_LIBYAML); the position and the prefix are ours.
TEST(MalformedYamlSyntax, IsReportedWithItsPosition) {
  const struct {
    const char* text;
    const char* prefix;
  } cases[] = {
      {"version: 1\nrules:\n  - name: {exact: a, to: b\n", "rules.yaml:4:1: rewrite: YAML syntax error: "},
      {"version: 1\nrules: [\n", "rules.yaml:3:1: rewrite: YAML syntax error: "},
      {"version: 1\nrules:\n  - &x {type: {from: A, to: B}}\n  - *x\n", "rules.yaml:4:5: rewrite: YAML syntax error: "},
  };
  for (const auto& c : cases) {
    const ParsedRules parsed = ParseRuleYaml(c.text, "rules.yaml");
    ASSERT_FALSE(parsed.ok()) << c.text;
    const std::string error = parsed.error->ToString();
    EXPECT_EQ(error.substr(0, std::string(c.prefix).size()), c.prefix) << error;
    EXPECT_GT(error.size(), std::string(c.prefix).size()) << error;
  }
}

TEST(MalformedYamlSyntax, RefusesNestingDeeperThanARuleFileNeeds) {
  const ParsedRules parsed = ParseRuleYaml("version: 1\nrules: " + std::string(100000, '['), "rules.yaml");
  ASSERT_FALSE(parsed.ok());
  const std::string error = parsed.error->ToString();
  EXPECT_EQ(error.substr(0, 13), "rules.yaml:2:") << error;
  EXPECT_NE(error.find("YAML syntax error"), std::string::npos) << error;
}

// Value errors come from the rule parser, at the YAML position of the value.
INSTANTIATE_TEST_SUITE_P(
    Values, MalformedYaml,
    ::testing::Values(
        YamlError{Doc("  - name: {regex: '(', to: b}\n"), "rules.yaml:3:19: rewrite: invalid regex \"(\": missing ): ("},
        YamlError{Doc("  - ttl: {suffix: .a, ttl: abc}\n"),
                  "rules.yaml:3:28: rewrite: invalid TTL \"abc\" (want SECONDS, MIN-MAX, MIN- or -MAX, 0-4294967295, MIN "
                  "<= MAX)"},
        YamlError{Doc("  - type: {from: A, to: NOTATYPE}\n"),
                  "rules.yaml:3:25: rewrite: unknown type \"NOTATYPE\" (want a record type such as A, AAAA, SRV, ANY or "
                  "TYPE65280)"},
        YamlError{Doc("  - name: {suffix: a, to: b, answer: car}\n"),
                  "rules.yaml:3:38: rewrite: unknown response option \"car\" (want auto, name FROM TO or value FROM TO)"},
        YamlError{Doc("  - name: {suffix: a, to: b, answer: [auto, {name: x, to: y}]}\n"),
                  "rules.yaml:3:46: rewrite: answer name cannot be combined with answer auto (auto already reverts the "
                  "names)"},
        YamlError{Doc("  - edns0: {option: local, action: set, code: zz, data: x}\n"),
                  "rules.yaml:3:47: rewrite: invalid EDNS0 option code \"zz\" (want 0-65535, decimal or 0x hex)"},
        YamlError{Doc("  - edns0: {option: cookie, action: set}\n"),
                  "rules.yaml:3:21: rewrite: unknown EDNS0 option \"cookie\" (want local, nsid or subnet)"},
        YamlError{Doc("  - line: 'rewrite name bogus a b'\n"),
                  "rules.yaml:3:25: rewrite: unknown match type \"bogus\" (want exact, prefix, suffix, substring or regex)"},
        YamlError{Doc("  - line: rewrite name bogus a b\n"),
                  "rules.yaml:3:24: rewrite: unknown match type \"bogus\" (want exact, prefix, suffix, substring or regex)"},
        YamlError{Doc("  - line: 'rewrite'\n"),
                  "rules.yaml:3:12: rewrite: missing field after \"rewrite\" (want name, type, class, edns0, ttl, cname "
                  "or rcode)"}));

TEST(YamlRuleFile, ReadsAFileFromDisk) {
  char path[] = "/tmp/rules_parse_testXXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << Doc("  - name: {suffix: .marathon.mesos, to: .svc.cluster.local, answer: auto}\n");
  }
  const ParsedRules parsed = ParseRuleFile(path, 3);
  std::remove(path);
  ASSERT_TRUE(parsed.ok()) << parsed.error->ToString();
  ASSERT_EQ(parsed.rules.size(), 1u);
  EXPECT_EQ(parsed.rules[0].index, 3u);
  EXPECT_EQ(parsed.rules[0].pos.file, path);
  EXPECT_EQ(Describe(parsed.rules[0]), "stop name suffix .marathon.mesos. -> .svc.cluster.local. [auto]");
}

TEST(YamlRuleFile, ReportsAFileThatCannotBeRead) {
  const ParsedRules parsed = ParseRuleFile("/nonexistent/rules.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error->ToString(), "/nonexistent/rules.yaml: rewrite: cannot read rule file: No such file or directory");
}

// A large generated rule set of mixed kinds parses completely (its speed is measured by
// bench/rules_yaml_bench.cpp, not here).
TEST(YamlRuleSet, ParsesTenThousandGeneratedRules) {
  std::string text = "version: 1\nrules:\n";
  constexpr int kRules = 10000;
  for (int i = 0; i < kRules; ++i) {
    const std::string n = std::to_string(i);
    switch (i % 4) {
      case 0: text += "  - name: {exact: a" + n + ".marathon.mesos, to: a" + n + ".ns-default.svc.cluster.local}\n"; break;
      case 1: text += "  - name: {suffix: .t" + n + ".marathon.mesos, to: .t" + n + ".svc.cluster.local, answer: auto}\n"; break;
      case 2: text += "  - name: {prefix: p" + n + ", to: q" + n + "}\n    mode: continue\n"; break;
      default: text += "  - name: {regex: '(.*)\\.r" + n + "\\.mesos', to: '{1}.r" + n + ".svc.cluster.local', answer: auto}\n"; break;
    }
  }
  const ParsedRules parsed = ParseRuleYaml(text, "big.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.error->ToString();
  ASSERT_EQ(parsed.rules.size(), static_cast<std::size_t>(kRules));
  EXPECT_EQ(parsed.rules.back().index, static_cast<std::uint32_t>(kRules - 1));
}

}  // namespace
}  // namespace dnsd::rules
