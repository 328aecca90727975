#include "dnsd/plugins/prometheus/exporter.hpp"

#include <charconv>
#include <map>
#include <mutex>

#include "dnsd/metrics/process_metrics.hpp"
#include "dnsd/plugins/prometheus/process_stats.hpp"
#include "dnsd/plugins/prometheus/reload_metrics.hpp"

namespace dnsd::plugins::prometheus {

using metrics::ProcessMetrics;
namespace {

std::mutex& RegistryMutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::string, std::weak_ptr<Exporter>>& Registry() {
  static std::map<std::string, std::weak_ptr<Exporter>> registry;
  return registry;
}

}  // namespace

Exporter::Exporter(const std::string& address, const std::string& bind)
    : address_(address), dns_(std::make_shared<DnsCollector>()), exposer_(bind, 1) {
  exposer_.RegisterCollectable(dns_);
  RegisterReloadMetrics();
  RegisterProcessStats();
  exposer_.RegisterCollectable(ProcessMetrics::Shared());
}

void Exporter::Register(const std::weak_ptr<::prometheus::Collectable>& collectable) {
  exposer_.RegisterCollectable(collectable);
}

std::string BindSpec(const std::string& address) {
  // Go's net.SplitHostPort: HOST:PORT or [HOST]:PORT; HOST may be empty.
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) return "";
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) return "";
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (!bracketed && host.find(':') != std::string::npos) return "";
  if (host.empty()) return port;  // every IPv4 address
  if (host == "localhost") host = "127.0.0.1";
  return host + ":" + port;
}

std::variant<std::shared_ptr<Exporter>, std::string> AcquireExporter(const std::string& address) {
  const std::string bind = BindSpec(address);
  if (bind.empty()) return "invalid address \"" + address + "\" (want HOST:PORT, e.g. :9153)";
  std::lock_guard lock(RegistryMutex());
  auto& slot = Registry()[address];
  if (auto existing = slot.lock()) return existing;
  try {
    auto exporter = std::make_shared<Exporter>(address, bind);
    slot = exporter;
    return exporter;
  } catch (const std::exception& e) {
    return "cannot listen on \"" + address + "\": " + e.what();
  }
}

}  // namespace dnsd::plugins::prometheus
