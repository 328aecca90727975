// The ```corefile examples of docs/migration.md that use dnsd_shadow parse into a shadow source.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "rules/rule_sources.hpp"
#include "../../support/markdown_examples.hpp"

namespace dnsd::rules {
namespace {

TEST(MigrationDocs, EveryShadowExampleParses) {
  const std::vector<std::string> examples =
      dnsd::testing::FencedExamples(std::string(DNSD_DOCS_DIR) + "/migration.md", "corefile");
  int shadows = 0;
  for (const std::string& example : examples) {
    if (example.find("dnsd_shadow") == std::string::npos) continue;
    auto corefile = config::ParseCorefile(example, "migration.md");
    ASSERT_TRUE(corefile.ok()) << corefile.error.ToString();
    for (const config::ServerBlock& block : corefile.value->blocks) {
      std::vector<const config::Directive*> rewrite;
      for (const config::Directive& d : block.directives) {
        if (d.name.text == "rewrite") rewrite.push_back(&d);
      }
      auto sources = ParseDirectives(rewrite);
      ASSERT_TRUE(sources.ok()) << sources.error.ToString() << "\n" << example;
      EXPECT_TRUE(sources.value->shadow.has_value()) << example;
      ++shadows;
    }
  }
  EXPECT_GE(shadows, 2);
}

}  // namespace
}  // namespace dnsd::rules
