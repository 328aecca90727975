#include "dnsd/plugins/prometheus/handler.hpp"

namespace dnsd::plugins::prometheus {

void ObservedTransaction::Load(pipeline::Transaction& client, SeriesBlock& block) {
  client_ = &client;
  block_ = &block;
  start_ = MetricsClock::now();
  CopyRequestFrom(client);
}

void ObservedTransaction::Respond(std::span<const std::uint8_t> response) {
  owner_.OnAnswer(*this, response);
}

MetricsHandler::MetricsHandler(std::shared_ptr<const std::vector<ServedZone>> zones,
                               DnsCollector& collector, WorkerSeries& series,
                               std::shared_ptr<const std::vector<std::string>> plugins)
    : zones_(std::move(zones)), plugins_(std::move(plugins)), collector_(collector), series_(series) {}

MetricsHandler::~MetricsHandler() = default;

SeriesBlock& MetricsHandler::BlockFor(std::uint16_t port, const wire::Name& qname) {
  // The zone the server matched: the longest of this block's zones that holds the name.
  const std::vector<ServedZone>& zones = *zones_;
  std::size_t best = 0;
  std::size_t best_length = 0;
  for (std::size_t i = 0; i < zones.size(); ++i) {
    const std::size_t length = zones[i].name.WireLength();
    if (length > best_length && qname.IsSubdomainOf(zones[i].name)) {
      best = i;
      best_length = length;
    }
  }
  for (const Route& route : routes_) {
    if (route.port == port && route.zone == best) return *route.block;
  }
  const std::string server = metrics::ServerLabel(port);
  const std::string& zone = zones.empty() ? std::string(".") : zones[best].text;
  SeriesBlock& block = series_.Find(server, zone);
  if (plugins_) {
    for (const std::string& name : *plugins_) collector_.EnablePlugin(server, zone, name);
  } else {
    collector_.EnablePlugin(server, zone, "prometheus");
  }
  routes_.push_back({port, best, &block});
  return block;
}

void MetricsHandler::Serve(pipeline::Transaction& tx) {
  SeriesBlock& block = BlockFor(tx.ServerPort(), tx.View().qname);
  metrics::TakeResponder();  // a note left by a response that did not come back through us
  ObservedTransaction* observed = pool_.Acquire(*this);
  observed->Load(tx, block);
  Next(*observed);
}

void MetricsHandler::OnAnswer(ObservedTransaction& observed, std::span<const std::uint8_t> response) {
  pipeline::Transaction& client = *observed.client_;
  Observation o;
  o.proto = observed.transport() == pipeline::Transport::kTcp ? kTcp : kUdp;
  const auto& address = observed.ClientAddress();
  o.family = address.is_v6() && !address.to_v6().is_v4_mapped() ? kIpv6 : kIpv4;
  o.type_slot = TypeSlot(observed.View().qtype);
  o.dnssec_ok = observed.View().edns && observed.View().edns->dnssec_ok;
  o.rcode = response.size() > 3 ? (response[3] & 0x0F) : 2;
  o.responder = static_cast<std::size_t>(metrics::TakeResponder());
  o.request_size = observed.Query().size();
  o.response_size = response.size();
  o.seconds = std::chrono::duration<double>(MetricsClock::now() - observed.start_).count();
  observed.block_->Observe(o);
  pool_.Release(&observed);
  client.Respond(response);
}

}  // namespace dnsd::plugins::prometheus
