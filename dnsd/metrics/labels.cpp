#include "dnsd/metrics/labels.hpp"

#include <string_view>

namespace dnsd::metrics {
namespace {

// miekg/dns RcodeToString for the 4-bit header codes.
constexpr std::array<std::string_view, 11> kRcodeNames = {
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
    "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"};

}  // namespace

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

}  // namespace dnsd::metrics
