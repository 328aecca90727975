// docs/migration.md's ```corefile examples are read by the preset's option parser and its ```yaml
// examples by the table parser (and expand), so the page cannot drift from the code.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "dcos_test_support.hpp"
#include "rules/dcos_preset.hpp"

namespace dnsd::rules {
namespace {

// (line of the fence, text) of every block fenced ```language in docs/migration.md.
std::vector<std::pair<int, std::string>> Fenced(const std::string& language) {
  std::ifstream in(std::string(DNSD_DOCS_DIR) + "/migration.md");
  std::vector<std::pair<int, std::string>> blocks;
  bool open = false;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (!open && line == "```" + language) {
      blocks.emplace_back(number, "");
      open = true;
    } else if (open && line == "```") {
      open = false;
    } else if (open) {
      blocks.back().second += line + "\n";
    }
  }
  return blocks;
}

TEST(MigrationDoc, CorefileExamplesParse) {
  const auto blocks = Fenced("corefile");
  ASSERT_GE(blocks.size(), 2u);
  for (const auto& [line, text] : blocks) {
    const auto corefile = config::ParseCorefile(text, "migration.md");
    ASSERT_TRUE(corefile.ok()) << "example at line " << line << ": " << corefile.error.ToString();
    std::vector<const config::Directive*> rewrites;
    for (const config::Directive& d : corefile.value->blocks.at(0).directives) {
      if (d.name.text == "rewrite") rewrites.push_back(&d);
    }
    const auto sources = ParseDirectives(rewrites);
    EXPECT_TRUE(sources.ok()) << "example at line " << line << ": " << sources.error.ToString();
  }
}

TEST(MigrationDoc, TableExamplesParseAndExpand) {
  const auto blocks = Fenced("yaml");
  ASSERT_GE(blocks.size(), 1u);
  for (const auto& [line, text] : blocks) {
    const ParsedDcosTable table = ParseDcosTable(text, "migration.md");
    ASSERT_FALSE(table.error) << "example at line " << line << ": " << table.error->ToString();
    const DcosExpansion expansion = ExpandDcos(DcosOptions{}, table.table, 1);
    ASSERT_FALSE(expansion.error) << "example at line " << line << ": " << expansion.error->ToString();
    EXPECT_TRUE(RuleSet::Compile(expansion.rules).ok()) << "example at line " << line;
  }
}

}  // namespace
}  // namespace dnsd::rules
