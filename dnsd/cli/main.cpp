// dnsd: a CoreDNS-compatible DNS daemon. Flags and start-up output follow CoreDNS.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/cli/default_config.hpp"
#include "dnsd/cli/flags.hpp"
#include "dnsd/config/corefile.hpp"
#include "dnsd/plugins/registry.hpp"
#include "dnsd/server/reloader.hpp"
#include "dnsd/server/server.hpp"

#ifndef DNSD_VERSION
#define DNSD_VERSION "0.0.0"
#endif
#ifndef DNSD_GIT_COMMIT
#define DNSD_GIT_COMMIT "unknown"
#endif

namespace {

std::string VersionText() {
  return std::string("dnsd-") + DNSD_VERSION + "\nlinux/amd64, gcc " + __VERSION__ + ", " +
         DNSD_GIT_COMMIT + "\n";
}

std::string PluginsText() {
  std::string text = "Server types:\n  dns\n\nCaddyfile loaders:\n  flag\n  default\n\nOther plugins:\n";
  for (const dnsd::pipeline::Plugin& plugin : dnsd::plugins::Registry().plugins) {
    if (plugin.implemented()) text += "  dns." + std::string(plugin.name) + "\n";
  }
  return text;
}

int Fail(const std::string& message) {
  std::cerr << "dnsd: " << message << "\n";
  return 1;
}

// -check: every error of the Corefile, one per line, without listening anywhere. A syntax error
// ends the parse, so it is the only one; past the parse, each block and directive is set up.
int Check(const dnsd::config::Parsed<dnsd::config::Corefile>& corefile,
          const dnsd::server::ConfigSource& source) {
  const std::string name = source.path.empty() ? source.builtin_name : source.path;
  if (!corefile.ok()) {
    std::cerr << corefile.error.ToString() << "\n";
    return 1;
  }
  std::vector<dnsd::config::ConfigError> errors;
  dnsd::server::BuildRoutes(*corefile.value, source.default_port, dnsd::plugins::Registry(), errors);
  for (const dnsd::config::ConfigError& error : errors) std::cerr << error.ToString() << "\n";
  if (!errors.empty()) {
    std::cerr << name << ": " << errors.size() << (errors.size() == 1 ? " error\n" : " errors\n");
    return 1;
  }
  std::cout << name << ": ok\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  // Before any thread starts: a SIGTERM or SIGUSR1 sent as soon as the pidfile exists waits for the
  // server to handle it instead of killing the process.
  dnsd::server::BlockStopAndReloadSignals();
  dnsd::server::RaiseDescriptorLimit();
  std::vector<std::string> args(argv + 1, argv + argc);
  dnsd::cli::FlagsResult parsed = dnsd::cli::ParseFlags(args);
  if (!parsed.error.empty()) {
    std::cerr << parsed.error << "\n" << dnsd::cli::Usage(argv[0]);
    return 2;
  }
  const dnsd::cli::Flags& flags = parsed.flags;
  if (flags.help) {
    std::cerr << dnsd::cli::Usage(argv[0]);
    return 0;
  }
  if (flags.version) {
    std::cout << VersionText();
    return 0;
  }
  if (flags.plugins) {
    std::cout << PluginsText();
    return 0;
  }

  dnsd::config::Parsed<dnsd::config::Corefile> corefile;
  dnsd::server::ConfigSource source;
  source.default_port = flags.dns_port.value_or(53);
  if (!flags.conf.empty()) {
    source.path = flags.conf;
  } else if (std::filesystem::exists("Corefile")) {
    source.path = "Corefile";  // CoreDNS looks here too
  } else {
    source.builtin_text = dnsd::cli::kBuiltInCorefile;
    source.builtin_name = "built-in default Corefile";
    source.default_port = flags.dns_port.value_or(dnsd::cli::kBuiltInPort);
  }
  corefile = source.path.empty() ? dnsd::config::ParseCorefile(source.builtin_text, source.builtin_name)
                                 : dnsd::config::ParseCorefileFromPath(source.path);
  if (flags.check) return Check(corefile, source);
  if (!corefile.ok()) return Fail(corefile.error.ToString());

  auto routes = dnsd::server::BuildRoutes(*corefile.value, source.default_port, dnsd::plugins::Registry());
  if (!routes.ok()) return Fail(routes.error.ToString());
  auto shared_routes = std::make_shared<const dnsd::server::Routes>(std::move(*routes.value));

  dnsd::server::Server server(shared_routes, dnsd::server::DefaultWorkerCount());
  if (std::string error = server.Start(); !error.empty()) return Fail(error);

  if (!flags.pidfile.empty()) {
    std::ofstream pidfile(flags.pidfile);
    pidfile << ::getpid() << "\n";
    if (!pidfile) return Fail("cannot write pidfile \"" + flags.pidfile + "\"");
  }
  if (!flags.quiet) {
    std::cout << dnsd::server::StartUpZones(*shared_routes);
    std::cout << VersionText() << std::flush;
  }
  dnsd::server::ConfigReloader reloader(source, *corefile.value, dnsd::plugins::Registry());
  server.RunUntilSignal(&reloader);
  if (!flags.pidfile.empty()) std::remove(flags.pidfile.c_str());
  return 0;
}
