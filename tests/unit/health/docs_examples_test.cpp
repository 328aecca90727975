// The ```corefile examples in docs/health.md parse, and their health and ready directives set up.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "dnsd/plugins/health/setup.hpp"
#include "dnsd/plugins/ready/setup.hpp"
#include "../../support/markdown_examples.hpp"

namespace dnsd::plugins {
namespace {

TEST(HealthDocs, EveryCorefileExampleInTheHealthDocSetsUp) {
  const std::vector<std::string> examples =
      dnsd::testing::FencedExamples(std::string(DNSD_DOCS_DIR) + "/health.md", "corefile");
  ASSERT_EQ(examples.size(), 2u);
  int directives = 0;
  for (const std::string& example : examples) {
    auto corefile = config::ParseCorefile(example, "health.md");
    ASSERT_TRUE(corefile.ok()) << corefile.error.ToString();
    for (const config::ServerBlock& block : corefile.value->blocks) {
      for (const config::Directive& directive : block.directives) {
        if (directive.name.text == "health") {
          ++directives;
          auto options = health::ParseOptions(directive);
          EXPECT_TRUE(options.ok()) << options.error.ToString();
        } else if (directive.name.text == "ready") {
          ++directives;
          auto address = ready::ParseAddress(directive);
          EXPECT_TRUE(address.ok()) << address.error.ToString();
        }
      }
    }
  }
  EXPECT_EQ(directives, 4);
}

}  // namespace
}  // namespace dnsd::plugins
