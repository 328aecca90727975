// The ```corefile example in docs/loop.md parses and its loop directive sets up.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "dnsd/plugins/registry.hpp"
#include "dnsd/server/routes.hpp"
#include "../../support/markdown_examples.hpp"

namespace dnsd::plugins::loop {
namespace {

TEST(LoopDocs, EveryCorefileExampleInTheLoopDocSetsUp) {
  const std::vector<std::string> examples =
      dnsd::testing::FencedExamples(std::string(DNSD_DOCS_DIR) + "/loop.md", "corefile");
  ASSERT_EQ(examples.size(), 1u);
  for (const std::string& example : examples) {
    auto corefile = config::ParseCorefile(example, "loop.md");
    ASSERT_TRUE(corefile.ok()) << corefile.error.ToString();
    auto routes = server::BuildRoutes(*corefile.value, 53, plugins::Registry());
    ASSERT_TRUE(routes.ok()) << routes.error.ToString();
    EXPECT_EQ(routes.value->chains.front()->plugin_names.front(), "loop");
  }
}

}  // namespace
}  // namespace dnsd::plugins::loop
