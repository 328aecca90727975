#include "dnsd/plugins/prometheus/series.hpp"

#include <algorithm>

namespace dnsd::plugins::prometheus {
namespace {

constexpr std::array<std::string_view, kMonitoredTypes.size()> kTypeNames = {
    "A",    "AAAA",  "ANY",  "AXFR", "CNAME", "DNSKEY", "DS",  "HTTPS", "IXFR",
    "MX",   "NS",    "NSEC", "NSEC3", "PTR",  "RRSIG",  "SOA", "SRV",   "TXT"};

}  // namespace

std::size_t TypeSlot(std::uint16_t qtype) {
  for (std::size_t i = 0; i < kMonitoredTypes.size(); ++i) {
    if (kMonitoredTypes[i] == qtype) return i;
  }
  return kMonitoredTypes.size();
}

std::string_view TypeLabel(std::size_t slot) {
  return slot < kTypeNames.size() ? kTypeNames[slot] : std::string_view("other");
}

SeriesBlock& WorkerSeries::Find(std::string_view server, std::string_view zone) {
  std::lock_guard lock(mutex_);
  for (Entry& e : entries_) {
    if (e.server == server && e.zone == zone) return *e.block;
  }
  entries_.push_back({std::string(server), std::string(zone), std::make_unique<SeriesBlock>()});
  return *entries_.back().block;
}

}  // namespace dnsd::plugins::prometheus
