#include "dnsd/cli/flags.hpp"

#include <charconv>

namespace dnsd::cli {
namespace {

bool ParseBool(const std::string& text, bool* out) {
  // Go's strconv.ParseBool.
  if (text == "1" || text == "t" || text == "T" || text == "true" || text == "TRUE" || text == "True") {
    *out = true;
    return true;
  }
  if (text == "0" || text == "f" || text == "F" || text == "false" || text == "FALSE" || text == "False") {
    *out = false;
    return true;
  }
  return false;
}

}  // namespace

FlagsResult ParseFlags(const std::vector<std::string>& args) {
  FlagsResult result;
  Flags& flags = result.flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') break;  // Go stops at the first non-flag argument
    if (arg == "--") break;
    std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    bool* boolean = name == "quiet" ? &flags.quiet : name == "plugins" ? &flags.plugins
                  : name == "version" ? &flags.version : (name == "h" || name == "help") ? &flags.help
                  : name == "check" ? &flags.check : nullptr;
    if (boolean) {
      if (value && !ParseBool(*value, boolean)) {
        result.error = "invalid boolean value \"" + *value + "\" for -" + name;
        return result;
      }
      if (!value) *boolean = true;
      continue;
    }
    if (name != "conf" && name != "dns.port" && name != "pidfile") {
      result.error = "flag provided but not defined: -" + name;
      return result;
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        result.error = "flag needs an argument: -" + name;
        return result;
      }
      value = args[++i];
    }
    if (name == "conf") {
      flags.conf = *value;
    } else if (name == "pidfile") {
      flags.pidfile = *value;
    } else {
      unsigned port = 0;
      auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), port);
      if (ec != std::errc() || end != value->data() + value->size() || port > 65535) {
        result.error = "invalid value \"" + *value + "\" for -dns.port: not a port number";
        return result;
      }
      flags.dns_port = static_cast<std::uint16_t>(port);
    }
  }
  return result;
}

std::string Usage(const std::string& program) {
  return "Usage of " + program + ":\n"
         "  -check\n"
         "    \tCheck the Corefile: print every error (file:line:column) and exit; 0 when there is none (dnsd only)\n"
         "  -conf string\n"
         "    \tCorefile to load (default \"Corefile\"; \"stdin\" reads standard input)\n"
         "  -dns.port string\n"
         "    \tDefault port (default \"53\"; the built-in config uses 1053)\n"
         "  -pidfile string\n"
         "    \tPath to write pid file\n"
         "  -plugins\n"
         "    \tList installed plugins\n"
         "  -quiet\n"
         "    \tQuiet mode (no initialization output)\n"
         "  -version\n"
         "    \tShow version\n";
}

}  // namespace dnsd::cli
