// `dnsd-rules import-marathon`: a Marathon /v2/apps JSON dump -> the preset's mapping table.
// JSON is YAML, so yaml-cpp reads it and its marks give errors their line and column.
#include <yaml-cpp/yaml.h>

#include <map>
#include <sstream>

#include "rules/dcos_preset.hpp"

namespace dnsd::rules {
namespace {

// A YAML double-quoted scalar.
std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) continue;  // control characters have no place in an id
    out.push_back(c);
  }
  return out + "\"";
}

bool IsPortName(std::string_view name) {
  if (name.empty() || name.size() > 15 || name.front() == '-' || name.back() == '-') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// node[key] for maps that have it, else an undefined node: yaml-cpp throws when indexing an
// undefined node, and a JSON dump may lack any part.
YAML::Node Child(const YAML::Node& node, const char* key) {
  if (!node.IsDefined() || !node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node child = node[key];
  return child.IsDefined() ? child : YAML::Node(YAML::NodeType::Undefined);
}

struct App {
  std::string id;
  std::vector<std::string> ports, vips, notes;
  bool mesos_dns_names = true;
};

class Importer {
 public:
  explicit Importer(const std::string& file) : file_(file) {}

  bool Read(const YAML::Node& root, std::vector<App>& apps) {
    YAML::Node list;
    if (const YAML::Node apps = Child(root, "apps"); apps.IsDefined()) list = apps;
    else if (const YAML::Node app = Child(root, "app"); app.IsDefined()) list.push_back(app);  // /v2/apps/<id>
    else if (root.IsSequence()) list = root;
    else return Fail(root, "want a Marathon /v2/apps dump: {\"apps\": [...]}");
    if (!list.IsSequence()) return Fail(list, "\"apps\": want a list");
    for (const YAML::Node& node : list) {
      if (!node.IsMap()) return Fail(node, "an app: want an object");
      const YAML::Node id = Child(node, "id");
      if (!id.IsDefined() || !id.IsScalar() || id.Scalar().empty()) return Fail(node, "an app without \"id\"");
      App app;
      app.id = id.Scalar();
      if (app.id.front() != '/') app.id.insert(app.id.begin(), '/');
      // Ports: portDefinitions (host networking), else the container's portMappings (bridge and
      // container networks; Marathon 1.4 and older keep them under container.docker).
      const YAML::Node container = Child(node, "container");
      YAML::Node ports = Child(node, "portDefinitions");
      if (!ports.IsSequence() || ports.size() == 0) ports = Child(container, "portMappings");
      if (!ports.IsSequence() || ports.size() == 0) ports = Child(Child(container, "docker"), "portMappings");
      if (ports.IsSequence()) {
        for (const YAML::Node& port : ports) {
          if (!port.IsMap()) return Fail(port, "a port definition: want an object");
          if (!Port(port, app)) return false;
        }
      }
      apps.push_back(std::move(app));
    }
    return true;
  }

  std::optional<RuleError> error;

 private:
  bool Fail(const YAML::Node& node, std::string message) {
    const YAML::Mark mark = node.Mark();
    if (!error) error = RuleError{{file_, mark.line + 1, mark.column + 1}, "import-marathon: " + std::move(message)};
    return false;
  }

  bool Port(const YAML::Node& port, App& app) {
    if (const YAML::Node name = Child(port, "name"); name.IsScalar() && !name.Scalar().empty()) {
      std::string lower = name.Scalar();
      for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      if (IsPortName(lower)) app.ports.push_back(lower);
      else app.notes.push_back("port name " + Quoted(name.Scalar()) + " is not a Kubernetes port name: left out");
    }
    const YAML::Node labels = Child(port, "labels");
    if (!labels.IsMap()) return true;
    for (const auto& label : labels) {
      const std::string key = label.first.Scalar();
      if (key.rfind("VIP_", 0) != 0 || !label.second.IsScalar()) continue;
      const std::string& vip = label.second.Scalar();
      if (VipName(vip).empty()) {
        app.notes.push_back("VIP " + Quoted(vip) + " is an IP address: it has no DNS name");
        continue;
      }
      app.vips.push_back(vip);
    }
    return true;
  }

  std::string file_;
};

std::string ListOf(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + Quoted(items[i]);
  return out + "]";
}

}  // namespace

MarathonImport ImportMarathonApps(std::string_view json, const std::string& file) {
  MarathonImport result;
  YAML::Node root;
  std::vector<App> apps;
  Importer importer(file);
  try {
    root = YAML::Load(std::string(json));
    if (!importer.Read(root, apps)) {
      result.error = importer.error;
      return result;
    }
  } catch (const YAML::Exception& e) {
    result.error = RuleError{{file, e.mark.line + 1, e.mark.column + 1}, "import-marathon: " + e.msg};
    return result;
  }
  // Mesos-DNS gives /a-b and /b/a the same name a-b.marathon.mesos; a Kubernetes name has one
  // target, so the first app keeps it and the others are told (mesos_dns_names: false).
  std::map<std::string, std::string> hyphen_owner, vip_owner;
  for (App& app : apps) {
    const std::string hyphen = MesosDnsLabel(MarathonTaskName(app.id));
    if (const auto [it, fresh] = hyphen_owner.emplace(hyphen, app.id); !fresh) {
      app.mesos_dns_names = false;
      app.notes.push_back(hyphen + ".marathon.mesos is also the Mesos-DNS name of " + it->second +
                          ", which keeps it (see docs/migration.md)");
    }
    std::vector<std::string> vips;
    for (const std::string& vip : app.vips) {
      const auto [it, fresh] = vip_owner.emplace(VipName(vip), app.id);
      if (fresh || it->second == app.id) {
        vips.push_back(vip);
      } else {
        app.notes.push_back("VIP " + Quoted(vip) + " is also a VIP of " + it->second + ", which keeps it");
      }
    }
    app.vips = std::move(vips);
  }
  std::ostringstream out;
  out << "# dnsd_dcos mapping table (docs/migration.md), from the Marathon apps in " << file << ".\n"
      << "# Each app's legacy names map to <service>.<namespace>.svc.<cluster_domain>; service defaults\n"
      << "# to the app's last segment, namespace to the Corefile's namespace pattern. Set either to override.\n"
      << "version: 1\n"
      << "apps:\n";
  if (apps.empty()) out << "  []\n";
  for (const App& app : apps) {
    for (const std::string& note : app.notes) out << "  # " << app.id << ": " << note << "\n";
    out << "  - id: " << Quoted(app.id) << "\n";
    if (!app.ports.empty()) out << "    ports: " << ListOf(app.ports) << "\n";
    if (!app.vips.empty()) out << "    vips: " << ListOf(app.vips) << "\n";
    if (!app.mesos_dns_names) out << "    mesos_dns_names: false\n";
    result.vips += app.vips.size();
  }
  result.apps = apps.size();
  result.yaml = out.str();
  return result;
}

}  // namespace dnsd::rules
