#include "dnsd/plugins/log/text.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>
#include <utility>

#include "dnsd/wire/rr_types.hpp"

namespace dnsd::plugins::log {
namespace {

struct Named {
  std::uint16_t value;
  std::string_view name;
};

constexpr std::array kClasses = {Named{1, "IN"}, Named{2, "CS"}, Named{3, "CH"}, Named{4, "HS"},
                                 Named{254, "NONE"}, Named{255, "ANY"}};
constexpr std::array kRcodes = {
    Named{0, "NOERROR"}, Named{1, "FORMERR"}, Named{2, "SERVFAIL"}, Named{3, "NXDOMAIN"},
    Named{4, "NOTIMP"}, Named{5, "REFUSED"}, Named{6, "YXDOMAIN"}, Named{7, "YXRRSET"},
    Named{8, "NXRRSET"}, Named{9, "NOTAUTH"}, Named{10, "NOTZONE"}, Named{16, "BADSIG"},
    Named{17, "BADKEY"}, Named{18, "BADTIME"}, Named{19, "BADMODE"}, Named{20, "BADNAME"},
    Named{21, "BADALG"}, Named{22, "BADTRUNC"}, Named{23, "BADCOOKIE"}};
constexpr std::array kOpcodes = {Named{0, "QUERY"}, Named{1, "IQUERY"}, Named{2, "STATUS"},
                                 Named{4, "NOTIFY"}, Named{5, "UPDATE"}};

template <std::size_t N>
bool AppendNamed(LineWriter& out, const std::array<Named, N>& table, unsigned value) {
  for (const Named& entry : table) {
    if (entry.value == value) {
      out.Append(entry.name);
      return true;
    }
  }
  return false;
}

// miekg/dns escapes these with a backslash in presentation form.
bool Special(std::uint8_t c) {
  switch (c) {
    case '.': case ' ': case '\'': case '@': case ';': case '(': case ')': case '"': case '\\':
      return true;
    default:
      return false;
  }
}

}  // namespace

void LineWriter::Append(std::string_view text) {
  const std::size_t n = std::min(text.size(), static_cast<std::size_t>(end_ - at_));
  std::memcpy(at_, text.data(), n);
  at_ += n;
}

void LineWriter::Number(std::uint64_t value) {
  char digits[24];
  auto [ptr, ec] = std::to_chars(digits, digits + sizeof digits, value);
  Append(std::string_view(digits, static_cast<std::size_t>(ptr - digits)));
}

void LineWriter::Seconds(std::int64_t nanos) {
  char digits[64];
  const double seconds = static_cast<double>(nanos) / 1e9;
  auto [ptr, ec] = std::to_chars(digits, digits + sizeof digits, seconds, std::chars_format::fixed);
  Append(std::string_view(digits, static_cast<std::size_t>(ptr - digits)));
  Append('s');
}

void LineWriter::Address(const boost::asio::ip::address& address) {
  char text[INET6_ADDRSTRLEN];
  if (address.is_v4()) {  // by hand: inet_ntop goes through sprintf
    const auto bytes = address.to_v4().to_bytes();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      if (i > 0) Append('.');
      Number(bytes[i]);
    }
    return;
  }
  const auto bytes = address.to_v6().to_bytes();
  ::inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
  Append('[');
  Append(std::string_view(text));
  Append(']');
}

void LineWriter::Name(std::span<const std::uint8_t> wire) {
  std::size_t at = 0;
  if (wire.size() <= 1) return Append('.');
  while (at < wire.size() && wire[at] != 0) {
    const std::size_t length = wire[at++];
    for (std::size_t i = 0; i < length && at < wire.size(); ++i, ++at) {
      std::uint8_t c = wire[at];
      if (c >= 'A' && c <= 'Z') c = static_cast<std::uint8_t>(c - 'A' + 'a');
      if (Special(c)) {
        Append('\\');
        Append(static_cast<char>(c));
      } else if (c < 0x20 || c > 0x7e) {
        Append('\\');
        Append(static_cast<char>('0' + c / 100));
        Append(static_cast<char>('0' + c / 10 % 10));
        Append(static_cast<char>('0' + c % 10));
      } else {
        Append(static_cast<char>(c));
      }
    }
    Append('.');
  }
}

void AppendType(LineWriter& out, std::uint16_t type) {
  if (const std::string_view mnemonic = wire::TypeMnemonic(type); !mnemonic.empty()) {
    out.Append(mnemonic);
    return;
  }
  out.Append("TYPE");
  out.Number(type);
}

void AppendClass(LineWriter& out, std::uint16_t klass) {
  if (AppendNamed(out, kClasses, klass)) return;
  out.Append("CLASS");
  out.Number(klass);
}

void AppendRcode(LineWriter& out, unsigned rcode) {
  if (!AppendNamed(out, kRcodes, rcode)) out.Number(rcode);
}

void AppendOpcode(LineWriter& out, unsigned opcode) {
  if (!AppendNamed(out, kOpcodes, opcode)) out.Number(opcode);
}

void AppendFlags(LineWriter& out, std::uint16_t flags) {
  constexpr std::array<std::pair<std::uint16_t, std::string_view>, 8> kFlags = {{
      {0x8000, "qr"}, {0x0400, "aa"}, {0x0200, "tc"}, {0x0100, "rd"},
      {0x0080, "ra"}, {0x0040, "z"},  {0x0020, "ad"}, {0x0010, "cd"},
  }};
  bool first = true;
  for (const auto& [bit, name] : kFlags) {
    if (!(flags & bit)) continue;
    if (!first) out.Append(',');
    out.Append(name);
    first = false;
  }
}

}  // namespace dnsd::plugins::log
