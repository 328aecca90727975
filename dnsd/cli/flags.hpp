// Command-line flags with CoreDNS's names and Go `flag` package behaviour: -name or --name,
// "-name value" or "-name=value", booleans as "-quiet" or "-quiet=false".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dnsd::cli {

struct Flags {
  std::string conf;                   // -conf: Corefile path or "stdin"; empty: ./Corefile or built-in
  std::optional<std::uint16_t> dns_port;  // -dns.port: default port of server blocks without one
  std::string pidfile;                // -pidfile
  bool quiet = false;                 // -quiet: no start-up banner
  bool plugins = false;               // -plugins: list plugins and exit
  bool version = false;               // -version: show version and exit
  bool help = false;                  // -h / -help
  bool check = false;                 // -check (dnsd's own): set up every plugin, print every error, exit
};

struct FlagsResult {
  Flags flags;
  std::string error;  // Go-style message, e.g. "flag provided but not defined: -foo"
};

FlagsResult ParseFlags(const std::vector<std::string>& args);
std::string Usage(const std::string& program);

}  // namespace dnsd::cli
