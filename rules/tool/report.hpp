// `dnsd-rules report [URL] [--json] [--top N]`: the running daemon's legacy-name report
// (/legacy.json on its prometheus listener, docs/metrics.md), fetched over plain HTTP/1.1 and
// printed as tables.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace dnsd::rules_tool {

// `args` are the words after "report". 0 printed; 1 the daemon is unreachable, has no report or
// sent something that is not one; 2 bad arguments (usage on `err`).
int Report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace dnsd::rules_tool
