// Corefile syntax of `health` and `ready` (CoreDNS 1.11): defaults, and errors that point.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "dnsd/config/corefile.hpp"
#include "dnsd/plugins/health/setup.hpp"
#include "dnsd/plugins/ready/setup.hpp"

namespace dnsd::plugins {
namespace {

using namespace std::chrono_literals;

// The first directive of a one-block Corefile `. { TEXT }`.
config::Directive DirectiveOf(const std::string& text) {
  auto parsed = config::ParseCorefile(". {\n" + text + "\n}\n", "Corefile");
  EXPECT_TRUE(parsed.ok()) << parsed.error.ToString();
  if (!parsed.ok() || parsed.value->blocks.empty() || parsed.value->blocks[0].directives.empty()) return {};
  return parsed.value->blocks[0].directives[0];
}

health::Options Health(const std::string& text) {
  auto parsed = health::ParseOptions(DirectiveOf(text));
  EXPECT_TRUE(parsed.ok()) << parsed.error.ToString();
  return parsed.ok() ? *parsed.value : health::Options{};
}

std::string HealthError(const std::string& text) {
  auto parsed = health::ParseOptions(DirectiveOf(text));
  EXPECT_FALSE(parsed.ok()) << text;
  return parsed.ok() ? "" : parsed.error.ToString();
}

std::string ReadyError(const std::string& text) {
  auto parsed = ready::ParseAddress(DirectiveOf(text));
  EXPECT_FALSE(parsed.ok()) << text;
  return parsed.ok() ? "" : parsed.error.ToString();
}

TEST(HealthSetup, DefaultsToPort8080WithoutLameduck) {
  health::Options o = Health("health");
  EXPECT_EQ(o.address, ":8080");
  EXPECT_EQ(o.lameduck, 0s);
}

TEST(HealthSetup, TakesAnAddressAndALameduckDuration) {
  health::Options o = Health("health localhost:8091 {\n lameduck 1m30s\n}");
  EXPECT_EQ(o.address, "localhost:8091");
  EXPECT_EQ(o.lameduck, 90s);
  EXPECT_EQ(Health("health [::1]:8080").address, "[::1]:8080");
  EXPECT_EQ(Health("health {\n lameduck 500ms\n}").lameduck, 500ms);
}

TEST(HealthSetup, ErrorsPointAtTheOffendingToken) {
  EXPECT_EQ(HealthError("health :8080 :9090"),
            "Corefile:2:14: health: unexpected argument \":9090\" (want health [ADDRESS])");
  EXPECT_EQ(HealthError("health nonsense"),
            "Corefile:2:8: health: invalid address \"nonsense\" (want HOST:PORT, e.g. :8080)");
  EXPECT_EQ(HealthError("health :99999"),
            "Corefile:2:8: health: invalid address \":99999\" (want HOST:PORT, e.g. :8080)");
  EXPECT_EQ(HealthError("health {\n lameduck soon\n}"),
            "Corefile:3:11: health: lameduck: \"soon\" is not a duration (want e.g. 5s)");
  EXPECT_EQ(HealthError("health {\n lameduck -1s\n}"),
            "Corefile:3:11: health: lameduck: negative duration \"-1s\"");
  EXPECT_EQ(HealthError("health {\n lameduck\n}"),
            "Corefile:3:2: health: lameduck: want exactly one DURATION (e.g. lameduck 5s)");
  EXPECT_EQ(HealthError("health {\n lameduck 1s 2s\n}"),
            "Corefile:3:14: health: lameduck: want exactly one DURATION (e.g. lameduck 5s)");
  EXPECT_EQ(HealthError("health {\n lamduck 1s\n}"),
            "Corefile:3:2: health: unknown property \"lamduck\" (want lameduck)");
}

TEST(ReadySetup, DefaultsToPort8181) {
  auto parsed = ready::ParseAddress(DirectiveOf("ready"));
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  EXPECT_EQ(*parsed.value, ":8181");
  parsed = ready::ParseAddress(DirectiveOf("ready 127.0.0.1:9191"));
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  EXPECT_EQ(*parsed.value, "127.0.0.1:9191");
}

TEST(ReadySetup, ErrorsPointAtTheOffendingToken) {
  EXPECT_EQ(ReadyError("ready :8181 :8182"),
            "Corefile:2:13: ready: unexpected argument \":8182\" (want ready [ADDRESS])");
  EXPECT_EQ(ReadyError("ready 8181"),
            "Corefile:2:7: ready: invalid address \"8181\" (want HOST:PORT, e.g. :8181)");
  EXPECT_EQ(ReadyError("ready {\n monitor continuously\n}"),
            "Corefile:3:2: ready: unexpected block (want ready [ADDRESS])");
}

}  // namespace
}  // namespace dnsd::plugins
