// Rendered RR text to wire, checked with ldns (the oracle): defaults as miekg/dns NewRR (TTL 3600,
// class IN), every supported type, and text that is not a record.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dnsd/plugins/template/rr_text.hpp"
#include "../log/support.hpp"

namespace dnsd::plugins::tmpl {
namespace {

struct Case {
  const char* name;
  const char* text;
  const char* want;  // ldns's presentation of the record; nullptr: not a record
};

class RrText : public ::testing::TestWithParam<Case> {};

TEST_P(RrText, IsWrittenAsLdnsReadsIt) {
  const auto query = cache::testing::Query("q.example.org.", 1);
  wire::MessageView view;
  ASSERT_EQ(wire::ParseMessage(query, view), wire::WireError::kOk);
  std::vector<std::uint8_t> out(4096);
  wire::AnswerBuilder builder(query, view, out, 0, true);
  const bool ok = WriteRecord(GetParam().text, wire::Section::kAnswer, builder);
  if (GetParam().want == nullptr) {
    EXPECT_FALSE(ok);
    return;
  }
  ASSERT_TRUE(ok);
  const std::size_t length = builder.Finish();
  ASSERT_GT(length, 0u);
  cache::testing::Parsed parsed(std::vector<std::uint8_t>(out.begin(), out.begin() + length));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.FirstAnswer(), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Records, RrText,
    ::testing::Values(
        Case{"A", "a.example.org. 60 IN A 10.1.2.1", "a.example.org.\t60\tIN\tA\t10.1.2.1"},
        Case{"DefaultsTtlAndClass", "a.example.org A 10.0.0.1", "a.example.org.\t3600\tIN\tA\t10.0.0.1"},
        Case{"ClassBeforeTtl", "a. IN 5 A 10.0.0.1", "a.\t5\tIN\tA\t10.0.0.1"},
        Case{"ChaosClass", "a. 5 CH TXT x", "a.\t5\tCH\tTXT\t\"x\""},
        Case{"Aaaa", "a. 60 IN AAAA fd00::1:2", "a.\t60\tIN\tAAAA\tfd00::1:2"},
        Case{"Cname", "a. 60 IN CNAME b.example.org.", "a.\t60\tIN\tCNAME\tb.example.org."},
        Case{"Ptr", "1.0.0.10.in-addr.arpa. 60 IN PTR host.example.", "1.0.0.10.in-addr.arpa.\t60\tIN\tPTR\thost.example."},
        Case{"Ns", "example. 60 IN NS ns1.example.", "example.\t60\tIN\tNS\tns1.example."},
        Case{"Mx", "example. 60 IN MX 10 mail.example.", "example.\t60\tIN\tMX\t10 mail.example."},
        Case{"Srv", "_x._tcp.example. 60 IN SRV 0 100 80 svc.example.", "_x._tcp.example.\t60\tIN\tSRV\t0 100 80 svc.example."},
        Case{"Soa", "example. 60 IN SOA ns.example. host.example. 1 7200 1800 86400 30",
             "example.\t60\tIN\tSOA\tns.example. host.example. 1 7200 1800 86400 30"},
        Case{"SoaWithParentheses", "example.com 60 IN SOA ns.example.com hostmaster.example.com (1 60 60 60 60)",
             "example.com.\t60\tIN\tSOA\tns.example.com. hostmaster.example.com. 1 60 60 60 60"},
        Case{"TxtStrings", "t. 60 IN TXT \"hello world\" bare \"q\\\"uote\" \"\\065\"",
             "t.\t60\tIN\tTXT\t\"hello world\" \"bare\" \"q\\\"uote\" \"A\""},
        Case{"ADname", "d. 60 IN DNAME e.", "d.\t60\tIN\tDNAME\te."},
        Case{"ABadAddress", "a. 60 IN A 10.1.2", nullptr},
        Case{"AGroupThatDidNotMatch", "a. 60 IN A 10.<no value>.1.1", nullptr},
        Case{"AnUnsupportedType", "a. 60 IN HINFO cpu os", nullptr},
        Case{"ExtraData", "a. 60 IN A 10.0.0.1 10.0.0.2", nullptr},
        Case{"MissingData", "a. 60 IN MX 10", nullptr},
        Case{"NoType", "a. 60 IN", nullptr},
        Case{"ABadOwner", "a..b. 60 IN A 10.0.0.1", nullptr}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace dnsd::plugins::tmpl
