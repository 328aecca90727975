// errors' `consolidate DURATION REGEXP [LEVEL]`: error messages matching a pattern are counted
// instead of printed, and once DURATION after the first one a single line reports how many there
// were. Runs on the logger thread (a LogSink RecordFilter), so RE2 never runs on a worker.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "dnsd/plugins/log/sink.hpp"

namespace dnsd::plugins::errors {

enum class Level : std::uint8_t { kError, kWarning, kInfo, kDebug };

struct PatternSpec {
  std::chrono::nanoseconds period{0};
  std::string regexp;
  Level level = Level::kError;
};

// Go's time.Duration.String(): "30s", "5m0s", "1h0m0s", "1.5s", "500ms".
std::string FormatGoDuration(std::chrono::nanoseconds duration);

// The text after "[ERROR] plugin/errors: " is "RCODE NAME TYPE: REASON"; patterns match REASON,
// as CoreDNS matches err.Error().
inline constexpr std::string_view kErrorPrefix = "[ERROR] plugin/errors: ";

class Consolidator final : public log::RecordFilter {
 public:
  explicit Consolidator(const std::vector<PatternSpec>& specs);

  bool Filter(std::string_view record, std::int64_t now_nanos) override;
  void Tick(std::int64_t now_nanos, std::string& out) override;

 private:
  struct Pattern {
    PatternSpec spec;
    std::unique_ptr<RE2> regexp;
    std::uint64_t count = 0;
    std::int64_t first = 0;  // when the first counted error came
  };
  void Report(Pattern& pattern, std::string& out);

  std::vector<Pattern> patterns_;
};

}  // namespace dnsd::plugins::errors
