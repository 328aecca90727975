#include "dnsd/plugins/forward/metrics.hpp"

#include <cstdlib>
#include <string_view>

#include "dnsd/metrics/descriptor.hpp"
#include "dnsd/metrics/process_metrics.hpp"

namespace dnsd::plugins::forward {
namespace {

using metrics::Field;
using metrics::FixedLabel;
using metrics::Histogram;
using metrics::KeyLabel;
using metrics::SlotLabel;
using metrics::Total;
using metrics::Type;

std::string ProtoLabel(std::size_t slot) {
  constexpr const char* kLabels[kProtoSlots] = {"udp", "tcp", "tcp-tls"};
  return kLabels[slot];
}

// Upstream series key: {to}.
const metrics::Label kTo = KeyLabel("to", 0);
const metrics::Label kProxyName = FixedLabel("proxy_name", "forward");
const metrics::Label kRcode = SlotLabel("rcode", metrics::RcodeLabel);
const metrics::Label kProto = SlotLabel("proto", ProtoLabel);

const metrics::Metric<UpstreamCounters> kUpstreamMetrics[] = {
    {"coredns_proxy_request_duration_seconds", "Histogram of the time each request took.", Type::kHistogram,
     {kTo, kRcode, kProxyName}, Histogram<&UpstreamCounters::duration>(metrics::kTimeBuckets)},
    {"coredns_proxy_conn_cache_hits_total", "Counter of connection cache hits per upstream and protocol.",
     Type::kCounter, {kTo, kProto, kProxyName}, Field<&UpstreamCounters::conn_cache_hits>(), true},
    {"coredns_proxy_conn_cache_misses_total", "Counter of connection cache misses per upstream and protocol.",
     Type::kCounter, {kTo, kProto, kProxyName}, Field<&UpstreamCounters::conn_cache_misses>(), true},
    {"dnsd_forward_replies_dropped_total",
     "Counter of upstream replies dropped because they matched no query in flight "
     "(wrong ID, question or flags: forged or late, RFC 5452).",
     Type::kCounter, {kTo}, Field<&UpstreamCounters::replies_dropped>()},
};

const metrics::Metric<HealthcheckCounters> kHealthcheckMetrics[] = {
    {"coredns_proxy_healthcheck_failures_total", "Counter of the number of failed healthchecks.", Type::kCounter,
     {kTo, kProxyName}, Field<&HealthcheckCounters::failures>()},
};

// Label-less, exported from the first forward on (as CoreDNS registers them).
const metrics::Metric<ForwardCounters> kForwardMetrics[] = {
    {"coredns_forward_healthcheck_broken_total", "Counter of the number of complete failures of the healthchecks.",
     Type::kCounter, {}, Field<&ForwardCounters::healthcheck_broken>()},
    {"coredns_forward_max_concurrent_rejects_total",
     "Counter of the number of queries rejected because the concurrent queries were at maximum.", Type::kCounter, {},
     Field<&ForwardCounters::max_concurrent_rejects>()},
    {"dnsd_forward_in_flight_evictions_total",
     "Counter of queries answered SERVFAIL early because a worker reached its in-flight cap.", Type::kCounter, {},
     Field<&ForwardCounters::in_flight_evictions>()},
};

// CoreDNS before 1.11 named these coredns_forward_* (labels without proxy_name); dashboards and
// alert rules written then still query them. CoreDNS 1.10 counted requests, responses and their
// duration together, once per upstream reply, so all three come from the duration histogram;
// health-check failures and the connection cache are the same counts renamed.
const metrics::Metric<UpstreamCounters> kLegacyUpstreamMetrics[] = {
    {"coredns_forward_requests_total", "Counter of requests made per upstream.", Type::kCounter, {kTo},
     Total<&UpstreamCounters::duration>(), true},
    {"coredns_forward_responses_total", "Counter of responses received per upstream.", Type::kCounter, {kRcode, kTo},
     Field<&UpstreamCounters::duration>(), true},
    {"coredns_forward_request_duration_seconds", "Histogram of the time each request took.", Type::kHistogram,
     {kTo, kRcode}, Histogram<&UpstreamCounters::duration>(metrics::kTimeBuckets)},
    {"coredns_forward_conn_cache_hits_total", "Counter of connection cache hits per upstream and protocol.",
     Type::kCounter, {kTo, kProto}, Field<&UpstreamCounters::conn_cache_hits>(), true},
    {"coredns_forward_conn_cache_misses_total", "Counter of connection cache misses per upstream and protocol.",
     Type::kCounter, {kTo, kProto}, Field<&UpstreamCounters::conn_cache_misses>(), true},
};
const metrics::Metric<HealthcheckCounters> kLegacyHealthcheckMetrics[] = {
    {"coredns_forward_healthcheck_failures_total", "Counter of the number of failed healthchecks.", Type::kCounter,
     {kTo}, Field<&HealthcheckCounters::failures>()},
};

// The legacy names are exported beside the 1.11 ones unless DNSD_LEGACY_FORWARD_METRICS is "off",
// "false" or "0" (read once, at the first scrape).
bool LegacyNamesEnabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("DNSD_LEGACY_FORWARD_METRICS");
    if (value == nullptr) return true;
    const std::string_view v(value);
    return !(v == "off" || v == "false" || v == "0");
  }();
  return enabled;
}

}  // namespace

ForwardMetrics& ForwardMetrics::Get() { return metrics::ProcessCollector<ForwardMetrics>(); }

std::vector<::prometheus::MetricFamily> ForwardMetrics::Collect() const {
  std::vector<::prometheus::MetricFamily> families;
  metrics::Collect<UpstreamCounters>(kUpstreamMetrics, upstreams_, families);
  metrics::Collect<HealthcheckCounters>(kHealthcheckMetrics, healthchecks_, families);
  metrics::Collect<ForwardCounters>(kForwardMetrics, forward_, families);
  if (LegacyNamesEnabled()) {
    metrics::Collect<UpstreamCounters>(kLegacyUpstreamMetrics, upstreams_, families);
    metrics::Collect<HealthcheckCounters>(kLegacyHealthcheckMetrics, healthchecks_, families);
  }
  return families;
}

std::string UpstreamLabel(const boost::asio::ip::udp::endpoint& endpoint) {
  const auto address = endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace dnsd::plugins::forward
