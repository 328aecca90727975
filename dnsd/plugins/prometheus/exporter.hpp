// One HTTP listener serving /metrics and every page of metrics::Pages::Shared() (the legacy-name
// report's /legacy.json...), and the DnsCollector behind it. Exporters are shared process-wide by
// address: several server blocks (and the config before and after a reload) naming the same
// address get the same listener and the same counters.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <prometheus/collectable.h>

#include "dnsd/plugins/prometheus/collector.hpp"

class CivetServer;

namespace dnsd::plugins::prometheus {

class Exporter {
 public:
  // `bind` in civetweb form ("127.0.0.1:9153", "9153", "[::1]:9153"). Throws if it cannot listen.
  Exporter(const std::string& address, const std::string& bind);
  ~Exporter();

  const std::string& address() const { return address_; }
  DnsCollector& dns() { return *dns_; }
  // For other plugins' metrics (cache, forward, rewrite): a Collectable that sums their own
  // per-worker LocalCounter blocks; it is scraped for as long as the caller keeps it alive.
  void Register(const std::weak_ptr<::prometheus::Collectable>& collectable);
  std::vector<int> ListeningPorts();

 private:
  class MetricsHandler;
  class PagesHandler;

  std::string address_;
  std::shared_ptr<DnsCollector> dns_;
  std::unique_ptr<MetricsHandler> metrics_;
  std::unique_ptr<PagesHandler> pages_;
  // Last: destroyed first, so civetweb's threads stop before the handlers they call go away.
  std::unique_ptr<CivetServer> server_;
};

// The exporter for `address` (CoreDNS form, "localhost:9153", ":9153"), started on first use.
// Returns an error message if the address is invalid or cannot be bound.
std::variant<std::shared_ptr<Exporter>, std::string> AcquireExporter(const std::string& address);

// civetweb's listening_ports form of a CoreDNS address, or "" if it is not HOST:PORT.
std::string BindSpec(const std::string& address);

}  // namespace dnsd::plugins::prometheus
