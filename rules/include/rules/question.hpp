// The question as rules see it, and what applying rules to it decided. Fixed-size, no heap, so
// evaluating rules on the hot path never allocates.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dnsd::rules {

// Presentation form, lower case, fully qualified ("foo.bar.marathon.mesos."); escapes as ldns prints
// them (\. \\ \DDD), so a 255-octet wire name fits in 4 * 255 characters.
class QuestionName {
 public:
  static constexpr std::size_t kCapacity = 1024;
  std::string_view view() const { return {text_.data(), length_}; }
  // False when `text` does not fit.
  bool Assign(std::string_view text);
  std::size_t size() const { return length_; }

 private:
  std::array<char, kCapacity> text_{};
  std::size_t length_ = 0;
};

struct Question {
  QuestionName name;
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 0;
};

inline constexpr std::size_t kMaxAppliedRules = 32;  // a longer `continue` chain is an error

struct Outcome {
  enum class Status : std::uint8_t {
    kNoMatch,     // no rule applied; question unchanged
    kRewritten,   // at least one rule applied; `question` is the result
    kBadName,     // a rewrite produced a name that is not a legal domain name (-> SERVFAIL)
    kTooManyRules, // more than kMaxAppliedRules applied in one chain (-> SERVFAIL)
    kLocal         // the last applied rule is a LocalRule: answer locally (BuildLocalResponse)
  };
  Status status = Status::kNoMatch;
  Question question;  // after all applied rules
  std::array<std::uint32_t, kMaxAppliedRules> applied{};  // rule indices, in application order
  std::size_t applied_count = 0;
};

}  // namespace dnsd::rules
