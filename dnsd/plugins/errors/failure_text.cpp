#include "dnsd/plugins/errors/failure_text.hpp"

#include <array>
#include <cctype>
#include <cstring>

namespace dnsd::plugins::errors {
namespace {

void AppendEndpoint(log::LineWriter& out, const boost::asio::ip::address& address, std::uint16_t port) {
  out.Address(address);
  out.Append(':');
  out.Number(port);
}

// Go's syscall.Errno.Error(): the C library's message with a lower-case first letter
// ("connection refused", "network is unreachable", "too many open files").
void AppendErrno(log::LineWriter& out, int code) {
  std::array<char, 128> buffer{};
  const char* text = strerror_r(code, buffer.data(), buffer.size());
  if (text == nullptr || *text == '\0') {
    out.Append("errno ");
    return out.Number(static_cast<unsigned>(code));
  }
  out.Append(static_cast<char>(std::tolower(static_cast<unsigned char>(*text))));
  out.Append(std::string_view(text + 1));
}

// The system call Go names after the OpError: "connect: ", "read: ", "write: ".
std::string_view SyscallOf(pipeline::NetOp op) {
  switch (op) {
    case pipeline::NetOp::kDial: return "connect: ";
    case pipeline::NetOp::kWrite: return "write: ";
    case pipeline::NetOp::kRead: break;
  }
  return "read: ";
}

std::string_view OpName(pipeline::NetOp op) {
  switch (op) {
    case pipeline::NetOp::kDial: return "dial ";
    case pipeline::NetOp::kWrite: return "write ";
    case pipeline::NetOp::kRead: break;
  }
  return "read ";
}

void AppendNetwork(log::LineWriter& out, const pipeline::FailureNote& note) {
  if (note.code == pipeline::kFailureEof) return out.Append("EOF");  // Go's bare io.EOF
  out.Append(OpName(note.op));
  out.Append(note.tcp ? "tcp " : "udp ");
  if (note.op != pipeline::NetOp::kDial && note.local_port != 0) {
    AppendEndpoint(out, note.local, note.local_port);
    out.Append("->");
  }
  AppendEndpoint(out, note.remote, note.remote_port);
  out.Append(": ");
  if (note.code == pipeline::kFailureTimeout) return out.Append("i/o timeout");
  out.Append(SyscallOf(note.op));
  AppendErrno(out, note.code);
}

}  // namespace

void AppendFailure(log::LineWriter& out, const pipeline::FailureNote& note) {
  switch (note.kind) {
    case pipeline::FailureKind::kNetwork: return AppendNetwork(out, note);
    case pipeline::FailureKind::kNoHealthy: return out.Append("no healthy proxies");
    case pipeline::FailureKind::kLimitExceeded:
      out.Append("concurrent queries exceeded maximum ");
      return out.Number(static_cast<unsigned>(note.code));
    case pipeline::FailureKind::kInFlightCap:
      return out.Append("too many queries in flight: the oldest gave way");
    case pipeline::FailureKind::kNone: break;
  }
  out.Append("SERVFAIL");
}

}  // namespace dnsd::plugins::errors
