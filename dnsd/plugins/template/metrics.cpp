#include "dnsd/plugins/template/metrics.hpp"

#include "dnsd/metrics/families.hpp"
#include "dnsd/metrics/process_metrics.hpp"
#include "dnsd/metrics/labels.hpp"
#include "dnsd/plugins/template/names.hpp"

namespace dnsd::plugins::tmpl {
namespace {

constexpr const char* kFamilies[3] = {"matches", "template_failures", "rr_failures"};
constexpr const char* kSections[3] = {"answer", "authority", "additional"};

}  // namespace

TemplateMetrics& TemplateMetrics::Get() { return metrics::ProcessCollector<TemplateMetrics>(); }

std::vector<::prometheus::MetricFamily> TemplateMetrics::Collect() const {
  using ::prometheus::MetricType;
  ::prometheus::MetricFamily families[3] = {
      metrics::NewFamily("coredns_template_matches_total", "Counter of template regex matches.",
                            MetricType::Counter),
      metrics::NewFamily("coredns_template_template_failures_total", "Counter of go template failures.",
                            MetricType::Counter),
      metrics::NewFamily("coredns_template_rr_failures_total", "Counter of mis-templated RRs.",
                            MetricType::Counter)};
  series_.ForEach([&](const Key& key, const metrics::PerWorker<TemplateCounter>& workers) {
    std::uint64_t sum = 0;
    workers.ForEach([&](const TemplateCounter& c) { sum += c.value.Read(); });
    for (int f = 0; f < 3; ++f) {
      if (key[0] != kFamilies[f]) continue;
      metrics::Labels labels = {{"server", key[1]}, {"zone", key[2]}, {"view", ""},
                                   {"class", key[3]},  {"type", key[4]}};
      if (key.size() == 7) {
        labels.push_back({"section", key[5]});
        labels.push_back({"template", key[6]});
      }
      metrics::AddCounter(families[f], labels, static_cast<double>(sum));
    }
  });
  std::vector<::prometheus::MetricFamily> out;
  metrics::AppendNonEmpty(out, {&families[0], &families[1], &families[2]});
  return out;
}

TemplateCounter& TemplateCounters::Open(const Labels& labels) {
  TemplateMetrics::Key key = {kFamilies[static_cast<int>(labels.count)], metrics::ServerLabel(labels.port),
                              (*zones_)[labels.zone], std::string(ClassName(labels.klass)),
                              std::string(TypeName(labels.type))};
  if (labels.count != Count::kMatch) {
    key.emplace_back(kSections[static_cast<int>(labels.section)]);
    key.emplace_back(labels.source != nullptr ? *labels.source : "");
  }
  TemplateCounter& counter = TemplateMetrics::Get().Series(key).For(worker_);
  routes_.emplace_back(labels, &counter);
  return counter;
}

}  // namespace dnsd::plugins::tmpl
