#include "dnsd/config/duration.hpp"

#include <chrono>

#include <gtest/gtest.h>

namespace dnsd::config {
namespace {

using namespace std::chrono_literals;

TEST(GoDuration, ParsesLikeGo) {
  EXPECT_EQ(ParseGoDuration("10s"), std::chrono::nanoseconds(10s));
  EXPECT_EQ(ParseGoDuration("500ms"), std::chrono::nanoseconds(500ms));
  EXPECT_EQ(ParseGoDuration("1m30s"), std::chrono::nanoseconds(90s));
  EXPECT_EQ(ParseGoDuration("1.5h"), std::chrono::nanoseconds(90min));
  EXPECT_EQ(ParseGoDuration("2us"), std::chrono::nanoseconds(2us));
  EXPECT_EQ(ParseGoDuration("0"), std::chrono::nanoseconds(0));
  EXPECT_EQ(ParseGoDuration("-2s"), std::chrono::nanoseconds(-2s));
  EXPECT_FALSE(ParseGoDuration("10"));
  EXPECT_FALSE(ParseGoDuration("s"));
  EXPECT_FALSE(ParseGoDuration(""));
  EXPECT_FALSE(ParseGoDuration("10x"));
  EXPECT_FALSE(ParseGoDuration("1.s5"));
}

}  // namespace
}  // namespace dnsd::config
