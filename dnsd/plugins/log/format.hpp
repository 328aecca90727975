// A log format compiled once at setup (CoreDNS's replacer): literals and placeholders, expanded
// on the worker into a fixed buffer for one query and its response.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "dnsd/plugins/log/text.hpp"
#include "dnsd/wire/message.hpp"

namespace dnsd::plugins::log {

inline constexpr std::string_view kCommonLogFormat =
    R"({remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration})";
inline constexpr std::string_view kDefaultLogFormat = kCommonLogFormat;
inline constexpr std::string_view kCombinedLogFormat =
    R"({remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration} "{>opcode}")";
inline constexpr std::string_view kEmptyValue = "-";

// What one log line is made of. The response fields are meaningful only when `responded`.
struct LogEntry {
  const wire::MessageView* query = nullptr;
  std::size_t query_size = 0;
  bool tcp = false;
  std::uint16_t bufsize = 512;  // CoreDNS state.Size(): EDNS size (min 512), 65535 over TCP
  const boost::asio::ip::address* remote = nullptr;
  std::uint16_t remote_port = 0;
  const boost::asio::ip::address* local = nullptr;
  bool responded = false;
  std::uint16_t response_flags = 0;
  unsigned rcode = 0;  // with the EDNS extended bits
  std::size_t response_size = 0;
  std::int64_t duration_nanos = 0;
};

class LogFormat {
 public:
  // Never fails: unknown {labels} and an unclosed "{" are kept as text, as CoreDNS does.
  // "{common}" and "{combined}" must have been expanded by the caller (setup does).
  explicit LogFormat(std::string_view format);

  // Writes the expanded line (no newline) and returns its length.
  void Write(const LogEntry& entry, LineWriter& out) const;
  const std::string& text() const { return text_; }

 private:
  enum class Kind : std::uint8_t {
    kLiteral, kType, kName, kClass, kProto, kRemote, kPort, kLocal, kSize, kId, kOpcode, kDo,
    kBufsize, kRcode, kRsize, kDuration, kRflags, kMetadata,
  };
  struct Piece {
    Kind kind;
    std::string literal;
  };
  void WritePiece(const Piece& piece, const LogEntry& entry, LineWriter& out) const;

  std::string text_;
  std::vector<Piece> pieces_;
};

// Replaces every "{common}" and "{combined}" by the formats they stand for.
std::string ExpandFormatAliases(std::string_view format);

}  // namespace dnsd::plugins::log
