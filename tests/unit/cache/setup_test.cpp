#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "dnsd/plugins/registry.hpp"
#include "support.hpp"

namespace dnsd::plugins::cache {
namespace {

using namespace std::chrono_literals;
using testing::DirectiveFromText;

Options Parse(const std::string& text, std::vector<std::string> zones = {"."}) {
  pipeline::SetupContext ctx;
  ctx.zones = std::move(zones);
  auto parsed = ParseOptions(DirectiveFromText(text), ctx);
  EXPECT_TRUE(parsed.ok()) << parsed.error.ToString();
  return parsed.ok() ? *parsed.value : Options{};
}

TEST(CacheSetup, DefaultsAreCoreDnsDefaults) {
  Options o = Parse("cache", {"example.org."});
  EXPECT_EQ(o.zones, std::vector<std::string>{"example.org."});
  EXPECT_EQ(o.success.capacity, 9984u);
  EXPECT_EQ(o.success.Bound(), 9984u);
  EXPECT_EQ(o.success.max_ttl, 3600s);
  EXPECT_EQ(o.success.min_ttl, 5s);
  EXPECT_EQ(o.denial.capacity, 9984u);
  EXPECT_EQ(o.denial.max_ttl, 1800s);
  EXPECT_EQ(o.denial.min_ttl, 5s);
  EXPECT_TRUE(o.success.disabled_zones.empty());
  EXPECT_TRUE(o.denial.disabled_zones.empty());
  EXPECT_EQ(o.prefetch_amount, 0u);
  EXPECT_EQ(o.prefetch_window, 1min);
  EXPECT_EQ(o.prefetch_percentage, 10u);
  EXPECT_EQ(o.stale_for, 0s);
  EXPECT_EQ(o.servfail_ttl, 5s);
  EXPECT_FALSE(o.keep_ttl);
}

TEST(CacheSetup, ANumberFirstIsTheMaxTtlOfBothKinds) {
  Options o = Parse("cache 30");
  EXPECT_EQ(o.success.max_ttl, 30s);
  EXPECT_EQ(o.denial.max_ttl, 30s);
  EXPECT_EQ(o.zones, std::vector<std::string>{"."});
}

TEST(CacheSetup, ZonesAfterTheTtlReplaceTheServerBlockZonesNormalised) {
  Options o = Parse("cache 300 Example.ORG other.net. dns://third.io:53", {"."});
  EXPECT_EQ(o.success.max_ttl, 300s);
  EXPECT_EQ(o.zones, (std::vector<std::string>{"example.org.", "other.net.", "third.io."}));
}

TEST(CacheSetup, AFirstArgumentThatIsNoNumberIsAZone) {
  Options o = Parse("cache example.org");
  EXPECT_EQ(o.success.max_ttl, 3600s);
  EXPECT_EQ(o.zones, std::vector<std::string>{"example.org."});
}

TEST(CacheSetup, SuccessAndDenialSetCapacityTtlAndMinTtl) {
  Options o = Parse("cache {\n success 5000 600 10\n denial 2500 60 0\n}");
  EXPECT_EQ(o.success.capacity, 5000u);
  EXPECT_EQ(o.success.Bound(), 19u * 256);  // rounded down to a multiple of 256
  EXPECT_EQ(o.success.max_ttl, 600s);
  EXPECT_EQ(o.success.min_ttl, 10s);
  EXPECT_EQ(o.denial.capacity, 2500u);
  EXPECT_EQ(o.denial.max_ttl, 60s);
  EXPECT_EQ(o.denial.min_ttl, 0s);
}

TEST(CacheSetup, CapacityIsAtLeast1024) {
  EXPECT_EQ(Parse("cache {\n success 10\n}").success.Bound(), 1024u);
  EXPECT_EQ(Parse("cache {\n denial 0\n}").denial.Bound(), 1024u);
}

TEST(CacheSetup, BlockTtlOverridesTheDirectiveTtlForItsKindOnly) {
  Options o = Parse("cache 30 {\n denial 100 10\n}");
  EXPECT_EQ(o.success.max_ttl, 30s);
  EXPECT_EQ(o.denial.max_ttl, 10s);
}

TEST(CacheSetup, PrefetchTakesAmountDurationAndPercentage) {
  Options o = Parse("cache {\n prefetch 3\n}");
  EXPECT_EQ(o.prefetch_amount, 3u);
  EXPECT_EQ(o.prefetch_window, 1min);
  EXPECT_EQ(o.prefetch_percentage, 10u);
  o = Parse("cache {\n prefetch 10 2m30s 50%\n}");
  EXPECT_EQ(o.prefetch_amount, 10u);
  EXPECT_EQ(o.prefetch_window, 150s);
  EXPECT_EQ(o.prefetch_percentage, 50u);
}

TEST(CacheSetup, ServeStaleDefaultsToOneHourImmediate) {
  Options o = Parse("cache {\n serve_stale\n}");
  EXPECT_EQ(o.stale_for, 1h);
  EXPECT_EQ(o.stale_mode, StaleMode::kImmediate);
  o = Parse("cache {\n serve_stale 10m verify\n}");
  EXPECT_EQ(o.stale_for, 10min);
  EXPECT_EQ(o.stale_mode, StaleMode::kVerify);
  EXPECT_EQ(Parse("cache {\n serve_stale 1h verified\n}").stale_mode, StaleMode::kVerify);
  EXPECT_EQ(Parse("cache {\n serve_stale 1h immediate\n}").stale_mode, StaleMode::kImmediate);
}

TEST(CacheSetup, ServfailTakesADurationUpToFiveMinutes) {
  EXPECT_EQ(Parse("cache {\n servfail 0\n}").servfail_ttl, 0s);
  EXPECT_EQ(Parse("cache {\n servfail 5m\n}").servfail_ttl, 5min);
  EXPECT_EQ(Parse("cache {\n servfail 500ms\n}").servfail_ttl, 500ms);
}

TEST(CacheSetup, DisableTakesAKindAndZonesDefaultingToRoot) {
  Options o = Parse("cache {\n disable success Example.org b.net\n disable denial\n}");
  EXPECT_EQ(o.success.disabled_zones, (std::vector<std::string>{"example.org.", "b.net."}));
  EXPECT_EQ(o.denial.disabled_zones, std::vector<std::string>{"."});
}

TEST(CacheSetup, KeepttlTurnsOffTtlAging) { EXPECT_TRUE(Parse("cache {\n keepttl\n}").keep_ttl); }

TEST(CacheSetup, SetupBuildsAFactory) {
  pipeline::SetupContext ctx;
  ctx.zones = {"."};
  auto result = cache::Setup(DirectiveFromText("cache 30"), ctx);
  ASSERT_TRUE(result.ok());
  EXPECT_NE(dynamic_cast<CacheFactory*>(result.value->get()), nullptr);
}

TEST(CacheSetup, TheRegistryKnowsCacheAsImplementedOncePerBlock) {
  const pipeline::Plugin* plugin = Registry().Find("cache");
  ASSERT_NE(plugin, nullptr);
  EXPECT_TRUE(plugin->implemented());
  EXPECT_TRUE(plugin->once_per_block);
}

struct ErrorCase {
  std::string corefile;
  std::string message;
  int line;
  int column;
};

TEST(CacheSetup, EveryErrorPointsAtTheOffendingToken) {
  const ErrorCase cases[] = {
      {"cache 0", "cache: TTL can not be zero or negative: 0", 1, 7},
      {"cache -5", "cache: TTL can not be zero or negative: -5", 1, 7},
      {"cache 30 bad..zone", "cache: \"bad..zone\" is not a zone (want cache [TTL] [ZONES...])", 1, 10},
      {"cache {\n success\n}", "cache: success: missing CAPACITY (want success CAPACITY [TTL] [MINTTL])", 2, 2},
      {"cache {\n success abc\n}", "cache: success: CAPACITY: \"abc\" is not an integer", 2, 10},
      {"cache {\n success -1\n}", "cache: success: CAPACITY \"-1\" is out of range", 2, 10},
      {"cache {\n success 100 0\n}", "cache: success: TTL can not be zero or negative: 0", 2, 14},
      {"cache {\n success 100 x\n}", "cache: success: TTL: \"x\" is not an integer", 2, 14},
      {"cache {\n denial 100 10 -1\n}", "cache: denial: min TTL can not be negative: -1", 2, 16},
      {"cache {\n denial 100 10 5 7\n}",
       "cache: denial: unexpected argument \"7\" (want denial CAPACITY [TTL] [MINTTL])", 2, 18},
      {"cache {\n prefetch\n}", "cache: prefetch: missing AMOUNT (want prefetch AMOUNT [[DURATION] [PERCENTAGE%]])", 2, 2},
      {"cache {\n prefetch -1\n}", "cache: prefetch: amount should be positive: -1", 2, 11},
      {"cache {\n prefetch 2 soon\n}",
       "cache: prefetch: DURATION: \"soon\" is not a duration (want e.g. 30s, 10m, 1h)", 2, 13},
      {"cache {\n prefetch 2 1m 50\n}", "cache: prefetch: PERCENTAGE \"50\" must end in '%' (e.g. 10%)", 2, 16},
      {"cache {\n prefetch 2 1m 95%\n}", "cache: prefetch: percentage should fall in range [10, 90]: 95%", 2, 16},
      {"cache {\n prefetch 2 1m 5%\n}", "cache: prefetch: percentage should fall in range [10, 90]: 5%", 2, 16},
      {"cache {\n prefetch 2 1m x%\n}", "cache: prefetch: PERCENTAGE \"x%\" is not an integer", 2, 16},
      {"cache {\n prefetch 2 1m 10% 4\n}",
       "cache: prefetch: unexpected argument \"4\" (want prefetch AMOUNT [[DURATION] [PERCENTAGE%]])", 2, 20},
      {"cache {\n serve_stale -1h\n}", "cache: serve_stale: DURATION: negative duration \"-1h\"", 2, 14},
      {"cache {\n serve_stale 1h later\n}",
       "cache: serve_stale: invalid value for serve_stale refresh mode: \"later\" (want immediate or verify)", 2, 17},
      {"cache {\n serve_stale 1h verify x\n}",
       "cache: serve_stale: unexpected argument \"x\" (want serve_stale [DURATION] [immediate|verify])", 2, 24},
      {"cache {\n servfail\n}", "cache: servfail: missing DURATION (want servfail DURATION)", 2, 2},
      {"cache {\n servfail 6m\n}",
       "cache: servfail: caching SERVFAIL responses over 5 minutes is not permitted: 6m", 2, 11},
      {"cache {\n servfail -1s\n}", "cache: servfail: DURATION: negative duration \"-1s\"", 2, 11},
      {"cache {\n servfail 1s 2s\n}", "cache: servfail: unexpected argument \"2s\" (want servfail DURATION)", 2, 14},
      {"cache {\n disable\n}", "cache: disable: missing cache type (want disable success|denial [ZONES...])", 2, 2},
      {"cache {\n disable errors\n}",
       "cache: disable: cache type for disable must be \"success\" or \"denial\", not \"errors\"", 2, 10},
      {"cache {\n disable denial a..b\n}", "cache: disable: invalid disabled zone: \"a..b\"", 2, 17},
      {"cache {\n keepttl now\n}", "cache: keepttl: unexpected argument \"now\" (want keepttl)", 2, 10},
      {"cache {\n sucess 100\n}",
       "cache: unknown property \"sucess\" (want success, denial, prefetch, serve_stale, servfail, disable or keepttl)",
       2, 2},
  };
  for (const ErrorCase& c : cases) {
    pipeline::SetupContext ctx;
    ctx.zones = {"."};
    auto parsed = ParseOptions(DirectiveFromText(c.corefile), ctx);
    ASSERT_FALSE(parsed.ok()) << c.corefile;
    EXPECT_EQ(parsed.error.message, c.message) << c.corefile;
    EXPECT_EQ(parsed.error.pos.line, c.line) << c.corefile;
    EXPECT_EQ(parsed.error.pos.column, c.column) << c.corefile;
    EXPECT_EQ(parsed.error.pos.file, "Corefile");
  }
}

}  // namespace
}  // namespace dnsd::plugins::cache
