// log and errors setup: CoreDNS 1.11 syntax, and errors that point at the offending token.
#include <gtest/gtest.h>

#include "dnsd/plugins/errors/setup.hpp"
#include "dnsd/plugins/log/classify.hpp"
#include "dnsd/plugins/log/format.hpp"
#include "dnsd/plugins/log/setup.hpp"
#include "support.hpp"

namespace dnsd::plugins::log {
namespace {

using testing::Directives;
using testing::Pointers;

config::Parsed<std::vector<RuleSpec>> Parse(const std::string& body) {
  auto directives = Directives(". {\n" + body + "\n}\n");
  return ParseRules(Pointers(directives));
}

std::string Error(const std::string& body) {
  auto parsed = Parse(body);
  EXPECT_FALSE(parsed.ok()) << body;
  return parsed.error.ToString();
}

constexpr std::uint8_t kSuccess = static_cast<std::uint8_t>(ResponseClass::kSuccess);
constexpr std::uint8_t kDenial = static_cast<std::uint8_t>(ResponseClass::kDenial);
constexpr std::uint8_t kError = static_cast<std::uint8_t>(ResponseClass::kError);

TEST(LogSetup, BareLogLogsEverythingInTheDefaultFormat) {
  auto parsed = Parse("log");
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  ASSERT_EQ(parsed.value->size(), 1u);
  EXPECT_EQ((*parsed.value)[0].scope, ".");
  EXPECT_EQ((*parsed.value)[0].format, kDefaultLogFormat);
  EXPECT_EQ((*parsed.value)[0].classes, kAllClasses);
}

TEST(LogSetup, OneArgumentIsANameEvenWithABrace) {
  auto parsed = Parse("log example.org");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed.value)[0].scope, "example.org.");
  EXPECT_EQ((*parsed.value)[0].format, kDefaultLogFormat);
}

TEST(LogSetup, LastArgumentWithABraceIsTheFormatForEveryName) {
  auto parsed = Parse("log a.org b.org \"{name} {combined}\"");
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  ASSERT_EQ(parsed.value->size(), 2u);
  EXPECT_EQ((*parsed.value)[0].scope, "a.org.");
  EXPECT_EQ((*parsed.value)[1].scope, "b.org.");
  EXPECT_EQ((*parsed.value)[1].format, "{name} " + std::string(kCombinedLogFormat));
}

TEST(LogSetup, ClassesCombineAcrossLinesOfTheBlock) {
  auto parsed = Parse("log . {\n class denial\n class error success\n}");
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  EXPECT_EQ((*parsed.value)[0].classes, kSuccess | kDenial | kError);
  auto all = Parse("log {\n class all denial\n}");
  EXPECT_EQ((*all.value)[0].classes, kAllClasses);
}

TEST(LogSetup, SeveralLogLinesAddRulesInOrder) {
  auto parsed = Parse("log a.org {\n class error\n}\nlog");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed.value->size(), 2u);
  EXPECT_EQ((*parsed.value)[0].classes, kError);
  EXPECT_EQ((*parsed.value)[1].classes, kAllClasses);
}

TEST(LogSetup, ErrorsPointAtTheToken) {
  EXPECT_EQ(Error("log {\n class\n}"),
            "Corefile:3:2: log: class: missing argument (want class all|denial|error|success)");
  EXPECT_EQ(Error("log {\n class denial sucess\n}"),
            "Corefile:3:15: log: class: unknown class \"sucess\" (want all, denial, error or success)");
  EXPECT_EQ(Error("log {\n format x\n}"), "Corefile:3:2: log: unknown property \"format\" (want class)");
  EXPECT_EQ(Error("log a..b {name}"), "Corefile:2:5: log: invalid name \"a..b\"");
}

TEST(LogSetup, SetupMakesAFactory) {
  auto directives = Directives(". {\nlog\n}\n");
  auto result = SetupAll(Pointers(directives), {});
  ASSERT_TRUE(result.ok()) << result.error.ToString();
}

config::Parsed<std::vector<errors::PatternSpec>> ParseErrors(const std::string& body) {
  auto directives = Directives(". {\n" + body + "\n}\n");
  return errors::ParsePatterns(directives.at(0));
}

TEST(ErrorsSetup, ConsolidateTakesDurationRegexpAndLevel) {
  auto parsed = ParseErrors("errors {\n consolidate 5m \".* timeout$\"\n consolidate 30s ^SERV warning\n}");
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  ASSERT_EQ(parsed.value->size(), 2u);
  EXPECT_EQ((*parsed.value)[0].period, std::chrono::minutes(5));
  EXPECT_EQ((*parsed.value)[0].regexp, ".* timeout$");
  EXPECT_EQ((*parsed.value)[0].level, errors::Level::kError);
  EXPECT_EQ((*parsed.value)[1].level, errors::Level::kWarning);
  EXPECT_TRUE(ParseErrors("errors stdout").ok());
  EXPECT_TRUE(ParseErrors("errors {\n stacktrace\n}").ok());
}

TEST(ErrorsSetup, ErrorsPointAtTheToken) {
  auto error = [](const std::string& body) {
    auto parsed = ParseErrors(body);
    EXPECT_FALSE(parsed.ok()) << body;
    return parsed.error.ToString();
  };
  EXPECT_EQ(error("errors /var/log/x"),
            "Corefile:2:8: errors: unexpected argument \"/var/log/x\" (want errors [stdout])");
  EXPECT_EQ(error("errors {\n consolidate 5m\n}"),
            "Corefile:3:2: errors: consolidate: missing argument (want consolidate DURATION REGEXP [LEVEL])");
  EXPECT_EQ(error("errors {\n consolidate 5x .*\n}"),
            "Corefile:3:14: errors: consolidate: \"5x\" is not a positive duration (want e.g. 30s, 5m)");
  EXPECT_EQ(error("errors {\n consolidate 5m (\n}").substr(0, 54),
            "Corefile:3:17: errors: consolidate: invalid regexp \"(\"");
  EXPECT_EQ(error("errors {\n consolidate 5m .* loud\n}"),
            "Corefile:3:20: errors: consolidate: unknown log level \"loud\" (want warning, error, info or debug)");
  EXPECT_EQ(error("errors {\n consolidate 5m .* info extra\n}").substr(0, 14), "Corefile:3:25:");
  EXPECT_EQ(error("errors {\n stack\n}"), "Corefile:3:2: errors: unknown property \"stack\" (want consolidate)");
}

}  // namespace
}  // namespace dnsd::plugins::log
