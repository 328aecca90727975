// `dnsd -check` run from dnsd-rules: the daemon sets up every plugin of a Corefile (unknown plugins,
// bad options, bad rewrite lines), which the rules library alone cannot judge.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dnsd::rules_tool {

struct DaemonCheck {
  std::string binary;               // the dnsd that checked
  std::vector<std::string> errors;  // "file:line:column: message", in the daemon's order
  bool ok = false;                  // exited 0
};

// The dnsd binary to ask: $DNSD_BINARY, else `dnsd` beside this executable, else `dnsd` on PATH.
std::optional<std::string> FindDaemon();
// Runs `dnsd -check -conf FILE`; nullopt when no dnsd can be run.
std::optional<DaemonCheck> RunDaemonCheck(const std::string& corefile);

}  // namespace dnsd::rules_tool
