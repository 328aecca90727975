// The include rule of docs/architecture.md: every part of dnsd stands on a floor and includes only
// parts on lower floors (and itself); a plugin includes another plugin only along an edge listed
// here, with its reason. Reads every #include "dnsd/..." and "rules/..." of dnsd/ and rules/.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dnsd {
namespace {

struct Part {
  std::string_view name;
  std::string_view folder;  // of the source tree; an include names files from the same root
  int floor;
  // A part that stands on one part only (a tool on its library): it includes that part and what
  // that part may include, nothing else of its floor or below.
  std::string_view stands_on = {};
};

// Lowest floor first. Keep in step with the table of docs/architecture.md.
constexpr Part kParts[] = {
    {"wire", "dnsd/wire/", 0},
    {"log", "dnsd/log/", 1},
    {"config", "dnsd/config/", 1},
    {"random", "dnsd/random/", 1},
    {"metrics", "dnsd/metrics/", 1},
    {"rules", "rules/include/rules/", 2},
    {"rules", "rules/src/", 2},
    {"pipeline", "dnsd/pipeline/", 2},
    {"plugins", "dnsd/plugins/", 3},
    {"server", "dnsd/server/", 3},
    {"cli", "dnsd/cli/", 4},
    {"dnsd-rules", "rules/tool/", 4, "rules"},
};

// What a plugin may include of another plugin, and why. Everything else a plugin shares with
// others belongs on a floor below plugins.
struct PluginEdge {
  std::string_view from, to, why;
};
constexpr PluginEdge kPluginEdges[] = {
    {"errors", "log", "errors writes through the log plugin's per-worker ring"},
    {"ready", "health", "/ready shares health's probe listener and shutdown state"},
};

// The registry names every plugin: it is above them all, and no plugin includes it.
constexpr std::string_view kRegistryPrefix = "dnsd/plugins/registry.";

const Part* PartOf(std::string_view path) {
  for (const Part& part : kParts) {
    if (path.starts_with(part.folder)) return &part;
  }
  return nullptr;
}

// Includes name rules' headers from its include folder: "rules/ast.hpp".
const Part* PartOfInclude(const std::string& target) {
  return PartOf(target.starts_with("rules/") ? "rules/include/" + target : target);
}

const Part* PartNamed(std::string_view name) {
  for (const Part& part : kParts) {
    if (part.name == name) return &part;
  }
  return nullptr;
}

// "dnsd/plugins/cache/handler.cpp" -> "cache"; the registry -> "".
std::string PluginOf(std::string_view path) {
  path.remove_prefix(std::string_view("dnsd/plugins/").size());
  const std::size_t slash = path.find('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

bool MayInclude(const Part& from, const Part& to) {
  if (from.name == to.name) return true;
  if (!from.stands_on.empty()) {
    const Part* base = PartNamed(from.stands_on);
    return base != nullptr && (to.name == base->name || MayInclude(*base, to));
  }
  return to.floor < from.floor;
}

struct Include {
  std::string file;  // relative to the source root
  int line;
  std::string target;  // as written between the quotes
};

// Why `include` breaks the rule, or nothing. `used_edges` collects the plugin edges it walks.
std::optional<std::string> Violation(const Include& include, std::set<std::string>* used_edges = nullptr) {
  const std::string where = include.file + ":" + std::to_string(include.line) + ": ";
  const Part* from = PartOf(include.file);
  if (from == nullptr) return where + "the file is on no floor (add its folder to the table)";
  const Part* to = PartOfInclude(include.target);
  if (to == nullptr) return where + "\"" + include.target + "\" is in no part of the table";
  if (!MayInclude(*from, *to)) {
    return where + std::string(from->name) + " may not include " + std::string(to->name) + " (\"" +
           include.target + "\"): " + std::string(to->name) + " is not below " + std::string(from->name);
  }
  if (from->name != "plugins") return std::nullopt;
  const std::string source = PluginOf(include.file), target = PluginOf(include.target);
  if (include.target.starts_with(kRegistryPrefix) && !source.empty()) {
    return where + "plugin " + source + " may not include the registry (\"" + include.target +
           "\"): the plugin API is dnsd/pipeline/plugin.hpp";
  }
  if (source.empty() || target.empty() || source == target) return std::nullopt;
  for (const PluginEdge& edge : kPluginEdges) {
    if (edge.from == source && edge.to == target) {
      if (used_edges) used_edges->insert(source + "->" + target);
      return std::nullopt;
    }
  }
  return where + "plugin " + source + " may not include plugin " + target + " (\"" + include.target +
         "\"): move what they share below plugins, or list the edge in kPluginEdges with its reason";
}

std::vector<Include> ProjectIncludes(const std::filesystem::path& root) {
  std::vector<Include> includes;
  for (const char* top : {"dnsd", "rules"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root / top)) {
      const std::string extension = entry.path().extension().string();
      if (!entry.is_regular_file() || (extension != ".cpp" && extension != ".hpp")) continue;
      const std::string file = entry.path().lexically_relative(root).generic_string();
      std::ifstream in(entry.path());
      std::string text;
      for (int line = 1; std::getline(in, text); ++line) {
        const std::size_t start = text.find_first_not_of(" \t");
        if (start == std::string::npos || text.compare(start, 10, "#include \"") != 0) continue;
        const std::size_t open = start + 10, close = text.find('"', open);
        if (close == std::string::npos) continue;
        const std::string target = text.substr(open, close - open);
        // Includes beside the file ("commands.hpp") are of its own part.
        if (target.starts_with("dnsd/") || target.starts_with("rules/")) {
          includes.push_back({file, line, target});
        }
      }
    }
  }
  std::sort(includes.begin(), includes.end(),
            [](const Include& a, const Include& b) { return a.file != b.file ? a.file < b.file : a.line < b.line; });
  return includes;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

TEST(IncludeRule, EveryIncludeOfDnsdAndRulesStaysOnItsFloorOrBelow) {
  const std::vector<Include> includes = ProjectIncludes(DNSD_SOURCE_DIR);
  ASSERT_GT(includes.size(), 100u) << "no sources found under " << DNSD_SOURCE_DIR;
  std::vector<std::string> violations;
  std::set<std::string> used_edges;
  for (const Include& include : includes) {
    if (auto violation = Violation(include, &used_edges)) violations.push_back(*violation);
  }
  EXPECT_TRUE(violations.empty()) << "forbidden includes (docs/architecture.md):\n" << Join(violations);

  // An edge nothing walks any more is a door left open: close it.
  std::vector<std::string> unused;
  for (const PluginEdge& edge : kPluginEdges) {
    const std::string name = std::string(edge.from) + "->" + std::string(edge.to);
    if (!used_edges.contains(name)) unused.push_back(name + " (no include uses it: remove it from kPluginEdges)");
  }
  EXPECT_TRUE(unused.empty()) << Join(unused);
}

// The rule itself, on includes that break it: the test above can fail.
TEST(IncludeRule, NamesTheFileLineAndTheForbiddenEdge) {
  EXPECT_EQ(Violation({"dnsd/server/routes.hpp", 15, "dnsd/plugins/reload/setup.hpp"}),
            "dnsd/server/routes.hpp:15: server may not include plugins (\"dnsd/plugins/reload/setup.hpp\"): "
            "plugins is not below server");
  EXPECT_EQ(Violation({"rules/tool/main.cpp", 3, "dnsd/pipeline/handler.hpp"}),
            "rules/tool/main.cpp:3: dnsd-rules may not include pipeline (\"dnsd/pipeline/handler.hpp\"): "
            "pipeline is not below dnsd-rules");
  EXPECT_EQ(Violation({"dnsd/plugins/cache/handler.cpp", 7, "dnsd/plugins/forward/forwarder.hpp"}),
            "dnsd/plugins/cache/handler.cpp:7: plugin cache may not include plugin forward "
            "(\"dnsd/plugins/forward/forwarder.hpp\"): move what they share below plugins, or list the "
            "edge in kPluginEdges with its reason");
  EXPECT_TRUE(Violation({"dnsd/plugins/cache/setup.hpp", 2, "dnsd/plugins/registry.hpp"}).has_value());
  EXPECT_TRUE(Violation({"dnsd/config/parser.cpp", 1, "dnsd/log/log.hpp"}).has_value());  // same floor
  EXPECT_TRUE(Violation({"dnsd/newpart/x.cpp", 1, "dnsd/wire/name.hpp"}).has_value());
  EXPECT_FALSE(Violation({"dnsd/plugins/registry.cpp", 5, "dnsd/plugins/bind/setup.hpp"}).has_value());
  EXPECT_FALSE(Violation({"rules/tool/commands.cpp", 6, "rules/question_name.hpp"}).has_value());
  EXPECT_FALSE(Violation({"rules/tool/commands.cpp", 7, "dnsd/wire/name.hpp"}).has_value());
  EXPECT_FALSE(Violation({"dnsd/cli/main.cpp", 16, "dnsd/plugins/registry.hpp"}).has_value());
}

}  // namespace
}  // namespace dnsd
