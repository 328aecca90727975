// Which rules' literal strings occur in a name: substring rules (the literal is the pattern) and
// the prefilter of regex rules (the literal every match contains). A handful of literals are
// checked one by one; more are compiled into an Aho-Corasick automaton, so one pass over the name
// finds them all whatever their number.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dnsd::rules::detail {

class LiteralIndex {
 public:
  // Building: literals in ascending rule order.
  void Add(std::string_view literal, std::uint32_t rule);
  void Finish();

  // Lowest rule >= from and < best whose literal occurs in `text`; `best` when none.
  std::uint32_t Lowest(std::string_view text, std::uint32_t from, std::uint32_t best) const;
  // Every rule whose literal occurs in `text`, ascending and distinct, into `out`, in one pass.
  // Returns the count, or out.size() + 1 when they do not all fit (then use Lowest).
  std::size_t Collect(std::string_view text, std::span<std::uint32_t> out) const;
  std::size_t MemoryBytes() const;

 private:
  static constexpr std::size_t kScanLimit = 8;  // up to this many literals: plain search
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct State {
    std::uint32_t fail = 0;
    std::uint32_t output_link = kNone;  // nearest state on the fail chain with rules
    std::uint32_t edges_begin = 0, edges_count = 0;
    std::uint32_t rules_begin = 0, rules_count = 0;
  };
  std::uint32_t Step(std::uint32_t state, unsigned char c) const;
  std::uint32_t LowestOf(const State& state, std::uint32_t from, std::uint32_t best) const;

  std::vector<std::pair<std::string, std::uint32_t>> literals_;  // (literal, rule), rule order
  bool automaton_ = false;
  std::vector<State> states_;
  std::vector<unsigned char> edge_chars_;  // per state, sorted
  std::vector<std::uint32_t> edge_targets_;
  std::vector<std::uint32_t> rules_;
};

}  // namespace dnsd::rules::detail
