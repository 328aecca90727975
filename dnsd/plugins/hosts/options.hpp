// What a `hosts` directive says, parsed and validated (CoreDNS 1.11 syntax and defaults).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace dnsd::plugins::hosts {

inline constexpr const char* kDefaultPath = "/etc/hosts";
inline constexpr std::uint32_t kDefaultTtl = 3600;
inline constexpr std::chrono::seconds kDefaultReload{5};

struct Options {
  // As written: CoreDNS prepends only the `root` plugin's folder (dnsd has none), so a relative
  // path is taken from the working directory, as CoreDNS does without `root`.
  std::string path = kDefaultPath;
  std::vector<std::string> zones;  // normalised ("example.org."); the server block's by default
  std::uint32_t ttl = kDefaultTtl;
  bool auto_reverse = true;        // false with `no_reverse`
  std::chrono::nanoseconds reload = kDefaultReload;  // 0: the file is read once
  std::vector<std::string> fallthrough;  // zones passed on when nothing matches; empty: none
  std::vector<std::string> inline_lines;  // hosts-file lines written in the block
};

}  // namespace dnsd::plugins::hosts
