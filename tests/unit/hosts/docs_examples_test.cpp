// The ```corefile examples in docs/hosts.md parse, and their hosts directives set up.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../../support/markdown_examples.hpp"
#include "support.hpp"

namespace dnsd::plugins::hosts {
namespace {

TEST(HostsDocs, EveryCorefileExampleInTheHostsDocSetsUp) {
  const std::vector<std::string> examples =
      dnsd::testing::FencedExamples(std::string(DNSD_DOCS_DIR) + "/hosts.md", "corefile");
  int directives = 0;
  for (const std::string& example : examples) {
    auto corefile = config::ParseCorefile(example, "hosts.md");
    ASSERT_TRUE(corefile.ok()) << corefile.error.ToString();
    for (const config::ServerBlock& block : corefile.value->blocks) {
      for (const config::Directive& directive : block.directives) {
        if (directive.name.text != "hosts") continue;
        ++directives;
        pipeline::SetupContext ctx;
        ctx.zones = {"."};
        auto options = ParseOptions(directive, ctx);
        EXPECT_TRUE(options.ok()) << options.error.ToString();
      }
    }
  }
  EXPECT_EQ(directives, 3);
}

}  // namespace
}  // namespace dnsd::plugins::hosts
