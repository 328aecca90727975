// Queries through the hosts handler: what CoreDNS 1.11 answers, passes on or fails, per case.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support.hpp"

namespace dnsd::plugins::hosts {
namespace {

using Strings = std::vector<std::string>;
using testing::Rig;

constexpr std::uint16_t kA = 1, kMx = 15, kPtr = 12, kAaaa = 28, kTxt = 16;
constexpr int kNoError = 0, kServFail = 2;

const char* kFile =
    "# the file's entries come before the inline ones\n"
    "10.0.0.1 www.example.org\n"
    "10.0.0.2 www.example.org\n"
    "::1 v6only.example.org\n"
    "10.0.0.9 both.example.org outside.example.net\n";

class HostsLookup : public ::testing::Test {
 protected:
  testing::ScratchDir dir_;
  std::string path_ = (dir_ / "hosts").string();

  Rig Make(const std::string& block_options = "") {
    testing::WriteText(path_, kFile);
    return Rig(". {\n  hosts " + path_ + " example.org {\n    10.0.0.8 www.example.org\n    fd00::9 both.example.org\n" +
               block_options + "  }\n}\n");
  }
};

struct LookupCase {
  std::string what;
  std::string name;
  std::uint16_t qtype;
  bool passed_on;
  int rcode;
  Strings records;
};

class HostsLookupTable : public HostsLookup, public ::testing::WithParamInterface<LookupCase> {};

TEST_P(HostsLookupTable, AnswersAsCoreDns) {
  Rig rig = Make();
  const LookupCase& c = GetParam();
  auto answer = rig.Ask(c.name, c.qtype);
  EXPECT_EQ(answer.passed_on, c.passed_on);
  if (c.passed_on) return;
  EXPECT_EQ(answer.rcode, c.rcode);
  EXPECT_EQ(answer.records, c.records);
  if (c.rcode == kNoError) {
    EXPECT_TRUE(answer.aa);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, HostsLookupTable,
    ::testing::Values(
        LookupCase{"file then inline addresses", "www.example.org.", kA, false, kNoError,
                   {"www.example.org.\t3600\tIN\tA\t10.0.0.1", "www.example.org.\t3600\tIN\tA\t10.0.0.2",
                    "www.example.org.\t3600\tIN\tA\t10.0.0.8"}},
        LookupCase{"names are case-insensitive, the owner is as asked", "WWW.Example.ORG.", kA, false, kNoError,
                   {"WWW.Example.ORG.\t3600\tIN\tA\t10.0.0.1", "WWW.Example.ORG.\t3600\tIN\tA\t10.0.0.2",
                    "WWW.Example.ORG.\t3600\tIN\tA\t10.0.0.8"}},
        LookupCase{"AAAA", "v6only.example.org.", kAaaa, false, kNoError, {"v6only.example.org.\t3600\tIN\tAAAA\t::1"}},
        LookupCase{"inline AAAA beside a file A", "both.example.org.", kAaaa, false, kNoError,
                   {"both.example.org.\t3600\tIN\tAAAA\tfd00::9"}},
        LookupCase{"A of an AAAA-only name is NODATA", "v6only.example.org.", kA, false, kNoError, {}},
        LookupCase{"other types of a known name are NODATA", "www.example.org.", kMx, false, kNoError, {}},
        LookupCase{"TXT too", "both.example.org.", kTxt, false, kNoError, {}},
        LookupCase{"a missing name without fallthrough is SERVFAIL", "missing.example.org.", kA, false, kServFail,
                   {}},
        LookupCase{"a name outside the zones goes on", "outside.example.net.", kA, true, 0, {}},
        LookupCase{"PTR from the file", "1.0.0.10.in-addr.arpa.", kPtr, false, kNoError,
                   {"1.0.0.10.in-addr.arpa.\t3600\tIN\tPTR\twww.example.org."}},
        LookupCase{"PTR lists only names in the zones", "9.0.0.10.in-addr.arpa.", kPtr, false, kNoError,
                   {"9.0.0.10.in-addr.arpa.\t3600\tIN\tPTR\tboth.example.org."}},
        LookupCase{"PTR from inline IPv6",
                   "9.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.", kPtr, false,
                   kNoError,
                   {"9.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.\t3600\tIN\tPTR\t"
                    "both.example.org."}},
        LookupCase{"PTR of an IPv4-mapped address", "1.0.0.0.0.0.a.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
                   kPtr, false, kNoError,
                   {"1.0.0.0.0.0.a.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.\t3600\tIN\tPTR\t"
                    "www.example.org."}},
        LookupCase{"an unknown address goes on, fallthrough or not", "7.7.7.7.in-addr.arpa.", kPtr, true, 0, {}},
        LookupCase{"A of a reverse name is a missing name", "1.0.0.10.in-addr.arpa.", kA, true, 0, {}}),
    [](const auto& info) {
      std::string name;
      for (char c : info.param.what) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

TEST_F(HostsLookup, FallthroughPassesMissingNamesOn) {
  Rig rig = Make("    fallthrough\n");
  EXPECT_TRUE(rig.Ask("missing.example.org.", kA).passed_on);
  EXPECT_FALSE(rig.Ask("v6only.example.org.", kA).passed_on) << "NODATA does not fall through";
}

TEST_F(HostsLookup, FallthroughZonesLimitWhatGoesOn) {
  Rig rig = Make("    fallthrough sub.example.org\n");
  EXPECT_TRUE(rig.Ask("missing.sub.example.org.", kA).passed_on);
  auto answer = rig.Ask("missing.example.org.", kA);
  EXPECT_FALSE(answer.passed_on);
  EXPECT_EQ(answer.rcode, kServFail);
}

TEST_F(HostsLookup, NoReverseMakesNoPtr) {
  Rig rig = Make("    no_reverse\n");
  EXPECT_TRUE(rig.Ask("1.0.0.10.in-addr.arpa.", kPtr).passed_on);
  EXPECT_EQ(rig.Ask("www.example.org.", kA).records.size(), 3u);
}

TEST_F(HostsLookup, TtlAppliesToForwardAndReverse) {
  Rig rig = Make("    ttl 60\n");
  EXPECT_EQ(rig.Ask("v6only.example.org.", kAaaa).records, Strings{"v6only.example.org.\t60\tIN\tAAAA\t::1"});
  EXPECT_EQ(rig.Ask("1.0.0.10.in-addr.arpa.", kPtr).records,
            Strings{"1.0.0.10.in-addr.arpa.\t60\tIN\tPTR\twww.example.org."});
}

TEST_F(HostsLookup, EdnsQueriesGetAnOptAfterTheAnswers) {
  Rig rig = Make();
  auto answer = rig.Ask("v6only.example.org.", kAaaa, true);
  EXPECT_TRUE(answer.has_opt);
  EXPECT_EQ(answer.records, Strings{"v6only.example.org.\t3600\tIN\tAAAA\t::1"});
  EXPECT_TRUE(rig.Ask("www.example.org.", kMx, true).has_opt);
}

TEST(HostsLookupInline, TheReadmeInlineExampleServesItsEntryAndFallsThrough) {
  Rig rig("example.hosts example.org {\n  hosts {\n    10.0.0.1 example.org\n    fallthrough\n  }\n}\n",
          {"example.hosts.", "example.org."});
  EXPECT_EQ(rig.Ask("example.org.", kA).records, Strings{"example.org.\t3600\tIN\tA\t10.0.0.1"});
  EXPECT_TRUE(rig.Ask("www.example.org.", kA).passed_on);
}

TEST(HostsLookupInline, AMissingFileServesTheInlineEntries) {
  Rig rig(". {\n  hosts /nonexistent/dnsd-hosts {\n    10.0.0.7 seven.test\n  }\n}\n");
  EXPECT_EQ(rig.Ask("seven.test.", kA).records, Strings{"seven.test.\t3600\tIN\tA\t10.0.0.7"});
  EXPECT_EQ(rig.Ask("7.0.0.10.in-addr.arpa.", kPtr).records,
            Strings{"7.0.0.10.in-addr.arpa.\t3600\tIN\tPTR\tseven.test."});
}

}  // namespace
}  // namespace dnsd::plugins::hosts
