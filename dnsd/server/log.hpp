// Process log lines on stderr, as CoreDNS prints them ("[INFO] ...", "[WARNING] ...", "[ERROR] ...").
#pragma once

#include <string_view>

namespace dnsd::server {

enum class LogLevel { kInfo, kWarning, kError };

void Log(LogLevel level, std::string_view message);

}  // namespace dnsd::server
