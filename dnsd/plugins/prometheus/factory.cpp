#include "dnsd/plugins/prometheus/factory.hpp"

namespace dnsd::plugins::prometheus {

MetricsFactory::MetricsFactory(std::shared_ptr<Exporter> exporter, const std::vector<std::string>& zones,
                               std::shared_ptr<DnsCollector> collector)
    : exporter_(std::move(exporter)), collector_(std::move(collector)) {
  auto served = std::make_shared<std::vector<ServedZone>>();
  for (const std::string& text : zones) {
    ServedZone zone;
    if (wire::Name::FromString(text, zone.name) != wire::WireError::kOk) continue;  // checked by routes
    zone.text = text;
    served->push_back(std::move(zone));
  }
  zones_ = std::move(served);
}

DnsCollector& MetricsFactory::collector() { return exporter_ ? exporter_->dns() : *collector_; }

std::unique_ptr<pipeline::Handler> MetricsFactory::CreateHandler(pipeline::WorkerContext& worker) {
  DnsCollector& dns = collector();
  return std::make_unique<MetricsHandler>(zones_, dns, dns.Worker(worker.index), plugins_);
}

}  // namespace dnsd::plugins::prometheus
