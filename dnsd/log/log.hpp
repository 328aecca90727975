// The daemon's own log lines on stderr, as CoreDNS prints them ("[INFO] ...", "[WARNING] ...",
// "[ERROR] ...", "[FATAL] ..."). Slow path only (start-up, reloads, errors): query logging is the
// log plugin's, which batches per worker.
#pragma once

#include <string_view>

namespace dnsd::log {

enum class Level { kInfo, kWarning, kError, kFatal };

// One line, written with one call: lines from different threads do not interleave.
void Write(Level level, std::string_view message);

inline void Info(std::string_view message) { Write(Level::kInfo, message); }
inline void Warning(std::string_view message) { Write(Level::kWarning, message); }
inline void Error(std::string_view message) { Write(Level::kError, message); }

}  // namespace dnsd::log
