#include "dnsd/plugins/log/text.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>
#include <utility>

namespace dnsd::plugins::log {
namespace {

struct Named {
  std::uint16_t value;
  std::string_view name;
};

constexpr std::array kTypes = {
    Named{1, "A"}, Named{2, "NS"}, Named{3, "MD"}, Named{4, "MF"}, Named{5, "CNAME"}, Named{6, "SOA"},
    Named{7, "MB"}, Named{8, "MG"}, Named{9, "MR"}, Named{10, "NULL"}, Named{12, "PTR"},
    Named{13, "HINFO"}, Named{14, "MINFO"}, Named{15, "MX"}, Named{16, "TXT"}, Named{17, "RP"},
    Named{18, "AFSDB"}, Named{19, "X25"}, Named{20, "ISDN"}, Named{21, "RT"}, Named{23, "NSAPPTR"},
    Named{24, "SIG"}, Named{25, "KEY"}, Named{26, "PX"}, Named{27, "GPOS"}, Named{28, "AAAA"},
    Named{29, "LOC"}, Named{30, "NXT"}, Named{31, "EID"}, Named{32, "NIMLOC"}, Named{33, "SRV"},
    Named{34, "ATMA"}, Named{35, "NAPTR"}, Named{36, "KX"}, Named{37, "CERT"}, Named{39, "DNAME"},
    Named{41, "OPT"}, Named{42, "APL"}, Named{43, "DS"}, Named{44, "SSHFP"}, Named{45, "IPSECKEY"},
    Named{46, "RRSIG"}, Named{47, "NSEC"}, Named{48, "DNSKEY"}, Named{49, "DHCID"}, Named{50, "NSEC3"},
    Named{51, "NSEC3PARAM"}, Named{52, "TLSA"}, Named{53, "SMIMEA"}, Named{55, "HIP"},
    Named{56, "NINFO"}, Named{57, "RKEY"}, Named{58, "TALINK"}, Named{59, "CDS"},
    Named{60, "CDNSKEY"}, Named{61, "OPENPGPKEY"}, Named{62, "CSYNC"}, Named{63, "ZONEMD"},
    Named{64, "SVCB"}, Named{65, "HTTPS"}, Named{99, "SPF"}, Named{100, "UINFO"}, Named{101, "UID"},
    Named{102, "GID"}, Named{103, "UNSPEC"}, Named{104, "NID"}, Named{105, "L32"}, Named{106, "L64"},
    Named{107, "LP"}, Named{108, "EUI48"}, Named{109, "EUI64"}, Named{249, "TKEY"},
    Named{250, "TSIG"}, Named{251, "IXFR"}, Named{252, "AXFR"}, Named{253, "MAILB"},
    Named{254, "MAILA"}, Named{255, "ANY"}, Named{256, "URI"}, Named{257, "CAA"}, Named{258, "AVC"},
    Named{260, "AMTRELAY"}, Named{32768, "TA"}, Named{32769, "DLV"},
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
  if (AppendNamed(out, kTypes, type)) return;
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
