// errors' text for a plugin's failure note: Go's err.Error() for the net.OpError forward's
// attempt ended with, as CoreDNS prints it after "[ERROR] plugin/errors: RCODE NAME TYPE: ".
#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "dnsd/plugins/errors/failure_text.hpp"

namespace dnsd::plugins::errors {
namespace {

using pipeline::FailureKind;
using pipeline::FailureNote;
using pipeline::NetOp;

FailureNote Network(NetOp op, bool tcp, int code, const char* local = "127.0.0.1", std::uint16_t local_port = 41234,
                    const char* remote = "127.0.0.1", std::uint16_t remote_port = 53) {
  FailureNote note;
  note.kind = FailureKind::kNetwork;
  note.op = op;
  note.tcp = tcp;
  note.code = code;
  note.local = boost::asio::ip::make_address(local);
  note.local_port = local_port;
  note.remote = boost::asio::ip::make_address(remote);
  note.remote_port = remote_port;
  return note;
}

std::string Text(const FailureNote& note) {
  char buffer[512];
  log::LineWriter out(buffer);
  AppendFailure(out, note);
  return std::string(out.view());
}

struct Case {
  const char* what;
  FailureNote note;
  const char* text;
};

TEST(FailureText, ReadsAsGoNetErrorsDo) {
  FailureNote limit;
  limit.kind = FailureKind::kLimitExceeded;
  limit.code = 100;
  FailureNote none;
  const Case cases[] = {
      {"UDP reply never came", Network(NetOp::kRead, false, pipeline::kFailureTimeout),
       "read udp 127.0.0.1:41234->127.0.0.1:53: i/o timeout"},
      {"ICMP port unreachable on the connected UDP socket", Network(NetOp::kRead, false, ECONNREFUSED),
       "read udp 127.0.0.1:41234->127.0.0.1:53: read: connection refused"},
      {"TCP connect refused names no local address", Network(NetOp::kDial, true, ECONNREFUSED),
       "dial tcp 127.0.0.1:53: connect: connection refused"},
      {"TCP connect timed out", Network(NetOp::kDial, true, pipeline::kFailureTimeout),
       "dial tcp 127.0.0.1:53: i/o timeout"},
      {"TCP reset while reading", Network(NetOp::kRead, true, ECONNRESET),
       "read tcp 127.0.0.1:41234->127.0.0.1:53: read: connection reset by peer"},
      {"TCP peer closed: Go's bare io.EOF", Network(NetOp::kRead, true, pipeline::kFailureEof), "EOF"},
      {"UDP send failed", Network(NetOp::kWrite, false, ENETUNREACH),
       "write udp 127.0.0.1:41234->127.0.0.1:53: write: network is unreachable"},
      {"no UDP socket could be opened", Network(NetOp::kDial, false, EMFILE),
       "dial udp 127.0.0.1:53: connect: too many open files"},
      {"IPv6 in brackets", Network(NetOp::kRead, false, pipeline::kFailureTimeout, "::1", 5000, "::1", 5353),
       "read udp [::1]:5000->[::1]:5353: i/o timeout"},
      {"no upstream tried", FailureNote{.kind = FailureKind::kNoHealthy}, "no healthy proxies"},
      {"max_concurrent", limit, "concurrent queries exceeded maximum 100"},
      {"nothing noted: the rcode", none, "SERVFAIL"},
  };
  for (const Case& c : cases) EXPECT_EQ(Text(c.note), c.text) << c.what;
}

}  // namespace
}  // namespace dnsd::plugins::errors
