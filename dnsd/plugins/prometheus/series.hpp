// The DNS metrics of one (server, zone) pair as one worker counts them: CoreDNS's label values
// (qtype, rcode, proto, family) are small indexes into fixed tables, so observing a query is a few
// array increments. WorkerSeries holds a worker's blocks; the collector sums them over workers.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "dnsd/metrics/labels.hpp"
#include "dnsd/metrics/local_counter.hpp"
#include "dnsd/metrics/responder.hpp"

namespace dnsd::plugins::prometheus {


// The qtypes CoreDNS reports by name (vars.monitorType); every other qtype is "other".
inline constexpr std::array<std::uint16_t, 18> kMonitoredTypes = {
    1 /*A*/,   28 /*AAAA*/, 255 /*ANY*/,  252 /*AXFR*/, 5 /*CNAME*/, 48 /*DNSKEY*/,
    43 /*DS*/, 65 /*HTTPS*/, 251 /*IXFR*/, 15 /*MX*/,   2 /*NS*/,    47 /*NSEC*/,
    50 /*NSEC3*/, 12 /*PTR*/, 46 /*RRSIG*/, 6 /*SOA*/,  33 /*SRV*/,  16 /*TXT*/};
inline constexpr std::size_t kTypeSlots = kMonitoredTypes.size() + 1;  // last: "other"

std::size_t TypeSlot(std::uint16_t qtype);
std::string_view TypeLabel(std::size_t slot);

enum Proto : std::size_t { kUdp = 0, kTcp = 1 };
enum Family : std::size_t { kIpv4 = 0, kIpv6 = 1 };  // CoreDNS labels "1" and "2"

// One observed query, in slot form.
struct Observation {
  Proto proto = kUdp;
  Family family = kIpv4;
  std::size_t type_slot = 0;
  bool dnssec_ok = false;  // the query's EDNS DO bit: coredns_dns_do_requests_total
  std::size_t rcode = 0;
  std::size_t responder = 0;  // Responder slot: the plugin that wrote the response
  std::size_t request_size = 0;
  std::size_t response_size = 0;
  double seconds = 0.0;
};

// One worker's counters for one (server, zone). Written by that worker only.
struct alignas(64) SeriesBlock {  // own cache lines: no false sharing between workers
  using TimeHistogram = metrics::LocalHistogram<metrics::kTimeBuckets.size()>;
  using SizeHistogram = metrics::LocalHistogram<metrics::kSizeBuckets.size()>;

  void Observe(const Observation& o) {
    requests[o.proto][o.family][o.type_slot].Add();
    if (o.dnssec_ok) do_requests.Add();
    responses[o.rcode & 0xF][o.responder < metrics::kResponderSlots ? o.responder : 0].Add();
    duration[o.type_slot].Observe(metrics::kTimeBuckets, o.seconds);
    request_size[o.proto].Observe(metrics::kSizeBuckets, static_cast<double>(o.request_size));
    response_size[o.proto].Observe(metrics::kSizeBuckets, static_cast<double>(o.response_size));
  }

  std::array<std::array<std::array<metrics::LocalCounter, kTypeSlots>, 2>, 2> requests{};  // [proto][family][type]
  std::array<std::array<metrics::LocalCounter, metrics::kResponderSlots>, metrics::kRcodeSlots> responses{};  // [rcode][plugin]
  std::array<TimeHistogram, kTypeSlots> duration{};
  std::array<SizeHistogram, 2> request_size{}, response_size{};  // [proto]
  metrics::LocalCounter do_requests;
};

// Every SeriesBlock of one worker index, keyed by (server, zone). Blocks are added by the worker
// (under `mutex`, once per new key) and read by the scraper (under `mutex`); their addresses are
// stable, so the worker keeps pointers and counts without the lock.
class WorkerSeries {
 public:
  struct Entry {
    std::string server;  // "dns://:53"
    std::string zone;    // "example.org."
    std::unique_ptr<SeriesBlock> block;
  };

  SeriesBlock& Find(std::string_view server, std::string_view zone);
  template <typename F>
  void ForEach(F&& f) const {
    std::lock_guard lock(mutex_);
    for (const Entry& e : entries_) f(e);
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace dnsd::plugins::prometheus
