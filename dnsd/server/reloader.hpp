// Live config reload, as CoreDNS does it: SIGUSR1 (and SIGHUP) re-read the Corefile and restart
// with it; with the `reload` plugin the Corefile is also checked every period and reloaded when its
// parsed form changed (comments and whitespace do not count). The new config is parsed and built on
// the main thread, away from the workers; a config that fails keeps the old one serving.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "dnsd/config/corefile.hpp"
#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::server {

class Server;

// Where the config comes from. `path` empty: the built-in text (reparsed, nothing to watch);
// "stdin": cannot be read again.
struct ConfigSource {
  std::string path;
  std::string builtin_text;
  std::string builtin_name;
  std::uint16_t default_port = 53;
};

// SHA-512 (hex) of a parsed Corefile: server block keys and every directive token, so that only
// changes CoreDNS would see as changes trigger a reload. Also reported as coredns_reload_version_info.
std::string CorefileDigest(const config::Corefile& corefile);

class ConfigReloader {
 public:
  // `running`: the Corefile the server was started with; `registry`: the plugins new configs are
  // built with (and where reloads are reported). It must outlive the reloader.
  ConfigReloader(ConfigSource source, const config::Corefile& running,
                 const pipeline::PluginRegistry& registry);

  // Installs the SIGUSR1/SIGHUP handler and, if the running config has `reload`, the periodic check
  // on `io` (the main thread's loop). `server` must outlive `io`'s run.
  void Run(boost::asio::io_context& io, Server& server);

  // Drops the signal handler and the timer; called before the `io` given to Run is destroyed.
  void Stop() {
    timer_.reset();
    signals_.reset();
  }

  enum class Trigger { kSignal, kTimer };
  // Reads, parses and builds the Corefile and swaps it in. A timer reload skips a file whose parsed
  // form did not change. Returns an empty string, or the error (already logged, config unchanged).
  std::string ReloadNow(Server& server, Trigger trigger, const char* signal_name = "SIGUSR1");

 private:
  void WaitSignal();
  void ScheduleCheck();
  void ReportRunning(const std::string& digest) const;

  ConfigSource source_;
  const pipeline::PluginRegistry& registry_;
  std::string running_digest_;
  std::string last_text_;  // what the timer saw last time, so a broken file is reported once
  Server* server_ = nullptr;
  std::optional<boost::asio::signal_set> signals_;
  std::optional<boost::asio::steady_timer> timer_;
};

}  // namespace dnsd::server
