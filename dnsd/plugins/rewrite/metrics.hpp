// dnsd's own rewrite metrics: dnsd_rewrite_rule_hits_total{server,zones,rule_set,rule}, one series
// per rule (`rule` is where it is written, "file:line:column"), and
// dnsd_rewrite_rule_set_hits_total{server,zones,rule_set}, queries that one or more of the set's
// rules rewrote. Each worker counts into arrays indexed by rule index (a RuleTable per server port
// and rule snapshot); a table left behind by a rules reload or a Corefile reload is retired: its
// counts are folded into totals keyed by the label values, so series continue across reloads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "dnsd/metrics/local_counter.hpp"
#include "rules/question.hpp"
#include "rules/rule_set.hpp"

namespace dnsd::plugins::rewrite {

// The label values of a compiled rule set's rules, made once per RuleSet and shared.
struct RuleLabels {
  std::vector<std::string> rule;            // by rule index: "file:line:column"
  std::vector<std::uint32_t> set_of_rule;   // by rule index: index into `sets`
  std::vector<std::string> sets;            // rule set names (the Corefile's or YAML file's path)
};

// One worker's counts for one rule snapshot on one server. Written by that worker only.
struct RuleTable {
  RuleTable(std::shared_ptr<const RuleLabels> l, std::string s, std::string z)
      : labels(std::move(l)), server(std::move(s)), zones(std::move(z)),
        rule_hits(new metrics::LocalCounter[labels->rule.size()]),
        set_hits(new metrics::LocalCounter[labels->sets.size()]) {}

  // The hot path: a few array increments per rewritten query.
  void Count(const rules::Outcome& outcome) {
    std::uint32_t counted_sets[rules::kMaxAppliedRules];
    std::size_t distinct = 0;
    for (std::size_t i = 0; i < outcome.applied_count; ++i) {
      const std::uint32_t rule = outcome.applied[i];
      if (rule >= labels->rule.size()) continue;
      rule_hits[rule].Add();
      const std::uint32_t set = labels->set_of_rule[rule];
      bool seen = false;
      for (std::size_t j = 0; j < distinct; ++j) seen = seen || counted_sets[j] == set;
      if (!seen) {
        counted_sets[distinct++] = set;
        set_hits[set].Add();
      }
    }
  }

  std::shared_ptr<const RuleLabels> labels;
  std::string server, zones;
  std::unique_ptr<metrics::LocalCounter[]> rule_hits, set_hits;
};

class RewriteMetrics final : public ::prometheus::Collectable {
 public:
  static RewriteMetrics& Get();

  std::shared_ptr<const RuleLabels> LabelsOf(const std::shared_ptr<const rules::RuleSet>& rules);
  RuleTable* Open(std::shared_ptr<const RuleLabels> labels, std::string server, std::string zones);
  // The worker will not write `table` again: its counts go to the totals and it is freed.
  void Retire(RuleTable* table);

  std::vector<::prometheus::MetricFamily> Collect() const override;

  struct Hits {
    std::uint64_t n = 0;
  };

 private:
  using Key = std::vector<std::string>;
  void AddTo(std::map<Key, Hits>& rules, std::map<Key, Hits>& sets, const RuleTable& t) const;

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<RuleTable>> live_;
  std::map<Key, Hits> retired_rules_, retired_sets_;  // {server, zones, set, rule} / {server, zones, set}
  std::map<const rules::RuleSet*, std::pair<std::weak_ptr<const rules::RuleSet>, std::weak_ptr<const RuleLabels>>>
      labels_;
};

// A handler's tables for its current rule snapshot, by the port a query arrived on.
class RewriteMetricsRoute {
 public:
  explicit RewriteMetricsRoute(std::string zones) : zones_(std::move(zones)) {}
  ~RewriteMetricsRoute() { Reset(nullptr); }
  RewriteMetricsRoute(const RewriteMetricsRoute&) = delete;
  RewriteMetricsRoute& operator=(const RewriteMetricsRoute&) = delete;

  // A new snapshot: the old tables are retired (called on the worker's thread).
  void Reset(const std::shared_ptr<const rules::RuleSet>& rules);
  void Count(std::uint16_t port, const rules::Outcome& outcome) {
    if (outcome.applied_count == 0 || !labels_) return;
    for (const auto& [known, table] : tables_) {
      if (known == port) return table->Count(outcome);
    }
    Open(port)->Count(outcome);
  }

 private:
  RuleTable* Open(std::uint16_t port);

  std::string zones_;
  std::shared_ptr<const RuleLabels> labels_;
  std::vector<std::pair<std::uint16_t, RuleTable*>> tables_;
};

}  // namespace dnsd::plugins::rewrite
