#include "dnsd/server/log.hpp"

#include <cstdio>
#include <mutex>
#include <string>

namespace dnsd::server {

void Log(LogLevel level, std::string_view message) {
  static std::mutex mutex;  // slow path only (start-up, errors); query logging is a later plugin
  const char* prefix = level == LogLevel::kInfo ? "[INFO] " : level == LogLevel::kWarning ? "[WARNING] " : "[ERROR] ";
  std::string line = std::string(prefix) + std::string(message) + "\n";
  std::lock_guard lock(mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace dnsd::server
