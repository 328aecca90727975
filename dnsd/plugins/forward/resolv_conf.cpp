#include "dnsd/plugins/forward/resolv_conf.hpp"

#include <ares.h>

#include <array>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

namespace dnsd::plugins::forward {
namespace {

namespace ip = boost::asio::ip;

// c-ares falls back to 127.0.0.1 when a file names no server, so we look for a nameserver line
// ourselves first; the addresses themselves come from c-ares.
bool HasNameserverLine(const std::string& content) {
  std::istringstream lines(content);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string word;
    if (words >> word && word == "nameserver") return true;
  }
  return false;
}

}  // namespace

std::optional<std::vector<ip::udp::endpoint>> ReadResolvConf(const std::string& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::ostringstream content;
  content << file.rdbuf();
  if (file.bad()) return std::nullopt;
  std::vector<ip::udp::endpoint> servers;
  if (!HasNameserverLine(content.str())) return servers;

  static std::once_flag init_once;
  static int init_status = ARES_SUCCESS;
  std::call_once(init_once, [] { init_status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (init_status != ARES_SUCCESS) return std::nullopt;

  ares_options options;
  std::memset(&options, 0, sizeof options);
  std::string path_copy = path;
  options.resolvconf_path = path_copy.data();
  ares_channel channel = nullptr;
  if (ares_init_options(&channel, &options, ARES_OPT_RESOLVCONF) != ARES_SUCCESS)
    return std::nullopt;

  ares_addr_port_node* nodes = nullptr;
  if (ares_get_servers_ports(channel, &nodes) == ARES_SUCCESS) {
    for (ares_addr_port_node* node = nodes; node != nullptr; node = node->next) {
      auto port = static_cast<unsigned short>(node->udp_port > 0 ? node->udp_port : 53);
      if (node->family == AF_INET) {
        ip::address_v4::bytes_type bytes;
        std::memcpy(bytes.data(), &node->addr.addr4, bytes.size());
        servers.emplace_back(ip::address_v4(bytes), port);
      } else if (node->family == AF_INET6) {
        ip::address_v6::bytes_type bytes;
        std::memcpy(bytes.data(), &node->addr.addr6, bytes.size());
        servers.emplace_back(ip::address_v6(bytes), port);
      }
    }
    ares_free_data(nodes);
  }
  ares_destroy(channel);
  return servers;
}

}  // namespace dnsd::plugins::forward
