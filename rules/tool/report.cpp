#include "report.hpp"

#include "http_get.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <variant>

namespace dnsd::rules_tool {
namespace {

constexpr const char* kDefaultUrl = "http://127.0.0.1:9153";
constexpr std::size_t kDefaultTop = 20;
constexpr std::size_t kClientsPerName = 3;

constexpr const char* kUsage =
    "usage: dnsd-rules report [URL] [--json] [--top N]\n"
    "URL is the daemon's prometheus listener (default http://127.0.0.1:9153); the report is URL/legacy.json.\n";

struct Options {
  std::string url = kDefaultUrl;
  bool json = false;
  std::size_t top = kDefaultTop;
};

// ---- the report (/legacy.json, version 1), read with yaml-cpp: JSON is YAML.

struct Client {
  std::string subnet;
  std::uint64_t queries = 0;
};
struct NameRow {
  std::string name, family, rule;
  std::uint64_t queries = 0, error = 0;
  std::vector<Client> clients;
};
struct ShadowName {
  std::string name, rewritten, verdict;
  std::uint64_t queries = 0;
};
struct Shadow {
  bool enabled = false;
  std::string source;
  std::uint64_t evaluated = 0, rewritten = 0, probes = 0, probes_dropped = 0;
  std::vector<ShadowName> names;
};
struct LegacyReport {
  std::string since;
  std::uint64_t total = 0, capacity = 0, memory_bytes = 0;
  std::vector<std::pair<std::string, std::uint64_t>> families;
  std::vector<NameRow> names;
  Shadow shadow;
};

struct BadReport : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string At(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? "" : " at " + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// One JSON object of the report and where it is ("names[3]"), for errors that say which field.
struct Object {
  YAML::Node map;
  std::string where;

  YAML::Node Field(const char* key) const {
    YAML::Node node = map[key];
    if (!node) throw BadReport("no \"" + std::string(key) + "\" in " + where + At(map));
    return node;
  }
  [[noreturn]] void Bad(const char* key, const char* what, const YAML::Node& node) const {
    throw BadReport("\"" + std::string(key) + "\" of " + where + " is not " + what + At(node));
  }
  std::uint64_t Count(const char* key) const {
    YAML::Node node = Field(key);
    try {
      if (node.IsScalar()) return node.as<std::uint64_t>();
    } catch (const YAML::Exception&) {
    }
    Bad(key, "a count", node);
  }
  std::string Text(const char* key) const {
    YAML::Node node = Field(key);
    if (!node.IsScalar()) Bad(key, "a string", node);
    return node.Scalar();
  }
  bool Flag(const char* key) const {
    YAML::Node node = Field(key);
    try {
      return node.as<bool>();
    } catch (const YAML::Exception&) {
      Bad(key, "true or false", node);
    }
  }
  // The objects of list `key`.
  std::vector<Object> List(const char* key) const {
    YAML::Node node = Field(key);
    if (!node.IsSequence()) Bad(key, "a list", node);
    std::vector<Object> items;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string item = (where == "the report" ? "" : where + ".") + key + "[" + std::to_string(i) + "]";
      if (!node[i].IsMap()) throw BadReport(item + " is not an object" + At(node[i]));
      items.push_back({node[i], item});
    }
    return items;
  }
};

LegacyReport ParseReport(const std::string& body) {
  YAML::Node root;
  try {
    root = YAML::Load(body);
  } catch (const YAML::Exception& e) {
    throw BadReport("not JSON: " + e.msg + " at " + std::to_string(e.mark.line + 1) + ":" +
                    std::to_string(e.mark.column + 1));
  }
  if (!root.IsMap()) throw BadReport("not a JSON object");
  const Object top{root, "the report"};
  const std::uint64_t version = top.Count("version");
  if (version != 1) {
    throw BadReport("report version " + std::to_string(version) + " (this dnsd-rules reads version 1)");
  }
  LegacyReport report{top.Text("since"), top.Count("total"), top.Count("capacity"), top.Count("memory_bytes"), {}, {}, {}};
  for (const Object& f : top.List("families")) report.families.emplace_back(f.Text("family"), f.Count("queries"));
  for (const Object& n : top.List("names")) {
    NameRow row{n.Text("name"), n.Text("family"), n.Text("rule"), n.Count("queries"), n.Count("error"), {}};
    for (const Object& c : n.List("clients")) row.clients.push_back({c.Text("subnet"), c.Count("queries")});
    report.names.push_back(std::move(row));
  }
  const YAML::Node shadow_node = root["shadow"];
  if (!shadow_node) return report;
  if (!shadow_node.IsMap()) throw BadReport("\"shadow\" of the report is not an object" + At(shadow_node));
  const Object shadow{shadow_node, "shadow"};
  Shadow& s = report.shadow;
  s.enabled = shadow.Flag("enabled");
  if (!s.enabled) return report;
  s.source = shadow.Text("source");
  s.evaluated = shadow.Count("evaluated");
  s.rewritten = shadow.Count("rewritten");
  s.probes = shadow.Count("probes");
  s.probes_dropped = shadow.Count("probes_dropped");
  for (const Object& n : shadow.List("names")) {
    s.names.push_back({n.Text("name"), n.Text("rewritten"), n.Text("verdict"), n.Count("queries")});
  }
  return report;
}

// ---- printing

// Display width of UTF-8 text ("±" is one column, two bytes).
std::size_t Width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// Columns of text, left-aligned; those flagged numeric right-aligned. Two spaces between columns,
// none after the last.
void PrintTable(std::ostream& out, const std::vector<std::string>& header, const std::vector<bool>& numeric,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) width[c] = Width(header[c]);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], Width(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text = "  ";
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - Width(cells[c]), ' ');
      const bool last = c + 1 == cells.size();
      text += numeric[c] ? pad + cells[c] : cells[c] + (last ? "" : pad);
      if (!last) text += "  ";
    }
    out << text << "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
}

