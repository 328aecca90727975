// dnsd-rules: validate, try out and explain rewrite rule sets without running the daemon.
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"

namespace {

constexpr const char* kUsage =
    "usage: dnsd-rules check FILE\n"
    "       dnsd-rules test FILE NAME [TYPE]\n"
    "       dnsd-rules explain FILE\n"
    "       dnsd-rules import-marathon APPS.json [-o FILE]\n"
    "FILE is a Corefile (the rewrite lines of every server block, with their dnsd_rules files)\n"
    "or a YAML rule set (.yaml/.yml, or a file starting with version: or rules:).\n"
    "import-marathon converts a Marathon /v2/apps JSON dump (- for stdin) into the mapping table of\n"
    "rewrite dnsd_dcos { mappings FILE } (docs/migration.md); without -o it is printed.\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  using namespace dnsd::rules_tool;
  if (args.size() == 2 && args[0] == "check") return Check(args[1], std::cout, std::cerr);
  if (args.size() == 2 && args[0] == "explain") return Explain(args[1], std::cout, std::cerr);
  if ((args.size() == 3 || args.size() == 4) && args[0] == "test") {
    return Test(args[1], args[2], args.size() == 4 ? args[3] : "", std::cout, std::cerr);
  }
  if (!args.empty() && args[0] == "import-marathon") {
    if (args.size() == 2) return ImportMarathon(args[1], "", std::cout, std::cerr);
    if (args.size() == 4 && args[2] == "-o") return ImportMarathon(args[1], args[3], std::cout, std::cerr);
  }
  if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help")) {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << kUsage;
  return 2;
}
