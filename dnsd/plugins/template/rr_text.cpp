#include "dnsd/plugins/template/rr_text.hpp"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>

#include "dnsd/plugins/template/names.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::tmpl {
namespace {

constexpr std::uint32_t kDefaultTtl = 3600;  // miekg/dns's default when the line has none

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
// Zone-file parentheses only group fields across lines: between fields they count as space.
bool IsSeparator(char c) { return IsSpace(c) || c == '(' || c == ')'; }

// Whitespace-separated fields; a "quoted string" is one field (quotes kept), ';' starts a comment.
class Fields {
 public:
  explicit Fields(std::string_view text) : text_(text) {}
  bool Next(std::string_view& field) {
    while (pos_ < text_.size() && IsSeparator(text_[pos_])) ++pos_;
    if (pos_ >= text_.size() || text_[pos_] == ';') return false;
    const std::size_t start = pos_;
    if (text_[pos_] == '"') {
      for (++pos_; pos_ < text_.size() && text_[pos_] != '"'; ++pos_) {
        if (text_[pos_] == '\\') ++pos_;
      }
      if (pos_ >= text_.size()) return false;  // unterminated
      ++pos_;
    } else {
      while (pos_ < text_.size() && !IsSeparator(text_[pos_])) ++pos_;
    }
    field = text_.substr(start, pos_ - start);
    return true;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

template <typename T>
bool Number(std::string_view s, T& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool ParseName(std::string_view text, wire::Name& out) {
  if (text == "@") text = ".";  // the origin: miekg/dns NewRR's is the root
  return wire::Name::FromString(text, out) == wire::WireError::kOk;
}

bool AppendName(std::string_view text, wire::AnswerBuilder& out) {
  wire::Name name;
  if (!ParseName(text, name)) return false;
  out.Append(name.Wire());
  return true;
}

template <typename T>
bool AppendNumber(std::string_view text, wire::AnswerBuilder& out) {
  T value = 0;
  if (!Number(text, value)) return false;
  if constexpr (sizeof(T) == 2) out.Append16(value);
  else out.Append32(value);
  return true;
}

// One <character-string>: a "quoted" field with \X and \DDD escapes, or a bare word.
bool AppendCharacterString(std::string_view field, wire::AnswerBuilder& out) {
  if (field.size() >= 2 && field.front() == '"') field = field.substr(1, field.size() - 2);
  std::array<std::uint8_t, 255> bytes;
  std::size_t n = 0;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (n == bytes.size()) return false;
    unsigned char c = static_cast<unsigned char>(field[i]);
    if (c == '\\') {
      if (i + 1 >= field.size()) return false;
      if (std::isdigit(static_cast<unsigned char>(field[i + 1]))) {
        unsigned value = 0;
        if (i + 3 >= field.size() || !Number(field.substr(i + 1, 3), value) || value > 255) return false;
        bytes[n++] = static_cast<std::uint8_t>(value);
        i += 3;
        continue;
      }
      c = static_cast<unsigned char>(field[++i]);
    }
    bytes[n++] = c;
  }
  out.Append8(static_cast<std::uint8_t>(n));
  out.Append({bytes.data(), n});
  return true;
}

bool AppendAddress(int family, std::string_view text, wire::AnswerBuilder& out) {
  std::array<char, 64> zero_terminated{};
  if (text.size() >= zero_terminated.size()) return false;
  std::copy(text.begin(), text.end(), zero_terminated.begin());
  std::array<std::uint8_t, 16> bytes;
  if (inet_pton(family, zero_terminated.data(), bytes.data()) != 1) return false;
  out.Append({bytes.data(), family == AF_INET ? 4u : 16u});
  return true;
}

bool AppendRdata(std::uint16_t type, Fields& fields, wire::AnswerBuilder& out) {
  std::string_view f[7];
  const auto take = [&](int count) {
    for (int i = 0; i < count; ++i) {
      if (!fields.Next(f[i])) return false;
    }
    return true;
  };
  bool ok = false;
  switch (type) {
    case wire::type::kA: ok = take(1) && AppendAddress(AF_INET, f[0], out); break;
    case wire::type::kAAAA: ok = take(1) && AppendAddress(AF_INET6, f[0], out); break;
    case wire::type::kCNAME: case wire::type::kNS: case wire::type::kPTR: case wire::type::kDNAME:
      ok = take(1) && AppendName(f[0], out);
      break;
    case wire::type::kMX: ok = take(2) && AppendNumber<std::uint16_t>(f[0], out) && AppendName(f[1], out); break;
    case wire::type::kSRV:
      ok = take(4) && AppendNumber<std::uint16_t>(f[0], out) && AppendNumber<std::uint16_t>(f[1], out) &&
           AppendNumber<std::uint16_t>(f[2], out) && AppendName(f[3], out);
      break;
    case wire::type::kSOA:
      ok = take(7) && AppendName(f[0], out) && AppendName(f[1], out);
      for (int i = 2; ok && i < 7; ++i) ok = AppendNumber<std::uint32_t>(f[i], out);
      break;
    case wire::type::kTXT: {
      std::string_view field;
      ok = true;
      int strings = 0;
      while (ok && fields.Next(field)) {
        ok = AppendCharacterString(field, out);
        ++strings;
      }
      if (strings == 0) ok = AppendCharacterString("", out);  // miekg/dns: TXT "" for no data
      return ok;
    }
    default: return false;
  }
  std::string_view extra;
  return ok && !fields.Next(extra);
}

}  // namespace

std::uint16_t SupportedRrType(std::string_view name) {
  switch (const std::uint16_t type = TypeNumber(name)) {
    case wire::type::kA: case wire::type::kAAAA: case wire::type::kCNAME: case wire::type::kNS:
    case wire::type::kPTR: case wire::type::kMX: case wire::type::kSRV: case wire::type::kTXT:
    case wire::type::kSOA: case wire::type::kDNAME:
      return type;
    default: return 0;
  }
}

std::string_view TypeField(std::string_view text) {
  Fields fields(text);
  std::string_view field;
  if (!fields.Next(field)) return {};
  for (int i = 0; i < 3 && fields.Next(field); ++i) {
    std::uint32_t number = 0;
    if (!Number(field, number) && ClassNumber(field) == 0) return field;
  }
  return {};
}

bool WriteRecord(std::string_view text, wire::Section section, wire::AnswerBuilder& out) {
  Fields fields(text);
  std::string_view owner_text, field;
  wire::Name owner;
  if (!fields.Next(owner_text) || !ParseName(owner_text, owner)) return false;
  std::uint32_t ttl = kDefaultTtl;
  std::uint16_t klass = wire::klass::kIN;
  bool have_ttl = false, have_class = false;
  std::uint16_t type = 0;
  while (fields.Next(field)) {
    std::uint32_t number = 0;
    if (!have_ttl && Number(field, number)) {
      ttl = number;
      have_ttl = true;
    } else if (const std::uint16_t c = ClassNumber(field); !have_class && c != 0) {
      klass = c;
      have_class = true;
    } else {
      type = SupportedRrType(field);
      break;
    }
  }
  if (type == 0) return false;
  out.BeginRecord(section, owner.Wire(), type, klass, ttl);
  if (!AppendRdata(type, fields, out)) return false;
  out.EndRecord();
  return !out.failed();
}

}  // namespace dnsd::plugins::tmpl