std::string Percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "-";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buffer;
}

std::string Bytes(std::uint64_t bytes) {
  char buffer[32];
  if (bytes >= (1u << 20)) {
    std::snprintf(buffer, sizeof buffer, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  } else if (bytes >= 1024) {
    std::snprintf(buffer, sizeof buffer, "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else {
    return std::to_string(bytes) + " B";
  }
  return buffer;
}

void More(std::ostream& out, std::size_t shown, std::size_t all) {
  if (shown < all) out << "  ... " << all - shown << " more (--top N shows more)\n";
}

void PrintReport(const LegacyReport& report, const std::string& source, std::size_t top, std::ostream& out) {
  out << "legacy-name report of " << source << "\n"
      << "  since:   " << report.since << "\n"
      << "  queries: " << report.total << " for legacy names\n"
      << "  names:   " << report.names.size() << " tracked of " << report.capacity << "\n"
      << "  memory:  " << Bytes(report.memory_bytes) << " (" << report.memory_bytes << " bytes)\n";

  auto families = report.families;
  std::stable_sort(families.begin(), families.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  out << "\nfamilies:\n";
  if (families.empty()) {
    out << "  (no legacy query yet)\n";
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [family, queries] : families) {
      rows.push_back({family, std::to_string(queries), Percent(queries, report.total)});
    }
    PrintTable(out, {"FAMILY", "QUERIES", "SHARE"}, {false, true, true}, rows);
  }

  auto names = report.names;
  std::stable_sort(names.begin(), names.end(), [](const NameRow& a, const NameRow& b) { return a.queries > b.queries; });
  const std::size_t shown = std::min(top, names.size());
  out << "\ntop names (" << shown << " of " << names.size() << "; counts are at most ERROR over):\n";
  if (names.empty()) {
    out << "  (none)\n";
  } else {
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < shown; ++i) {
      const NameRow& n = names[i];
      auto clients = n.clients;
      std::stable_sort(clients.begin(), clients.end(), [](const Client& a, const Client& b) { return a.queries > b.queries; });
      std::string top_clients;
      for (std::size_t c = 0; c < std::min(kClientsPerName, clients.size()); ++c) {
        if (c > 0) top_clients += ", ";
        top_clients += clients[c].subnet + " (" + std::to_string(clients[c].queries) + ")";
      }
      if (clients.size() > kClientsPerName) top_clients += ", ...";
      rows.push_back({n.name, std::to_string(n.queries), "±" + std::to_string(n.error), n.family.empty() ? "-" : n.family,
                      n.rule.empty() ? "-" : n.rule, top_clients.empty() ? "-" : top_clients});
    }
    PrintTable(out, {"NAME", "QUERIES", "ERROR", "FAMILY", "RULE", "TOP CLIENTS"},
               {false, true, true, false, false, false}, rows);
    More(out, shown, names.size());
  }

  const Shadow& shadow = report.shadow;
  out << "\nshadow rules:";
  if (!shadow.enabled) {
    out << " not configured (rewrite dnsd_shadow)\n";
    return;
  }
  out << " " << shadow.source << "\n"
      << "  evaluated " << shadow.evaluated << ", would rewrite " << shadow.rewritten << ", probes " << shadow.probes
      << " (" << shadow.probes_dropped << " dropped)\n";
  // What the shadow rules would break comes first; names not probed yet next; those that resolve last.
  auto rank = [](const std::string& verdict) { return verdict == "resolves" ? 2 : verdict == "pending" ? 1 : 0; };
  auto rows_of = shadow.names;
  std::stable_sort(rows_of.begin(), rows_of.end(), [&](const ShadowName& a, const ShadowName& b) {
    if (rank(a.verdict) != rank(b.verdict)) return rank(a.verdict) < rank(b.verdict);
    return a.queries > b.queries;
  });
  const char* titles[] = {"would break", "not probed yet", "resolve"};
  std::size_t printed = 0;
  for (int group = 0; group < 3; ++group) {
    std::vector<std::vector<std::string>> rows;
    std::size_t in_group = 0;
    for (const ShadowName& n : rows_of) {
      if (rank(n.verdict) != group) continue;
      ++in_group;
      if (printed + rows.size() < top) rows.push_back({n.name, n.rewritten, std::to_string(n.queries), n.verdict});
    }
    if (in_group == 0) continue;
    out << "\n" << titles[group] << " (" << in_group << "):\n";
    if (!rows.empty()) {
      PrintTable(out, {"NAME", "REWRITTEN", "QUERIES", "VERDICT"}, {false, false, true, false}, rows);
    }
    More(out, rows.size(), in_group);
    printed += rows.size();
  }
  if (shadow.names.empty()) out << "  (no name rewritten yet)\n";
}

// The arguments, or a usage error in `why`.
std::optional<Options> ParseOptions(const std::vector<std::string>& args, std::string& why) {
  Options options;
  bool url_seen = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--json") {
      options.json = true;
    } else if (args[i] == "--top") {
      if (i + 1 == args.size()) {
        why = "--top wants a number";
        return std::nullopt;
      }
      const std::string& n = args[++i];
      auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), options.top);
      if (ec != std::errc() || end != n.data() + n.size() || options.top == 0) {
        why = "--top wants a positive number, not \"" + n + "\"";
        return std::nullopt;
      }
    } else if (args[i].starts_with("-")) {
      why = "unknown option \"" + args[i] + "\"";
      return std::nullopt;
    } else if (url_seen) {
      why = "unexpected argument \"" + args[i] + "\" (one URL only)";
      return std::nullopt;
    } else {
      options.url = args[i];
      url_seen = true;
    }
  }
  return options;
}

}  // namespace

