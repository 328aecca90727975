#include "literal_index.hpp"

#include <algorithm>
#include <map>

namespace dnsd::rules::detail {

void LiteralIndex::Add(std::string_view literal, std::uint32_t rule) {
  literals_.emplace_back(std::string(literal), rule);
}

void LiteralIndex::Finish() {
  if (literals_.size() <= kScanLimit) return;
  automaton_ = true;
  // The trie of all literals, then fail links breadth first.
  std::vector<std::map<unsigned char, std::uint32_t>> edges(1);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> state_rules;  // (state, rule)
  for (const auto& [literal, rule] : literals_) {
    std::uint32_t state = 0;
    for (char ch : literal) {
      auto c = static_cast<unsigned char>(ch);
      auto it = edges[state].find(c);
      if (it == edges[state].end()) {
        auto fresh = static_cast<std::uint32_t>(edges.size());
        edges[state].emplace(c, fresh);
        edges.emplace_back();
        state = fresh;
      } else {
        state = it->second;
      }
    }
    state_rules.emplace_back(state, rule);
  }
  states_.assign(edges.size(), State{});
  for (std::size_t s = 0; s < edges.size(); ++s) {
    states_[s].edges_begin = static_cast<std::uint32_t>(edge_chars_.size());
    states_[s].edges_count = static_cast<std::uint32_t>(edges[s].size());
    for (const auto& [c, target] : edges[s]) {
      edge_chars_.push_back(c);
      edge_targets_.push_back(target);
    }
  }
  std::stable_sort(state_rules.begin(), state_rules.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < state_rules.size();) {
    State& state = states_[state_rules[i].first];
    state.rules_begin = static_cast<std::uint32_t>(rules_.size());
    std::size_t j = i;
    for (; j < state_rules.size() && state_rules[j].first == state_rules[i].first; ++j) {
      rules_.push_back(state_rules[j].second);
    }
    state.rules_count = static_cast<std::uint32_t>(j - i);
    i = j;
  }
  std::vector<std::uint32_t> queue;
  for (const auto& [c, child] : edges[0]) queue.push_back(child);  // depth 1: fail to the root
  for (std::size_t head = 0; head < queue.size(); ++head) {
    std::uint32_t s = queue[head];
    for (const auto& [c, child] : edges[s]) {
      std::uint32_t fail = states_[s].fail;
      states_[child].fail = Step(fail, c);
      std::uint32_t f = states_[child].fail;
      states_[child].output_link = states_[f].rules_count > 0 ? f : states_[f].output_link;
      queue.push_back(child);
    }
  }
  literals_.clear();
  literals_.shrink_to_fit();
}

std::uint32_t LiteralIndex::Step(std::uint32_t state, unsigned char c) const {
  for (;;) {
    const State& s = states_[state];
    const unsigned char* begin = edge_chars_.data() + s.edges_begin;
    const unsigned char* end = begin + s.edges_count;
    const unsigned char* it = std::lower_bound(begin, end, c);
    if (it != end && *it == c) return edge_targets_[s.edges_begin + static_cast<std::uint32_t>(it - begin)];
    if (state == 0) return 0;
    state = s.fail;
  }
}

std::uint32_t LiteralIndex::LowestOf(const State& state, std::uint32_t from, std::uint32_t best) const {
  const std::uint32_t* begin = rules_.data() + state.rules_begin;
  const std::uint32_t* end = begin + state.rules_count;
  const std::uint32_t* it = std::lower_bound(begin, end, from);
  return it != end && *it < best ? *it : best;
}

std::uint32_t LiteralIndex::Lowest(std::string_view text, std::uint32_t from, std::uint32_t best) const {
  if (!automaton_) {
    for (const auto& [literal, rule] : literals_) {
      if (rule >= best) break;
      if (rule >= from && text.find(literal) != std::string_view::npos) return rule;
    }
    return best;
  }
  if (states_[0].rules_count > 0) best = LowestOf(states_[0], from, best);  // the empty literal
  std::uint32_t state = 0;
  for (char ch : text) {
    state = Step(state, static_cast<unsigned char>(ch));
    for (std::uint32_t o = states_[state].rules_count > 0 ? state : states_[state].output_link; o != kNone;
         o = states_[o].output_link) {
      best = LowestOf(states_[o], from, best);
    }
  }
  return best;
}

std::size_t LiteralIndex::Collect(std::string_view text, std::span<std::uint32_t> out) const {
  std::size_t n = 0;
  auto add = [&](std::uint32_t rule) {
    if (n < out.size()) out[n] = rule;
    ++n;
  };
  if (!automaton_) {
    for (const auto& [literal, rule] : literals_) {
      if (text.find(literal) != std::string_view::npos) add(rule);
    }
    return n > out.size() ? out.size() + 1 : n;  // literals_ is in rule order: already sorted
  }
  auto add_state = [&](const State& s) {
    for (std::uint32_t i = 0; i < s.rules_count; ++i) add(rules_[s.rules_begin + i]);
  };
  add_state(states_[0]);
  std::uint32_t state = 0;
  for (char ch : text) {
    state = Step(state, static_cast<unsigned char>(ch));
    for (std::uint32_t o = states_[state].rules_count > 0 ? state : states_[state].output_link; o != kNone;
         o = states_[o].output_link) {
      add_state(states_[o]);
    }
    if (n > out.size()) return out.size() + 1;
  }
  std::sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
  return static_cast<std::size_t>(std::unique(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n)) -
                                  out.begin());
}

std::size_t LiteralIndex::MemoryBytes() const {
  std::size_t bytes = states_.capacity() * sizeof(State) + edge_chars_.capacity() +
                      edge_targets_.capacity() * sizeof(std::uint32_t) + rules_.capacity() * sizeof(std::uint32_t);
  for (const auto& literal : literals_) bytes += sizeof literal + literal.first.capacity();
  return bytes;
}

}  // namespace dnsd::rules::detail
