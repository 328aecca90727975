// template's behaviour per query (CoreDNS 1.11 template.go and template_test.go): which queries it
// answers, with what, and which go to the next plugin or get SERVFAIL.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/plugins/template/handler.hpp"
#include "dnsd/plugins/template/setup.hpp"
#include "../log/support.hpp"

namespace dnsd::plugins::tmpl {
namespace {

constexpr std::uint8_t kPassedOn = 5;  // the next plugin answers REFUSED: the query got past

class NextPlugin final : public pipeline::Handler {
 public:
  void Serve(pipeline::Transaction& tx) override { tx.RespondError(wire::Rcode::kRefused); }
};

struct Case {
  const char* name;
  const char* templates;  // template directives of a block for zone "example.org."
  const char* qname;
  std::uint16_t qtype;
  std::uint16_t qclass;
  std::uint8_t rcode;                   // kPassedOn: went to the next plugin
  std::vector<std::string> sections;    // "answer|authority|additional" records, ldns form, ";" joined
  bool aa = true;
};

// Each section's records in ldns presentation form, joined by ";", sections joined by "|".
std::string Sections(const cache::testing::Parsed& reply) {
  std::string out;
  for (ldns_rr_list* list : {ldns_pkt_answer(reply.pkt()), ldns_pkt_authority(reply.pkt()),
                             ldns_pkt_additional(reply.pkt())}) {
    if (!out.empty() || list != ldns_pkt_answer(reply.pkt())) out += "|";
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
      char* text = ldns_rr2str(ldns_rr_list_rr(list, i));
      std::string rr(text);
      free(text);
      if (!rr.empty() && rr.back() == '\n') rr.pop_back();
      out += (i ? ";" : "") + rr;
    }
  }
  return out;
}

class TemplateAnswers : public ::testing::TestWithParam<Case> {};

TEST_P(TemplateAnswers, AsCoreDns) {
  const Case& c = GetParam();
  auto directives = log::testing::Directives(std::string("example.org {\n") + c.templates + "\n}\n");
  ASSERT_FALSE(directives.empty());
  boost::asio::io_context io;
  pipeline::WorkerContext worker{io, 0};
  std::vector<std::unique_ptr<pipeline::Handler>> chain;
  for (const config::Directive& d : directives) {
    auto made = tmpl::Setup(d, pipeline::SetupContext{{"example.org."}, {}, {53}});
    ASSERT_TRUE(made.ok()) << made.error.ToString();
    chain.push_back((*made.value)->CreateHandler(worker));
    if (chain.size() > 1) chain[chain.size() - 2]->SetNext(chain.back().get());
  }
  NextPlugin next;
  chain.back()->SetNext(&next);
  log::testing::ClientTransaction client(cache::testing::Query(c.qname, c.qtype, {.qclass = c.qclass}), false,
                                         boost::asio::ip::make_address("192.0.2.9"), 40000);
  chain.front()->Serve(client);
  ASSERT_EQ(client.responses, 1);
  cache::testing::Parsed reply(client.answer);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply.rcode(), c.rcode);
  if (c.rcode == kPassedOn || c.rcode == 2) return;
  EXPECT_EQ(ldns_pkt_aa(reply.pkt()), c.aa);
  std::string want;
  for (std::size_t i = 0; i < 3; ++i) want += (i ? "|" : "") + (i < c.sections.size() ? c.sections[i] : "");
  EXPECT_EQ(Sections(reply), want);
}

constexpr const char* kGroups =
    "template IN A example.org {\n"
    "  match \"^(?P<a>[0-9]*)-(?P<b>[0-9]*)[.]example[.]org[.]$\"\n"
    "  answer \"{{ .Name }} 60 IN A 10.{{ .Group.a }}.{{ .Group.b }}.1\"\n"
    "  fallthrough\n"
    "}";

