// The preset's mapping table (YAML, docs/migration.md "The mapping table"), read with yaml-cpp's
// node API: tables are small (one entry per app), and every node carries the mark errors point at.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "dnsd/wire/name.hpp"
#include "rules/dcos_preset.hpp"

namespace dnsd::rules {
namespace {

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsLabel(std::string_view text) {
  return !text.empty() && text.size() <= 63 && text.front() != '-' && text.back() != '-' &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

struct TableError {
  SourcePosition pos;
  std::string message;
};

class TableReader {
 public:
  explicit TableReader(const std::string& file) : file_(file) {}

  bool Read(const YAML::Node& root, DcosTable& table) {
    if (!root.IsDefined() || root.IsNull()) return true;  // an empty table
    if (!root.IsMap()) return Fail(root, "a mapping table is a map with apps: and names: (see docs/migration.md)");
    for (const auto& entry : root) {
      const std::string key = entry.first.Scalar();
      if (key == "version") {
        if (!entry.second.IsScalar() || entry.second.Scalar() != "1") return Fail(entry.second, "version: want 1");
      } else if (key == "apps") {
        if (!ReadList(entry.second, "apps", [&](const YAML::Node& n) { return ReadApp(n, table); })) return false;
      } else if (key == "names") {
        if (!ReadList(entry.second, "names", [&](const YAML::Node& n) { return ReadName(n, table); })) return false;
      } else {
        return Fail(entry.first, "unknown key " + Quote(key) + " (want apps, names or version)");
      }
    }
    return true;
  }

  SourcePosition At(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    return {file_, mark.line + 1, mark.column + 1};
  }

  std::optional<TableError> error;

 private:
  bool Fail(const YAML::Node& node, std::string message) {
    if (!error) error = TableError{At(node), "dnsd_dcos mappings: " + std::move(message)};
    return false;
  }

  template <typename F>
  bool ReadList(const YAML::Node& node, std::string_view what, F&& each) {
    if (node.IsNull()) return true;
    if (!node.IsSequence()) return Fail(node, std::string(what) + ": want a list");
    for (const auto& item : node) {
      if (!each(item)) return false;
    }
    return true;
  }

  bool Scalar(const YAML::Node& node, std::string_view what, std::string& out) {
    if (!node.IsScalar() || node.Scalar().empty()) return Fail(node, std::string(what) + ": want a non-empty string");
    out = node.Scalar();
    return true;
  }

  bool Labels(const YAML::Node& node, std::string_view what, std::vector<std::string>& out, bool labels) {
    if (node.IsScalar()) {  // one value for a list of one
      std::string one;
      if (!Scalar(node, what, one)) return false;
      if (labels && !IsLabel(Lower(one))) return Fail(node, std::string(what) + ": " + Quote(one) + " is not a DNS label");
      out.push_back(labels ? Lower(one) : one);
      return true;
    }
    if (!node.IsSequence()) return Fail(node, std::string(what) + ": want a list of strings");
    for (const auto& item : node) {
      std::string value;
      if (!Scalar(item, what, value)) return false;
      if (labels && (!IsLabel(Lower(value)) || value.size() > 15)) {
        return Fail(item, std::string(what) + ": " + Quote(value) + " is not a port name (1-15 of a-z, 0-9, '-')");
      }
      out.push_back(labels ? Lower(value) : value);
    }
    return true;
  }

  bool ReadApp(const YAML::Node& node, DcosTable& table) {
    if (!node.IsMap()) return Fail(node, "apps: each entry is a map with id: (and service, namespace, ports, vips)");
    DcosApp app;
    app.pos = At(node);
    bool has_id = false;
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      const YAML::Node& value = entry.second;
      if (key == "id") {
        if (!Scalar(value, "id", app.id)) return false;
        if (app.id.front() != '/' || app.id.size() < 2 || app.id.back() == '/' || app.id.find("//") != std::string::npos) {
          return Fail(value, "id: " + Quote(app.id) + " is not a Marathon app id (want /group/app)");
        }
        app.pos = At(value);
        has_id = true;
      } else if (key == "service" || key == "namespace") {
        std::string text;
        if (!Scalar(value, key, text)) return false;
        if (!IsLabel(Lower(text))) return Fail(value, key + ": " + Quote(text) + " is not a DNS label");
        (key == "service" ? app.service : app.ns) = Lower(text);
      } else if (key == "ports") {
        if (!Labels(value, "ports", app.ports, true)) return false;
      } else if (key == "vips") {
        const std::size_t before = app.vips.size();
        if (!Labels(value, "vips", app.vips, false)) return false;
        for (std::size_t i = before; i < app.vips.size(); ++i) {
          if (VipName(app.vips[i]).empty()) {
            return Fail(value.IsSequence() ? value[i - before] : value,
                        "vips: " + Quote(app.vips[i]) + " names no VIP (an IP:port VIP has no DNS name; want /name:port)");
          }
        }
      } else if (key == "mesos_dns_names") {
        if (!value.IsScalar() || (value.Scalar() != "true" && value.Scalar() != "false")) {
          return Fail(value, "mesos_dns_names: want true or false");
        }
        app.mesos_dns_names = value.Scalar() == "true";
      } else {
        return Fail(entry.first, "unknown key " + Quote(key) +
                                     " in an app (want id, service, namespace, ports, vips or mesos_dns_names)");
      }
    }
    if (!has_id) return Fail(node, "apps: entry without id:");
    table.apps.push_back(std::move(app));
    return true;
  }

  bool Domain(const YAML::Node& node, std::string_view what, std::string& out) {
    std::string text;
    if (!Scalar(node, what, text)) return false;
    out = Lower(text);
    if (out.back() != '.') out.push_back('.');
    wire::Name name;
    if (out == "." || wire::Name::FromString(out, name) != wire::WireError::kOk) {
      return Fail(node, std::string(what) + ": " + Quote(text) + " is not a domain name");
    }
    return true;
  }

  bool ReadName(const YAML::Node& node, DcosTable& table) {
    if (!node.IsMap()) return Fail(node, "names: each entry is a map with legacy: and target:");
    DcosName name;
    name.pos = At(node);
    bool legacy = false, target = false;
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      if (key == "legacy") {
        if (!Domain(entry.second, "legacy", name.legacy)) return false;
        name.pos = At(entry.second);
        legacy = true;
      } else if (key == "target") {
        if (!Domain(entry.second, "target", name.target)) return false;
        target = true;
      } else {
        return Fail(entry.first, "unknown key " + Quote(key) + " in a name (want legacy or target)");
      }
    }
    if (!legacy || !target) return Fail(node, std::string("names: entry without ") + (legacy ? "target:" : "legacy:"));
    table.names.push_back(std::move(name));
    return true;
  }

