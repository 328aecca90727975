#include "dnsd/plugins/errors/consolidator.hpp"

#include <cstdio>

namespace dnsd::plugins::errors {
namespace {

// Go's fmtFrac + fmtInt for a value with `precision` fractional digits, trailing zeros dropped.
std::string WithFraction(std::uint64_t value, int precision) {
  std::uint64_t scale = 1;
  for (int i = 0; i < precision; ++i) scale *= 10;
  std::string text = std::to_string(value / scale);
  std::uint64_t fraction = value % scale;
  if (fraction == 0) return text;
  std::string digits = std::to_string(fraction);
  digits.insert(0, static_cast<std::size_t>(precision) - digits.size(), '0');
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return text + "." + digits;
}

std::string_view LevelPrefix(Level level) {
  switch (level) {
    case Level::kWarning: return "[WARNING] plugin/errors: ";
    case Level::kInfo: return "[INFO] plugin/errors: ";
    case Level::kDebug: return "[DEBUG] plugin/errors: ";
    case Level::kError: break;
  }
  return kErrorPrefix;
}

}  // namespace

std::string FormatGoDuration(std::chrono::nanoseconds duration) {
  std::int64_t ns = duration.count();
  std::string sign = ns < 0 ? "-" : "";
  std::uint64_t u = ns < 0 ? static_cast<std::uint64_t>(-ns) : static_cast<std::uint64_t>(ns);
  if (u == 0) return "0s";
  if (u < 1000) return sign + std::to_string(u) + "ns";
  if (u < 1000'000) return sign + WithFraction(u, 3) + "µs";
  if (u < 1000'000'000) return sign + WithFraction(u, 6) + "ms";
  const std::uint64_t seconds_ns = u % 60'000'000'000ULL;
  const std::uint64_t minutes = u / 60'000'000'000ULL;
  std::string text = WithFraction(seconds_ns, 9) + "s";
  if (minutes == 0) return sign + text;
  text = std::to_string(minutes % 60) + "m" + text;
  if (minutes >= 60) text = std::to_string(minutes / 60) + "h" + text;
  return sign + text;
}

Consolidator::Consolidator(const std::vector<PatternSpec>& specs) {
  for (const PatternSpec& spec : specs) {
    Pattern pattern;
    pattern.spec = spec;
    pattern.regexp = std::make_unique<RE2>(spec.regexp, RE2::Quiet);
    patterns_.push_back(std::move(pattern));
  }
}

bool Consolidator::Filter(std::string_view record, std::int64_t now_nanos) {
  std::string_view reason = record;
  if (reason.starts_with(kErrorPrefix)) reason.remove_prefix(kErrorPrefix.size());
  if (std::size_t colon = reason.find(": "); colon != std::string_view::npos) {
    reason.remove_prefix(colon + 2);
  }
  if (reason.ends_with('\n')) reason.remove_suffix(1);
  for (Pattern& pattern : patterns_) {
    if (!RE2::PartialMatch(reason, *pattern.regexp)) continue;
    if (pattern.count++ == 0) pattern.first = now_nanos;
    return true;
  }
  return false;
}

void Consolidator::Tick(std::int64_t now_nanos, std::string& out) {
  for (Pattern& pattern : patterns_) {
    if (pattern.count > 0 && now_nanos - pattern.first >= pattern.spec.period.count()) {
      Report(pattern, out);
    }
  }
}

void Consolidator::Report(Pattern& pattern, std::string& out) {
  // dnsd has no `debug` plugin: like CoreDNS without it, debug lines are not printed.
  if (pattern.spec.level != Level::kDebug) {
    out += LevelPrefix(pattern.spec.level);
    out += std::to_string(pattern.count) + " errors like '" + pattern.spec.regexp +
           "' occurred in last " + FormatGoDuration(pattern.spec.period) + "\n";
  }
  pattern.count = 0;
}

}  // namespace dnsd::plugins::errors
