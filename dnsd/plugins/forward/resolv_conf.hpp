// Nameservers of a resolv.conf-style file, read with c-ares (as CoreDNS reads them with miekg/dns).
#pragma once

#include <boost/asio/ip/udp.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dnsd::plugins::forward {

// nullopt when the file cannot be read; an empty vector when it names no nameserver.
// Port 53 unless the file gives one.
std::optional<std::vector<boost::asio::ip::udp::endpoint>> ReadResolvConf(const std::string& path);

}  // namespace dnsd::plugins::forward