  std::string file_;
};

}  // namespace

std::string MesosDnsLabel(std::string_view text) {
  std::string out;
  for (char c : text) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) out.push_back(l);
    else if (l == '-' || l == '.' || l == '_') out.push_back('-');
  }
  if (out.size() > 63) out.resize(63);
  const std::size_t first = out.find_first_not_of('-');
  if (first == std::string::npos) return "";
  const std::size_t last = out.find_last_not_of('-');
  return out.substr(first, last - first + 1);
}

std::string MarathonTaskName(std::string_view app_id) {
  std::string task;
  for (std::size_t start = 0; start <= app_id.size();) {
    std::size_t end = app_id.find('/', start);
    if (end == std::string_view::npos) end = app_id.size();
    if (end > start || start > 0) {  // a leading '/' starts no segment
      const std::string label = MesosDnsLabel(app_id.substr(start, end - start));
      if (label.empty()) return "";
      task = label + (task.empty() ? "" : ".") + task;
    }
    start = end + 1;
  }
  return task;
}

std::string VipName(std::string_view label) {
  const std::size_t colon = label.rfind(':');
  std::string_view name = colon == std::string_view::npos ? label : label.substr(0, colon);
  // dcos-net: an IP VIP (1.2.3.4:80) has no name; a named one drops its slashes.
  if (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) {
    return "";
  }
  std::string out;
  for (char c : name) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '-' || l == '.') out.push_back(l);
  }
  while (!out.empty() && out.front() == '.') out.erase(out.begin());
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

ParsedDcosTable ParseDcosTable(std::string_view text, const std::string& file) {
  ParsedDcosTable result;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    result.error = RuleError{{file, e.mark.line + 1, e.mark.column + 1}, "dnsd_dcos mappings: " + e.msg};
    return result;
  }
  TableReader reader(file);
  try {
    if (!reader.Read(root, result.table)) {
      result.error = RuleError{reader.error->pos, reader.error->message};
      result.table = {};
    }
  } catch (const YAML::Exception& e) {  // e.g. a key that is itself a map
    result.error = RuleError{{file, e.mark.line + 1, e.mark.column + 1}, "dnsd_dcos mappings: " + e.msg};
    result.table = {};
  }
  return result;
}

ParsedDcosTable LoadDcosTable(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ParsedDcosTable result;
    result.error = RuleError{{path, 0, 0}, "cannot read the file"};
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseDcosTable(text.str(), path);
}

}  // namespace dnsd::rules