int Report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string why;
  const std::optional<Options> options = ParseOptions(args, why);
  if (!options) {
    err << "dnsd-rules report: " << why << "\n" << kUsage;
    return 2;
  }
  const std::optional<Url> url = ParseUrl(options->url, why);
  if (!url) {
    err << "dnsd-rules report: bad URL \"" << options->url << "\": " << why << "\n" << kUsage;
    return 2;
  }
  const std::string path = url->path + "/legacy.json";
  const std::string where = Origin(*url) + path;
  auto got = Get(*url, path);
  if (const std::string* failure = std::get_if<std::string>(&got)) {
    err << "dnsd-rules report: cannot reach the daemon at " << where << ": " << *failure
        << " (is dnsd running with its prometheus plugin listening there?)\n";
    return 1;
  }
  const HttpResponse& response = std::get<HttpResponse>(got);
  if (response.status == 404) {
    err << "dnsd-rules report: " << where
        << ": 404: the daemon has no legacy-name report: is the DC/OS preset or dnsd_shadow configured?\n";
    return 1;
  }
  if (response.status != 200) {
    err << "dnsd-rules report: " << where << ": HTTP " << response.status
        << (response.reason.empty() ? "" : " " + response.reason) << "\n";
    return 1;
  }
  try {
    const LegacyReport report = ParseReport(response.body);
    if (options->json) {
      out << response.body;
      if (!response.body.ends_with("\n")) out << "\n";
    } else {
      PrintReport(report, where, options->top, out);
    }
  } catch (const BadReport& e) {
    err << "dnsd-rules report: " << where << " is not a legacy-name report: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace dnsd::rules_tool
