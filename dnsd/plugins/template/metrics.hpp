// template's CoreDNS metrics (plugin/template/metrics.go): coredns_template_matches_total
// {server,zone,view,class,type} and coredns_template_template_failures_total /
// coredns_template_rr_failures_total {server,zone,view,class,type,section,template}. Each worker
// counts into its own blocks, found once per label set and then kept by the handler, so counting
// is an increment; blocks live process-wide, so a reload continues the counts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "dnsd/metrics/local_counter.hpp"
#include "dnsd/metrics/per_worker.hpp"
#include "dnsd/wire/answer_builder.hpp"

namespace dnsd::plugins::tmpl {

enum class Count : std::uint8_t { kMatch, kTemplateFailure, kRrFailure };

// One worker's counts for one label set; a key counts one of them only (a match has no section).
struct alignas(64) TemplateCounter {
  metrics::LocalCounter matches, template_failures, rr_failures;
};

class TemplateMetrics final : public ::prometheus::Collectable {
 public:
  // server, zone, class, type, section, template ("" for a match)
  using Key = std::vector<std::string>;
  static TemplateMetrics& Get();
  metrics::PerWorker<TemplateCounter>& Series(const Key& key) { return series_.Find(key); }
  std::vector<::prometheus::MetricFamily> Collect() const override;

 private:
  metrics::KeyedSeries<TemplateCounter> series_;
};

// A handler's counters by what labels them; a new combination is looked up once (under a lock).
class TemplateCounters {
 public:
  TemplateCounters(const std::vector<std::string>* zones, unsigned worker) : zones_(zones), worker_(worker) {}

  struct Labels {
    Count count;
    std::uint16_t port;
    std::uint16_t zone;          // index into the template's zones
    std::uint16_t klass, type;   // the numbers .Class and .Type name
    wire::Section section = wire::Section::kAnswer;  // failures only
    const std::string* source = nullptr;             // failures only: the RR template
    bool operator==(const Labels&) const = default;
  };
  void Add(const Labels& labels) {
    for (const auto& [known, counter] : routes_) {
      if (known == labels) {
        counter->Add();
        return;
      }
    }
    Open(labels).Add();
  }

 private:
  metrics::LocalCounter& Open(const Labels& labels);

  const std::vector<std::string>* zones_;
  unsigned worker_;
  std::vector<std::pair<Labels, metrics::LocalCounter*>> routes_;
};

}  // namespace dnsd::plugins::tmpl
