#include "dnsd/config/duration.hpp"

#include <array>
#include <cstdint>
#include <utility>

namespace dnsd::config {
namespace {

constexpr std::array<std::pair<std::string_view, std::int64_t>, 8> kUnits = {{
    {"ns", 1},
    {"us", 1'000},
    {"\xC2\xB5s", 1'000},  // U+00B5 micro sign
    {"\xCE\xBCs", 1'000},  // U+03BC Greek mu
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<std::chrono::nanoseconds> ParseGoDuration(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return std::chrono::nanoseconds(0);
  if (text.empty()) return std::nullopt;

  long double total = 0;
  while (!text.empty()) {
    long double value = 0;
    bool any_digit = false;
    while (!text.empty() && IsDigit(text[0])) {
      value = value * 10 + (text[0] - '0');
      any_digit = true;
      text.remove_prefix(1);
    }
    if (!text.empty() && text[0] == '.') {
      text.remove_prefix(1);
      long double scale = 0.1L;
      while (!text.empty() && IsDigit(text[0])) {
        value += (text[0] - '0') * scale;
        scale /= 10;
        any_digit = true;
        text.remove_prefix(1);
      }
    }
    if (!any_digit) return std::nullopt;
    std::size_t unit_length = 0;
    while (unit_length < text.size() && !IsDigit(text[unit_length]) && text[unit_length] != '.') {
      ++unit_length;
    }
    std::string_view unit = text.substr(0, unit_length);
    std::int64_t multiplier = 0;
    for (const auto& [name, factor] : kUnits) {
      if (name == unit) multiplier = factor;
    }
    if (multiplier == 0) return std::nullopt;
    text.remove_prefix(unit_length);
    total += value * static_cast<long double>(multiplier);
    if (total > 9.2e18L) return std::nullopt;
  }
  auto nanos = static_cast<std::int64_t>(total);
  return std::chrono::nanoseconds(negative ? -nanos : nanos);
}

}  // namespace dnsd::config
