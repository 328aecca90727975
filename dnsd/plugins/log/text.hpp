// Presentation text of DNS values as CoreDNS (miekg/dns) prints them, written into a caller's
// buffer without allocating: the worker formats log lines with these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <boost/asio/ip/address.hpp>

namespace dnsd::plugins::log {

// Appends into a fixed buffer; text past its end is cut (the line stays well formed up to there).
class LineWriter {
 public:
  explicit LineWriter(std::span<char> buffer) : begin_(buffer.data()), at_(begin_), end_(begin_ + buffer.size()) {}
  void Append(std::string_view text);
  void Append(char c) {
    if (at_ < end_) *at_++ = c;
  }
  void Number(std::uint64_t value);
  void Seconds(std::int64_t nanos);  // Go's FormatFloat(s, 'f', -1, 64) + "s"
  void Address(const boost::asio::ip::address& address);  // IPv6 in brackets (RFC 3986)
  void Name(std::span<const std::uint8_t> wire);           // lower case, trailing dot, escaped
  std::size_t size() const { return static_cast<std::size_t>(at_ - begin_); }
  std::string_view view() const { return {begin_, size()}; }

 private:
  char* begin_;
  char* at_;
  char* end_;
};

// "A", "AAAA", ..., "TYPE65280" as miekg/dns's Type.String().
void AppendType(LineWriter& out, std::uint16_t type);
void AppendClass(LineWriter& out, std::uint16_t klass);  // "IN", "CH", ..., "CLASS42"
void AppendRcode(LineWriter& out, unsigned rcode);       // "NOERROR", ..., "BADCOOKIE", else digits
void AppendOpcode(LineWriter& out, unsigned opcode);     // "QUERY", ..., else digits
void AppendFlags(LineWriter& out, std::uint16_t flags);  // "qr,aa,tc,rd,ra,z,ad,cd" subset

}  // namespace dnsd::plugins::log
