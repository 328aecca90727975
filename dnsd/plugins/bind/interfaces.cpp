#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>

#include "dnsd/plugins/bind/setup.hpp"

namespace dnsd::plugins::bind {
namespace {

std::string AddressText(const sockaddr* address, const char* interface_name) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
    return text;
  }
  const in6_addr& v6 = reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
  ::inet_ntop(AF_INET6, &v6, text, sizeof text);
  // A link-local address means nothing without its interface (Go's net.IPAddr.Zone).
  if (IN6_IS_ADDR_LINKLOCAL(&v6) || IN6_IS_ADDR_MC_LINKLOCAL(&v6)) return std::string(text) + "%" + interface_name;
  return text;
}

}  // namespace

std::vector<Interface> HostInterfaces() {
  std::vector<Interface> interfaces;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return interfaces;  // then no name matches: "not a valid ... name"
  for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    auto same = std::find_if(interfaces.begin(), interfaces.end(),
                             [&](const Interface& i) { return i.name == entry->ifa_name; });
    if (same == interfaces.end()) same = interfaces.insert(interfaces.end(), Interface{entry->ifa_name, {}});
    const sockaddr* address = entry->ifa_addr;
    if (address == nullptr || (address->sa_family != AF_INET && address->sa_family != AF_INET6)) continue;
    same->addresses.push_back(AddressText(address, entry->ifa_name));
  }
  ::freeifaddrs(list);
  return interfaces;
}

}  // namespace dnsd::plugins::bind
