// The ```corefile examples in docs/cache.md parse, and their cache directives set up.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "support.hpp"

namespace dnsd::plugins::cache {
namespace {

TEST(CacheDocs, EveryCorefileExampleInTheCacheDocSetsUp) {
  std::ifstream file(std::string(DNSD_DOCS_DIR) + "/cache.md");
  ASSERT_TRUE(file) << "docs/cache.md not found";
  std::vector<std::string> examples;
  std::string line, current;
  bool inside = false;
  while (std::getline(file, line)) {
    if (!inside && line == "```corefile") {
      inside = true;
      current.clear();
    } else if (inside && line == "```") {
      inside = false;
      examples.push_back(current);
    } else if (inside) {
      current += line + "\n";
    }
  }
  ASSERT_GE(examples.size(), 2u);
  int directives = 0;
  for (const std::string& example : examples) {
    auto corefile = config::ParseCorefile(example, "cache.md");
    ASSERT_TRUE(corefile.ok()) << corefile.error.ToString();
    for (const config::ServerBlock& block : corefile.value->blocks) {
      for (const config::Directive& directive : block.directives) {
        if (directive.name.text != "cache") continue;
        ++directives;
        SetupContext ctx;
        ctx.zones = {"."};
        auto options = ParseOptions(directive, ctx);
        EXPECT_TRUE(options.ok()) << options.error.ToString();
      }
    }
  }
  EXPECT_EQ(directives, 2);
}

}  // namespace
}  // namespace dnsd::plugins::cache
