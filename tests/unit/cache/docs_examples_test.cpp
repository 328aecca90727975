// The ```corefile examples in docs/cache.md parse, and their cache directives set up.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "../../support/markdown_examples.hpp"
#include "support.hpp"

namespace dnsd::plugins::cache {
namespace {

TEST(CacheDocs, EveryCorefileExampleInTheCacheDocSetsUp) {
  const std::vector<std::string> examples =
      dnsd::testing::FencedExamples(std::string(DNSD_DOCS_DIR) + "/cache.md", "corefile");
  ASSERT_GE(examples.size(), 2u);
  int directives = 0;
  for (const std::string& example : examples) {
    auto corefile = config::ParseCorefile(example, "cache.md");
    ASSERT_TRUE(corefile.ok()) << corefile.error.ToString();
    for (const config::ServerBlock& block : corefile.value->blocks) {
      for (const config::Directive& directive : block.directives) {
        if (directive.name.text != "cache") continue;
        ++directives;
        pipeline::SetupContext ctx;
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