INSTANTIATE_TEST_SUITE_P(
    Queries, TemplateAnswers,
    ::testing::Values(
        Case{"NamedGroupsBuildTheAddress", kGroups, "1-2.Example.org.", 1, 1, 0,
             {"1-2.example.org.\t60\tIN\tA\t10.1.2.1"}},
        Case{"ANameTheRegexMissesFallsThrough", kGroups, "www.example.org.", 1, 1, kPassedOn},
        Case{"AnotherTypeGoesToTheNextPlugin", kGroups, "1-2.example.org.", 28, 1, kPassedOn},
        Case{"AnAnyQueryMatchesEveryType", kGroups, "1-2.example.org.", 255, 1, 0,
             {"1-2.example.org.\t60\tIN\tA\t10.1.2.1"}},
        Case{"AnotherClassGoesToTheNextPlugin", kGroups, "1-2.example.org.", 1, 3, kPassedOn},
        Case{"ANameOutsideTheZonesGoesToTheNextPlugin", kGroups, "1-2.example.com.", 1, 1, kPassedOn},
        Case{"WithoutFallthroughAMissIsServfail",
             "template IN A {\n match ^a[.]\n answer \"{{ .Name }} IN A 1.2.3.4\"\n}", "b.example.org.", 1, 1, 2},
        Case{"FallthroughToOtherZonesOnlyCoversThose",
             "template IN A {\n match ^a[.]\n fallthrough sub.example.org\n}", "b.example.org.", 1, 1, 2},
        Case{"FallthroughZonesLetTheirNamesPass",
             "template IN A {\n match ^a[.]\n fallthrough sub.example.org\n}", "b.sub.example.org.", 1, 1,
             kPassedOn},
        Case{"RcodeNxdomainForAWholeZone", "template IN ANY example.org {\n rcode NXDOMAIN\n}",
             "x.y.example.org.", 16, 1, 3},
        Case{"AnyClassAndNoerrorForEveryAaaa", "template ANY AAAA {\n rcode NOERROR\n}", "host.example.org.",
             28, 1, 0},
        Case{"RcodeServfailIsAServfailAnswer", "template IN A {\n rcode SERVFAIL\n}", "a.example.org.", 1, 1, 2},
        Case{"AllThreeSectionsInWireOrder",
             "template IN MX {\n"
             "  answer \"{{ .Name }} 60 MX 10 mail.{{ .Zone }}\"\n"
             "  additional \"mail.{{ .Zone }} 60 A 10.0.0.25\"\n"
             "  authority \"{{ .Zone }} 60 NS ns.{{ .Zone }}\"\n"
             "}",
             "example.org.", 15, 1, 0,
             {"example.org.\t60\tIN\tMX\t10 mail.example.org.", "example.org.\t60\tIN\tNS\tns.example.org.",
              "mail.example.org.\t60\tIN\tA\t10.0.0.25"}},
        Case{"TheClassAndTypeOfAnAnyQueryAreTheTemplates",
             "template IN TXT {\n answer \"{{ .Name }} 5 IN TXT {{ .Class }} {{ .Type }} {{ .Remote }}\"\n}",
             "t.example.org.", 255, 1, 0, {"t.example.org.\t5\tIN\tTXT\t\"IN\" \"TXT\" \"192.0.2.9\""}},
        Case{"AMatchIndexOutOfRangeIsServfail",
             "template IN A {\n answer \"{{ index .Match 3 }} 5 IN A 1.1.1.1\"\n}", "a.example.org.", 1, 1, 2},
        Case{"ARenderedLineThatIsNoRecordIsServfail",
             "template IN A {\n match ^(?P<x>a)?\n answer \"{{ .Name }} 5 IN A 10.{{ .Group.y }}.0.1\"\n}",
             "a.example.org.", 1, 1, 2},
        Case{"AnExtendedErrorGoesInTheOpt",
             "template ANY ANY {\n rcode NXDOMAIN\n ederror 21 \"Blocked according to RFC2606\"\n}",
             "test.example.org.", 1, 1, 3},
        Case{"TheFirstMatchingTemplateAnswers",
             "template IN A {\n match ^a\n answer \"{{ .Name }} 5 IN A 1.1.1.1\"\n fallthrough\n}\n"
             "template IN A {\n answer \"{{ .Name }} 5 IN A 2.2.2.2\"\n}",
             "b.example.org.", 1, 1, 0, {"b.example.org.\t5\tIN\tA\t2.2.2.2"}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(TemplateEderror, PutsTheExtendedErrorInAnOptAsCoreDnsDoes) {
  auto directives = log::testing::Directives(
      "example.org {\n template ANY ANY {\n rcode NXDOMAIN\n ederror 21 \"Blocked\"\n }\n}\n");
  auto made = tmpl::Setup(directives.at(0), pipeline::SetupContext{{"example.org."}, {}, {53}});
  ASSERT_TRUE(made.ok()) << made.error.ToString();
  boost::asio::io_context io;
  pipeline::WorkerContext worker{io, 0};
  auto handler = (*made.value)->CreateHandler(worker);
  for (bool edns : {false, true}) {
    log::testing::ClientTransaction client(cache::testing::Query("x.example.org.", 1, {.edns = edns}));
    handler->Serve(client);
    cache::testing::Parsed reply(client.answer);
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply.rcode(), 3);
    ASSERT_TRUE(reply.has_edns());
    EXPECT_TRUE(reply.edns_do());  // CoreDNS: SetEdns0(4096, true)
    EXPECT_EQ(ldns_pkt_edns_udp_size(reply.pkt()), 4096);  // the query's 4096, or CoreDNS's own
    const std::vector<std::uint8_t> option = {0, 15, 0, 9, 0, 21, 'B', 'l', 'o', 'c', 'k', 'e', 'd'};
    ASSERT_GE(client.answer.size(), option.size());
    EXPECT_TRUE(std::equal(option.begin(), option.end(), client.answer.end() - option.size()));
  }
}

}  // namespace
}  // namespace dnsd::plugins::tmpl
