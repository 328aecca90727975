#include "dnsd/plugins/rewrite/metrics.hpp"

#include <algorithm>

#include "dnsd/metrics/descriptor.hpp"
#include "dnsd/metrics/labels.hpp"
#include "dnsd/metrics/process_metrics.hpp"

namespace dnsd::plugins::rewrite {
namespace {

std::shared_ptr<const RuleLabels> MakeLabels(const rules::RuleSet& rules) {
  auto labels = std::make_shared<RuleLabels>();
  for (const rules::Rule& rule : rules.rules()) {
    labels->rule.push_back(rule.pos.file + ":" + std::to_string(rule.pos.line) + ":" +
                           std::to_string(rule.pos.column));
    auto set = std::find(labels->sets.begin(), labels->sets.end(), rule.set_name);
    if (set == labels->sets.end()) set = labels->sets.insert(labels->sets.end(), rule.set_name);
    labels->set_of_rule.push_back(static_cast<std::uint32_t>(set - labels->sets.begin()));
  }
  return labels;
}

// Series keys: {server, zones, rule_set, rule} and {server, zones, rule_set}.
const metrics::Metric<RewriteMetrics::Hits> kRuleMetrics[] = {
    {"dnsd_rewrite_rule_hits_total", "Counter of queries each rewrite rule applied to.", metrics::Type::kCounter,
     {metrics::KeyLabel("server", 0), metrics::KeyLabel("zones", 1), metrics::KeyLabel("rule_set", 2),
      metrics::KeyLabel("rule", 3)},
     metrics::Field<&RewriteMetrics::Hits::n>()},
};
const metrics::Metric<RewriteMetrics::Hits> kRuleSetMetrics[] = {
    {"dnsd_rewrite_rule_set_hits_total", "Counter of queries rewritten by one or more rules of each rule set.",
     metrics::Type::kCounter, {metrics::KeyLabel("server", 0), metrics::KeyLabel("zones", 1), metrics::KeyLabel("rule_set", 2)},
     metrics::Field<&RewriteMetrics::Hits::n>()},
};

}  // namespace

RewriteMetrics& RewriteMetrics::Get() { return metrics::ProcessCollector<RewriteMetrics>(); }

std::shared_ptr<const RuleLabels> RewriteMetrics::LabelsOf(const std::shared_ptr<const rules::RuleSet>& rules) {
  std::lock_guard lock(mutex_);
  auto& [set, labels] = labels_[rules.get()];
  if (auto known = labels.lock(); known && set.lock() == rules) return known;
  auto made = MakeLabels(*rules);
  set = rules;
  labels = made;
  std::erase_if(labels_, [](const auto& entry) { return entry.second.second.expired(); });
  return made;
}

RuleTable* RewriteMetrics::Open(std::shared_ptr<const RuleLabels> labels, std::string server, std::string zones) {
  auto table = std::make_unique<RuleTable>(std::move(labels), std::move(server), std::move(zones));
  std::lock_guard lock(mutex_);
  live_.push_back(std::move(table));
  return live_.back().get();
}

void RewriteMetrics::Retire(RuleTable* table) {
  std::lock_guard lock(mutex_);
  auto found = std::find_if(live_.begin(), live_.end(), [table](const auto& t) { return t.get() == table; });
  if (found == live_.end()) return;
  AddTo(retired_rules_, retired_sets_, **found);
  live_.erase(found);
}

void RewriteMetrics::AddTo(std::map<Key, Hits>& rules, std::map<Key, Hits>& sets,
                           const RuleTable& t) const {
  const RuleLabels& labels = *t.labels;
  for (std::size_t i = 0; i < labels.rule.size(); ++i) {
    const std::uint64_t n = t.rule_hits[i].Read();
    if (n != 0) rules[{t.server, t.zones, labels.sets[labels.set_of_rule[i]], labels.rule[i]}].n += n;
  }
  for (std::size_t s = 0; s < labels.sets.size(); ++s) {
    const std::uint64_t n = t.set_hits[s].Read();
    if (n != 0) sets[{t.server, t.zones, labels.sets[s]}].n += n;
  }
}

std::vector<::prometheus::MetricFamily> RewriteMetrics::Collect() const {
  std::map<Key, Hits> rules, sets;
  {
    std::lock_guard lock(mutex_);
    rules = retired_rules_;
    sets = retired_sets_;
    for (const auto& table : live_) AddTo(rules, sets, *table);
  }
  std::vector<::prometheus::MetricFamily> families;
  metrics::Families<Hits> rule_hits(kRuleMetrics), set_hits(kRuleSetMetrics);
  for (const auto& [key, hits] : rules) rule_hits.Add(key, metrics::One{hits});
  for (const auto& [key, hits] : sets) set_hits.Add(key, metrics::One{hits});
  rule_hits.MoveTo(families);
  set_hits.MoveTo(families);
  return families;
}

void RewriteMetricsRoute::Reset(const std::shared_ptr<const rules::RuleSet>& rules) {
  for (const auto& [port, table] : tables_) RewriteMetrics::Get().Retire(table);
  tables_.clear();
  labels_ = rules ? RewriteMetrics::Get().LabelsOf(rules) : nullptr;
}

RuleTable* RewriteMetricsRoute::Open(std::uint16_t port) {
  RuleTable* table = RewriteMetrics::Get().Open(labels_, metrics::ServerLabel(port), zones_);
  tables_.emplace_back(port, table);
  return table;
}

}  // namespace dnsd::plugins::rewrite
