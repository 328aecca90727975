// The log format: CoreDNS's default line and every placeholder of its replacer.
#include <gtest/gtest.h>

#include "dnsd/plugins/log/format.hpp"
#include "dnsd/plugins/log/handler.hpp"
#include "support.hpp"

namespace dnsd::plugins::log {
namespace {

using testing::Answer;
using testing::Bytes;
using testing::ClientTransaction;
using testing::Query;
using testing::QueryOptions;
using testing::Reply;

struct Exchange {
  ClientTransaction client;
  Bytes response;
  std::int64_t duration = 123'000;
};

std::string Expand(std::string_view format, const Exchange& x, bool responded = true) {
  LogEntry entry;
  DescribeExchange(x.client, responded ? std::span<const std::uint8_t>(x.response) : std::span<const std::uint8_t>(),
                   entry);
  entry.duration_nanos = x.duration;
  char buffer[2048];
  LineWriter out(buffer);
  LogFormat(format).Write(entry, out);
  return std::string(out.view());
}

Exchange Simple(std::string_view name = "Example.ORG.", std::uint16_t type = 1, QueryOptions o = {},
                Reply reply = {.answer = {"example.org. 300 IN A 192.0.2.1"}}) {
  Bytes query = Query(name, type, o);
  Exchange x{ClientTransaction(query), Answer(query, reply)};
  return x;
}

TEST(LogFormat, DefaultFormatPrintsTheCoreDnsLine) {
  Exchange x = Simple();
  EXPECT_EQ(Expand(kDefaultLogFormat, x),
            "127.0.0.1:40212 - 4660 \"A IN example.org. udp 29 false 512\" NOERROR qr,rd,ra " +
                std::to_string(x.response.size()) + " 0.000123s");
}

TEST(LogFormat, CommonIsTheDefaultAndCombinedAddsTheOpcode) {
  EXPECT_EQ(ExpandFormatAliases("{common}"), kDefaultLogFormat);
  EXPECT_EQ(ExpandFormatAliases("x {combined}"), "x " + std::string(kCommonLogFormat) + " \"{>opcode}\"");
}

struct Case {
  std::string format;
  std::string want;
};

TEST(LogFormat, EachPlaceholderOfAPlainUdpQuery) {
  Exchange x = Simple("WWW.Example.org", 28, {.id = 7});
  const std::vector<Case> cases = {
      {"{type}", "AAAA"},       {"{class}", "IN"},          {"{name}", "www.example.org."},
      {"{proto}", "udp"},       {"{remote}", "127.0.0.1"},  {"{port}", "40212"},
      {"{local}", "127.0.0.53"}, {"{size}", "33"},          {"{>id}", "7"},
      {"{>opcode}", "QUERY"},   {"{>do}", "false"},         {"{>bufsize}", "512"},
      {"{rcode}", "NOERROR"},   {"{rsize}", std::to_string(x.response.size())},
      {"{duration}", "0.000123s"}, {"{>rflags}", "qr,rd,ra"}, {"{/geoip/city}", "-"},
      {"{unknown}", "{unknown}"}, {"a{type", "a{type"},     {"{name}{type}", "www.example.org.AAAA"},
  };
  for (const Case& c : cases) EXPECT_EQ(Expand(c.format, x), c.want) << c.format;
}

TEST(LogFormat, RecordedPlaceholdersAreADashWithoutAResponse) {
  Exchange x = Simple();
  EXPECT_EQ(Expand("{rcode} {rsize} {duration} {>rflags} {type}", x, false), "- - - - A");
}

TEST(LogFormat, EdnsTcpAndIpv6Values) {
  Bytes query = Query("example.org.", 1, {.edns = true, .dnssec_ok = true});
  Exchange x{ClientTransaction(query, true, boost::asio::ip::make_address("2001:db8::1"), 5353),
             Answer(query, Reply{.rcode = 3, .authority = {"org. 60 IN SOA a. b. 1 2 3 4 5"}})};
  EXPECT_EQ(Expand("{remote}:{port} {proto} {>do} {>bufsize} {rcode}", x),
            "[2001:db8::1]:5353 tcp true 65535 NXDOMAIN");
  Exchange udp{ClientTransaction(query), x.response};
  EXPECT_EQ(Expand("{>bufsize}", udp), "4096");
}

TEST(LogFormat, TypeClassAndRcodeNamesFollowMiekgDns) {
  Exchange x = Simple("a.example.", 65280, {.qclass = 42}, Reply{.rcode = 5});
  EXPECT_EQ(Expand("{type} {class} {rcode}", x), "TYPE65280 CLASS42 REFUSED");
  Exchange ch = Simple("version.bind.", 16, {.qclass = 3}, Reply{.rcode = 4});
  EXPECT_EQ(Expand("{type} {class} {rcode}", ch), "TXT CH NOTIMP");
}

TEST(LogFormat, NamesAreLowerCasedAndEscaped) {
  Exchange x = Simple("A\\ b\\.C\\009.example.", 1);
  EXPECT_EQ(Expand("{name}", x), "a\\ b\\.c\\009.example.");
  Exchange root = Simple(".", 2);
  EXPECT_EQ(Expand("{name}", root), ".");
}

TEST(LogFormat, DurationIsShortestDecimalSeconds) {
  Exchange x = Simple();
  x.duration = 1'500'000'000;
  EXPECT_EQ(Expand("{duration}", x), "1.5s");
  x.duration = 42;
  EXPECT_EQ(Expand("{duration}", x), "0.000000042s");
}

TEST(LogFormat, AllFlagsInMiekgOrder) {
  char buffer[64];
  LineWriter out(buffer);
  AppendFlags(out, 0xFFFF);
  EXPECT_EQ(out.view(), "qr,aa,tc,rd,ra,z,ad,cd");
}

TEST(LogFormat, LongLinesAreCutNotOverflowed) {
  Exchange x = Simple();
  char buffer[10];
  LogEntry entry;
  DescribeExchange(x.client, x.response, entry);
  LineWriter out(buffer);
  LogFormat(kDefaultLogFormat).Write(entry, out);
  EXPECT_EQ(out.view(), "127.0.0.1:");
}

}  // namespace
}  // namespace dnsd::plugins::log
