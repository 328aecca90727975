#include "dnsd/log/log.hpp"

#include <cstdio>
#include <string>

namespace dnsd::log {
namespace {

std::string_view Prefix(Level level) {
  switch (level) {
    case Level::kInfo: return "[INFO] ";
    case Level::kWarning: return "[WARNING] ";
    case Level::kError: return "[ERROR] ";
    case Level::kFatal: return "[FATAL] ";
  }
  return "[ERROR] ";
}

}  // namespace

void Write(Level level, std::string_view message) {
  const std::string_view prefix = Prefix(level);
  std::string line;
  line.reserve(prefix.size() + message.size() + 1);
  line.append(prefix).append(message).append("\n");
  // stdio locks the stream for the call, so a line is never split by another thread's.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace dnsd::log
