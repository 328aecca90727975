// The ```corefile examples in docs/forward.md parse, and every forward line in them sets up.
#include <gtest/gtest.h>

#include <string>

#include "../../support/markdown_examples.hpp"
#include "dnsd/plugins/forward/setup.hpp"

namespace dnsd::plugins::forward {
namespace {

TEST(ForwardDocs, EveryForwardLineInTheForwardDocSetsUp) {
  const std::vector<std::string> examples =
      dnsd::testing::FencedExamples(std::string(DNSD_DOCS_DIR) + "/forward.md", "corefile");
  ASSERT_GE(examples.size(), 3u);
  int directives = 0;
  for (const std::string& example : examples) {
    auto corefile = config::ParseCorefile(example, "forward.md");
    ASSERT_TRUE(corefile.ok()) << corefile.error.ToString();
    for (const config::ServerBlock& block : corefile.value->blocks) {
      for (const config::Directive& directive : block.directives) {
        if (directive.name.text != "forward") continue;
        ++directives;
        auto options = ParseOptions(directive);
        EXPECT_TRUE(options.ok()) << options.error.ToString();
      }
    }
  }
  EXPECT_EQ(directives, 6);
}

}  // namespace
}  // namespace dnsd::plugins::forward
