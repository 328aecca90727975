// dnsd-rules import-marathon: a Marathon /v2/apps dump -> the DC/OS preset's mapping table.
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "rules/dcos_preset.hpp"

namespace dnsd::rules_tool {

int ImportMarathon(const std::string& file, const std::string& output, std::ostream& out, std::ostream& err) {
  std::ostringstream text;
  if (file == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      err << file << ": cannot read the file\n";
      return 1;
    }
    text << in.rdbuf();
  }
  const rules::MarathonImport imported = rules::ImportMarathonApps(text.str(), file == "-" ? "stdin" : file);
  if (imported.error) {
    err << imported.error->ToString() << "\n";
    return 1;
  }
  // What was written must be a table the preset reads: checked before anything is written.
  if (const auto table = rules::ParseDcosTable(imported.yaml, output.empty() ? "output" : output); table.error) {
    err << "dnsd-rules: internal error, the table does not read back: " << table.error->ToString() << "\n";
    return 1;
  }
  if (output.empty() || output == "-") {
    out << imported.yaml;
  } else {
    std::ofstream file_out(output, std::ios::binary | std::ios::trunc);
    file_out << imported.yaml;
    if (!file_out.flush()) {
      err << output << ": cannot write the file\n";
      return 1;
    }
  }
  err << "import-marathon: " << imported.apps << (imported.apps == 1 ? " app, " : " apps, ") << imported.vips
      << (imported.vips == 1 ? " VIP" : " VIPs") << (output.empty() || output == "-" ? "" : " -> " + output) << "\n";
  return 0;
}

}  // namespace dnsd::rules_tool
