// prometheus's factory: holds the shared Exporter (listener + collector) for its address and the
// server block's zones; makes one MetricsHandler per worker, writing that worker's series.
#pragma once

#include <memory>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/prometheus/exporter.hpp"
#include "dnsd/plugins/prometheus/handler.hpp"

namespace dnsd::plugins::prometheus {

class MetricsFactory : public pipeline::HandlerFactory {
 public:
  // `exporter` may be null (tests): then `collector` must be given.
  MetricsFactory(std::shared_ptr<Exporter> exporter, const std::vector<std::string>& zones,
                 std::shared_ptr<DnsCollector> collector = nullptr);

  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext& worker) override;
  DnsCollector& collector();
  Exporter* exporter() { return exporter_.get(); }
  // The server block's plugins, reported as coredns_plugin_enabled.
  void SetPlugins(std::vector<std::string> names) {
    plugins_ = std::make_shared<const std::vector<std::string>>(std::move(names));
  }

 private:
  std::shared_ptr<Exporter> exporter_;
  std::shared_ptr<DnsCollector> collector_;
  std::shared_ptr<const std::vector<ServedZone>> zones_;
  std::shared_ptr<const std::vector<std::string>> plugins_;  // for coredns_plugin_enabled
};

}  // namespace dnsd::plugins::prometheus
