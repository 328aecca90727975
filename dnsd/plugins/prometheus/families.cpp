#include "dnsd/plugins/prometheus/families.hpp"

namespace dnsd::plugins::prometheus {

using ::prometheus::ClientMetric;
using ::prometheus::MetricFamily;

MetricFamily NewFamily(std::string name, std::string help, ::prometheus::MetricType type) {
  MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

void AddCounter(MetricFamily& family, Labels labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.counter.value = value;
  family.metric.push_back(std::move(metric));
}

void AddGauge(MetricFamily& family, Labels labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

Labels With(Labels labels, std::string name, std::string value) {
  labels.push_back({std::move(name), std::move(value)});
  return labels;
}

void AppendNonEmpty(std::vector<MetricFamily>& out, std::initializer_list<MetricFamily*> families) {
  for (MetricFamily* f : families) {
    if (!f->metric.empty()) out.push_back(std::move(*f));
  }
}

}  // namespace dnsd::plugins::prometheus
