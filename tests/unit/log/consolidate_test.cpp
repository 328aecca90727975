// errors' consolidate: matching errors are counted and reported once per period (injected time).
#include <gtest/gtest.h>

#include "dnsd/plugins/errors/consolidator.hpp"

namespace dnsd::plugins::errors {
namespace {

using namespace std::chrono_literals;
constexpr std::int64_t kSecond = 1'000'000'000;

std::string Line(const std::string& reason) { return std::string(kErrorPrefix) + "2 example.org. A: " + reason + "\n"; }

TEST(Consolidator, MatchingErrorsAreCountedAndReportedOnceAfterThePeriod) {
  Consolidator c({{30s, "^SERV", Level::kError}});
  std::string out;
  EXPECT_TRUE(c.Filter(Line("SERVFAIL"), 10 * kSecond));
  EXPECT_TRUE(c.Filter(Line("SERVFAIL"), 20 * kSecond));
  EXPECT_FALSE(c.Filter(Line("no upstream"), 21 * kSecond)) << "not matching: printed as is";
  c.Tick(39 * kSecond, out);
  EXPECT_EQ(out, "") << "the period runs from the first error";
  EXPECT_TRUE(c.Filter(Line("SERVFAIL"), 39 * kSecond));
  c.Tick(40 * kSecond, out);
  EXPECT_EQ(out, "[ERROR] plugin/errors: 3 errors like '^SERV' occurred in last 30s\n");
  out.clear();
  c.Tick(100 * kSecond, out);
  EXPECT_EQ(out, "") << "nothing new, nothing printed";
}

TEST(Consolidator, PatternsMatchTheReasonNotTheName) {
  Consolidator c({{1s, "example", Level::kError}});
  EXPECT_FALSE(c.Filter(Line("SERVFAIL"), 0));
}

TEST(Consolidator, LevelsChooseThePrefixAndDebugIsSilent) {
  Consolidator c({{5min, "A", Level::kWarning}, {5min, "B", Level::kInfo}, {5min, "C", Level::kDebug}});
  std::string out;
  for (const char* r : {"A", "B", "C", "C"}) EXPECT_TRUE(c.Filter(Line(r), 0));
  c.Tick(300 * kSecond, out);
  EXPECT_EQ(out,
            "[WARNING] plugin/errors: 1 errors like 'A' occurred in last 5m0s\n"
            "[INFO] plugin/errors: 1 errors like 'B' occurred in last 5m0s\n");
}

TEST(Consolidator, FinishReportsWhatIsPending) {
  Consolidator c({{1h, ".*", Level::kError}});
  std::string out;
  c.Filter(Line("x"), 0);
  c.Finish(out);
  EXPECT_EQ(out, "[ERROR] plugin/errors: 1 errors like '.*' occurred in last 1h0m0s\n");
}

TEST(GoDuration, FormatsAsGoDoes) {
  EXPECT_EQ(FormatGoDuration(0s), "0s");
  EXPECT_EQ(FormatGoDuration(30s), "30s");
  EXPECT_EQ(FormatGoDuration(5min), "5m0s");
  EXPECT_EQ(FormatGoDuration(90min), "1h30m0s");
  EXPECT_EQ(FormatGoDuration(1500ms), "1.5s");
  EXPECT_EQ(FormatGoDuration(500ms), "500ms");
  EXPECT_EQ(FormatGoDuration(std::chrono::nanoseconds(1500)), "1.5µs");
  EXPECT_EQ(FormatGoDuration(std::chrono::nanoseconds(7)), "7ns");
}

}  // namespace
}  // namespace dnsd::plugins::errors
