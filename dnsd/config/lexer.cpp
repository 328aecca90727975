// The Corefile lexer: whitespace-separated tokens, # comments at token start, "quoted" tokens
// (only \" is an escape, as in Caddy v1), `raw` tokens, positions in characters.
#include "dnsd/config/lexer.hpp"

#include <cstdlib>

namespace dnsd::config::detail {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Walks the text keeping line and column (in characters: UTF-8 continuation bytes do not count).
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool AtEnd() const { return i_ >= text_.size(); }
  char Peek(std::size_t ahead = 0) const {
    return i_ + ahead < text_.size() ? text_[i_ + ahead] : '\0';
  }
  bool HasAhead(std::size_t ahead) const { return i_ + ahead < text_.size(); }
  char Take() {
    char c = text_[i_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column_;
    }
    return c;
  }
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  std::string_view text_;
  std::size_t i_ = 0;
  int line_ = 1;
  int column_ = 1;
};

// Reads a "quoted" or `raw` token whose opening delimiter is at the cursor. Returns false at EOF.
bool ReadDelimited(Cursor& in, std::string& out) {
  const char delim = in.Take();
  while (!in.AtEnd()) {
    char c = in.Peek();
    if (delim == '"' && c == '\\' && in.HasAhead(1)) {
      in.Take();
      char next = in.Take();
      if (next != '"') out.push_back('\\');  // only \" is an escape; "\\" keeps both
      out.push_back(next);
      continue;
    }
    in.Take();
    if (c == delim) return true;
    out.push_back(c);
  }
  return false;
}

}  // namespace

std::string ExpandEnv(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{' && i + 1 < text.size() && (text[i + 1] == '$' || text[i + 1] == '%')) {
      const std::string_view close = text[i + 1] == '$' ? "}" : "%}";
      const std::size_t end = text.find(close, i + 2);
      if (end != std::string_view::npos && end > i + 2) {
        const std::string name(text.substr(i + 2, end - i - 2));
        if (const char* value = std::getenv(name.c_str())) out += value;
        i = end + close.size();
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

Lexed Lex(std::string_view text, const std::string& file) {
  Lexed result;
  Cursor in(text);
  while (!in.AtEnd()) {
    const char c = in.Peek();
    if (IsSpace(c)) {
      in.Take();
      continue;
    }
    if (c == '#') {
      while (!in.AtEnd() && in.Peek() != '\n') in.Take();
      continue;
    }
    LexToken t;
    t.token.pos = Position{file, in.line(), in.column()};
    std::string raw;
    if (c == '"' || c == '`') {
      t.token.quoted = true;
      if (!ReadDelimited(in, raw)) {
        const char* what = c == '"' ? "quoted string (want a closing \" before end of file)"
                                    : "raw string (want a closing ` before end of file)";
        result.error = ConfigError{t.token.pos, std::string("unterminated ") + what};
        return result;
      }
    } else {
      while (!in.AtEnd() && !IsSpace(in.Peek())) raw.push_back(in.Take());
      t.brace = raw == "{" || raw == "}";
    }
    t.end_line = in.line();
    t.token.text = t.brace ? raw : ExpandEnv(raw);
    result.tokens.push_back(std::move(t));
  }
  return result;
}

}  // namespace dnsd::config::detail
