#include "dnsd/cli/flags.hpp"

#include <gtest/gtest.h>

namespace dnsd::cli {
namespace {

TEST(Flags, AcceptsGoStyleSpellings) {
  FlagsResult r = ParseFlags({"-conf", "a.conf", "--dns.port=1053", "-quiet", "-pidfile=/tmp/p"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.flags.conf, "a.conf");
  EXPECT_EQ(r.flags.dns_port, 1053);
  EXPECT_TRUE(r.flags.quiet);
  EXPECT_EQ(r.flags.pidfile, "/tmp/p");
}

TEST(Flags, CheckIsABooleanOfDnsdsOwn) {
  FlagsResult r = ParseFlags({"-check", "-conf", "Corefile"});
  ASSERT_EQ(r.error, "");
  EXPECT_TRUE(r.flags.check);
  EXPECT_FALSE(ParseFlags({"-conf", "Corefile"}).flags.check);
  EXPECT_NE(Usage("dnsd").find("-check"), std::string::npos);
}

TEST(Flags, BooleansTakeExplicitValues) {
  FlagsResult r = ParseFlags({"-quiet=false", "-version=true", "-plugins=1"});
  ASSERT_EQ(r.error, "");
  EXPECT_FALSE(r.flags.quiet);
  EXPECT_TRUE(r.flags.version);
  EXPECT_TRUE(r.flags.plugins);
}

TEST(Flags, ErrorsAreGoMessages) {
  EXPECT_EQ(ParseFlags({"-nope"}).error, "flag provided but not defined: -nope");
  EXPECT_EQ(ParseFlags({"-conf"}).error, "flag needs an argument: -conf");
  EXPECT_EQ(ParseFlags({"-dns.port", "x"}).error, "invalid value \"x\" for -dns.port: not a port number");
  EXPECT_EQ(ParseFlags({"-dns.port", "70000"}).error,
            "invalid value \"70000\" for -dns.port: not a port number");
  EXPECT_EQ(ParseFlags({"-quiet=maybe"}).error, "invalid boolean value \"maybe\" for -quiet");
}

TEST(Flags, StopsAtFirstNonFlag) {
  FlagsResult r = ParseFlags({"-quiet", "extra", "-conf", "x"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.flags.conf, "");
}

}  // namespace
}  // namespace dnsd::cli
