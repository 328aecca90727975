#include "dnsd/plugins/template/metrics.hpp"

#include "dnsd/metrics/descriptor.hpp"
#include "dnsd/metrics/labels.hpp"
#include "dnsd/metrics/process_metrics.hpp"
#include "dnsd/plugins/template/names.hpp"

namespace dnsd::plugins::tmpl {
namespace {

constexpr const char* kSections[3] = {"answer", "authority", "additional"};

using metrics::FixedLabel;
using metrics::KeyLabel;

// Series key: {server, zone, class, type, section, template}; a match has no section or template.
const std::vector<metrics::Label> kMatchLabels = {KeyLabel("server", 0), KeyLabel("zone", 1), FixedLabel("view", ""),
                                                  KeyLabel("class", 2), KeyLabel("type", 3)};
const std::vector<metrics::Label> kFailureLabels = {KeyLabel("server", 0), KeyLabel("zone", 1),   FixedLabel("view", ""),
                                                    KeyLabel("class", 2),  KeyLabel("type", 3),   KeyLabel("section", 4),
                                                    KeyLabel("template", 5)};

// A key counts one of the three only, so the others' zeros are not series.
const metrics::Metric<TemplateCounter> kTemplateMetrics[] = {
    {"coredns_template_matches_total", "Counter of template regex matches.", metrics::Type::kCounter, kMatchLabels,
     metrics::Field<&TemplateCounter::matches>(), true},
    {"coredns_template_template_failures_total", "Counter of go template failures.", metrics::Type::kCounter,
     kFailureLabels, metrics::Field<&TemplateCounter::template_failures>(), true},
    {"coredns_template_rr_failures_total", "Counter of mis-templated RRs.", metrics::Type::kCounter, kFailureLabels,
     metrics::Field<&TemplateCounter::rr_failures>(), true},
};

}  // namespace

TemplateMetrics& TemplateMetrics::Get() { return metrics::ProcessCollector<TemplateMetrics>(); }

std::vector<::prometheus::MetricFamily> TemplateMetrics::Collect() const {
  std::vector<::prometheus::MetricFamily> out;
  metrics::Collect<TemplateCounter>(kTemplateMetrics, series_, out);
  return out;
}

metrics::LocalCounter& TemplateCounters::Open(const Labels& labels) {
  TemplateMetrics::Key key = {metrics::ServerLabel(labels.port), (*zones_)[labels.zone],
                              std::string(ClassName(labels.klass)), std::string(TypeName(labels.type)), "", ""};
  if (labels.count != Count::kMatch) {
    key[4] = kSections[static_cast<int>(labels.section)];
    key[5] = labels.source != nullptr ? *labels.source : "";
  }
  TemplateCounter& block = TemplateMetrics::Get().Series(key).For(worker_);
  metrics::LocalCounter& counter = labels.count == Count::kMatch             ? block.matches
                                   : labels.count == Count::kTemplateFailure ? block.template_failures
                                                                             : block.rr_failures;
  routes_.emplace_back(labels, &counter);
  return counter;
}

}  // namespace dnsd::plugins::tmpl
