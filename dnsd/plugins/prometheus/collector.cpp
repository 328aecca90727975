#include "dnsd/plugins/prometheus/collector.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include <prometheus/metric_family.h>

#include "dnsd/metrics/descriptor.hpp"

#ifndef DNSD_VERSION
#define DNSD_VERSION "0.0.0"
#endif
#ifndef DNSD_GIT_COMMIT
#define DNSD_GIT_COMMIT ""
#endif

namespace dnsd::plugins::prometheus {

using ::prometheus::MetricFamily;
namespace {

using metrics::Field;
using metrics::FixedLabel;
using metrics::Histogram;
using metrics::KeyLabel;
using metrics::SlotLabel;
using metrics::Type;

// A series whose value is a constant (build info, enabled plugins, panics).
struct Constant {
  double value = 1;
};

std::string ProtoLabel(std::size_t proto) { return proto == kUdp ? "udp" : "tcp"; }
std::string FamilyLabel(std::size_t family) { return family == kIpv4 ? "1" : "2"; }
std::string QtypeLabel(std::size_t slot) { return std::string(TypeLabel(slot)); }
std::string PluginLabel(std::size_t slot) { return std::string(metrics::ResponderLabel(slot)); }

const metrics::Metric<Constant> kBuildMetrics[] = {
    {"coredns_build_info",
     "A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.",
     Type::kGauge, {KeyLabel("version", 0), KeyLabel("revision", 1), KeyLabel("goversion", 2)},
     Field<&Constant::value>()},
};
const metrics::Metric<Constant> kPanicMetrics[] = {
    {"coredns_panics_total", "A metrics that counts the number of panics.", Type::kCounter, {},
     Field<&Constant::value>()},
};
// Key: {server, zone, name}.
const metrics::Metric<Constant> kPluginMetrics[] = {
    {"coredns_plugin_enabled", "A metric that indicates whether a plugin is enabled on per server and zone basis.",
     Type::kGauge, {KeyLabel("server", 0), KeyLabel("zone", 1), FixedLabel("view", ""), KeyLabel("name", 2)},
     Field<&Constant::value>()},
};

// Key: {server, zone}.
const metrics::Label kServer = KeyLabel("server", 0), kZone = KeyLabel("zone", 1), kView = FixedLabel("view", "");
const metrics::Label kProto = SlotLabel("proto", ProtoLabel);
const metrics::Label kType = SlotLabel("type", QtypeLabel);

const metrics::Metric<SeriesBlock> kSeriesMetrics[] = {
    {"coredns_dns_requests_total", "Counter of DNS requests made per zone, protocol and family.", Type::kCounter,
     {kServer, kZone, kView, kProto, SlotLabel("family", FamilyLabel), kType}, Field<&SeriesBlock::requests>(), true},
    {"coredns_dns_do_requests_total", "Counter of DNS requests with DO bit set per zone.", Type::kCounter,
     {kServer, kZone, kView}, Field<&SeriesBlock::do_requests>(), true},
    {"coredns_dns_responses_total", "Counter of response status codes.", Type::kCounter,
     {kServer, kZone, kView, SlotLabel("rcode", metrics::RcodeLabel), SlotLabel("plugin", PluginLabel)},
     Field<&SeriesBlock::responses>(), true},
    {"coredns_dns_request_duration_seconds", "Histogram of the time (in seconds) each request took per zone.",
     Type::kHistogram, {kServer, kZone, kView, kType}, Histogram<&SeriesBlock::duration>(metrics::kTimeBuckets)},
    {"coredns_dns_request_size_bytes", "Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.",
     Type::kHistogram, {kServer, kZone, kView, kProto}, Histogram<&SeriesBlock::request_size>(metrics::kSizeBuckets)},
    {"coredns_dns_response_size_bytes", "Size of the returned response in bytes.", Type::kHistogram,
     {kServer, kZone, kView, kProto}, Histogram<&SeriesBlock::response_size>(metrics::kSizeBuckets)},
};

// The blocks of one (server, zone), one per worker that counted it.
struct Blocks {
  std::vector<const SeriesBlock*> blocks;
  template <typename F>
  void ForEach(F&& f) const {
    for (const SeriesBlock* b : blocks) f(*b);
  }
};

}  // namespace

BuildInfo DnsdBuildInfo() {
  return {DNSD_VERSION, DNSD_GIT_COMMIT, std::string("gcc ") + __VERSION__};
}

WorkerSeries& DnsCollector::Worker(unsigned index) {
  std::lock_guard lock(mutex_);
  if (workers_.size() <= index) workers_.resize(index + 1);
  if (!workers_[index]) workers_[index] = std::make_unique<WorkerSeries>();
  return *workers_[index];
}

void DnsCollector::EnablePlugin(const std::string& server, const std::string& zone,
                                const std::string& name) {
  std::lock_guard lock(mutex_);
  auto entry = std::make_tuple(server, zone, name);
  if (std::find(enabled_.begin(), enabled_.end(), entry) == enabled_.end()) enabled_.push_back(entry);
}

std::vector<MetricFamily> DnsCollector::Collect() const {
  std::map<std::vector<std::string>, Blocks> series;
  std::vector<std::tuple<std::string, std::string, std::string>> enabled;
  {
    std::lock_guard lock(mutex_);
    enabled = enabled_;
    for (const auto& worker : workers_) {
      if (!worker) continue;
      worker->ForEach([&](const WorkerSeries::Entry& e) { series[{e.server, e.zone}].blocks.push_back(e.block.get()); });
    }
  }
  std::vector<MetricFamily> families;
  metrics::Families<Constant> build(kBuildMetrics);
  build.Add({build_.version, build_.revision, build_.goversion}, metrics::One{Constant{}});
  build.MoveTo(families);
  metrics::Families<Constant> panics(kPanicMetrics);
  panics.Add({}, metrics::One{Constant{0}});  // dnsd does not recover from crashes in-process
  panics.MoveTo(families);
  metrics::Families<Constant> plugins(kPluginMetrics);
  for (const auto& [server, zone, name] : enabled) plugins.Add({server, zone, name}, metrics::One{Constant{}});
  plugins.MoveTo(families);
  // Blocks are read outside the lock: they are never freed, and each counter is read atomically.
  metrics::Families<SeriesBlock> dns(kSeriesMetrics);
  for (const auto& [key, blocks] : series) dns.Add(key, blocks);
  dns.MoveTo(families);
  return families;
}

}  // namespace dnsd::plugins::prometheus
