#include "regex_literal.hpp"

#include <cctype>
#include <optional>

namespace dnsd::rules::detail {
namespace {

// Index just past the character class starting at `i` ('['), or nullopt if unterminated.
std::optional<std::size_t> SkipClass(std::string_view p, std::size_t i) {
  ++i;
  if (i < p.size() && p[i] == '^') ++i;
  if (i < p.size() && p[i] == ']') ++i;
  while (i < p.size() && p[i] != ']') {
    if (p[i] == '\\') {
      i += 2;
    } else if (p[i] == '[' && i + 1 < p.size() && p[i + 1] == ':') {
      std::size_t end = p.find(":]", i + 2);
      if (end == std::string_view::npos) return std::nullopt;
      i = end + 2;
    } else {
      ++i;
    }
  }
  if (i >= p.size()) return std::nullopt;
  return i + 1;
}

// Index just past a repeat "{n}", "{n,}", "{n,m}" starting at `i`, or nullopt if it is not one.
std::optional<std::size_t> SkipRepeat(std::string_view p, std::size_t i) {
  std::size_t j = i + 1;
  std::size_t digits = 0;
  while (j < p.size() && std::isdigit(static_cast<unsigned char>(p[j]))) ++j, ++digits;
  if (digits == 0) return std::nullopt;
  if (j < p.size() && p[j] == ',') {
    ++j;
    while (j < p.size() && std::isdigit(static_cast<unsigned char>(p[j]))) ++j;
  }
  if (j >= p.size() || p[j] != '}') return std::nullopt;
  return j + 1;
}

bool IsZeroWidthOrClassEscape(char c) {
  return std::string_view("dDwWsSbBAz").find(c) != std::string_view::npos;
}

}  // namespace

std::string RequiredLiteral(std::string_view p) {
  std::string best, run;
  auto flush = [&] {
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  int depth = 0;
  bool last_literal = false;  // the previous top-level atom was appended to `run`
  for (std::size_t i = 0; i < p.size();) {
    char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size()) return "";
      char d = p[i + 1];
      if (std::isalnum(static_cast<unsigned char>(d))) {
        if (!IsZeroWidthOrClassEscape(d)) return "";  // \x41, \pL, \Q..\E, \1: not analysed
        if (depth == 0) flush();
        last_literal = false;
      } else if (depth == 0 && static_cast<unsigned char>(d) < 0x80) {
        run.push_back(d);
        last_literal = true;
      }
      i += 2;
      continue;
    }
    if (c == '[') {
      auto end = SkipClass(p, i);
      if (!end) return "";
      if (depth == 0) flush();
      last_literal = false;
      i = *end;
      continue;
    }
    if (c == '(') {
      if (i + 1 < p.size() && p[i + 1] == '?') return "";  // flags or named groups
      if (depth == 0) flush();
      ++depth;
      last_literal = false;
      ++i;
      continue;
    }
    if (c == ')') {
      if (depth == 0) return "";
      --depth;
      last_literal = false;
      ++i;
      continue;
    }
    if (depth > 0) {
      ++i;
      continue;
    }
    if (c == '|') return "";
    if (c == '*' || c == '+' || c == '?' || c == '{') {
      if (last_literal) run.pop_back();  // the quantified character may be absent
      flush();
      last_literal = false;
      if (c == '{') {
        auto end = SkipRepeat(p, i);
        if (!end) return "";
        i = *end;
      } else {
        ++i;
      }
      continue;
    }
    if (c == '.' || c == '^' || c == '$' || static_cast<unsigned char>(c) >= 0x80) {
      flush();
      last_literal = false;
      ++i;
      continue;
    }
    run.push_back(c);
    last_literal = true;
    ++i;
  }
  if (depth != 0) return "";
  flush();
  return best;
}

}  // namespace dnsd::rules::detail
