#include "dnsd/plugins/prometheus/series.hpp"

#include <algorithm>

namespace dnsd::plugins::prometheus {
namespace {

constexpr std::array<std::string_view, kMonitoredTypes.size()> kTypeNames = {
    "A",    "AAAA",  "ANY",  "AXFR", "CNAME", "DNSKEY", "DS",  "HTTPS", "IXFR",
    "MX",   "NS",    "NSEC", "NSEC3", "PTR",  "RRSIG",  "SOA", "SRV",   "TXT"};

// miekg/dns RcodeToString for the 4-bit header codes.
constexpr std::array<std::string_view, 11> kRcodeNames = {
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
    "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"};

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

std::string RcodeLabel(std::size_t rcode) {
  if (rcode < kRcodeNames.size()) return std::string(kRcodeNames[rcode]);
  return std::to_string(rcode);
}

std::string ServerLabel(std::uint16_t port) { return "dns://:" + std::to_string(port); }

std::string ZonesLabel(const std::vector<std::string>& zones) {
  std::string label;
  for (const std::string& zone : zones) label += (label.empty() ? "" : ",") + zone;
  return label;
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
