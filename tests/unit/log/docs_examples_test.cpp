// Every ```corefile example in docs/log.md sets up: the user guide cannot drift from the parser.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "dnsd/plugins/errors/setup.hpp"
#include "dnsd/plugins/log/setup.hpp"
#include "../../support/markdown_examples.hpp"
#include "support.hpp"

namespace dnsd::plugins::log {
namespace {

std::vector<std::string> CorefileExamples() {
  return dnsd::testing::FencedExamples(std::string(DNSD_DOCS_DIR) + "/log.md", "corefile");
}

TEST(LogDocs, EveryCorefileExampleSetsUp) {
  const auto examples = CorefileExamples();
  ASSERT_GE(examples.size(), 3u);
  for (const std::string& example : examples) {
    auto directives = testing::Directives(example);
    std::vector<const config::Directive*> logs;
    for (const auto& d : directives) {
      if (d.name.text == "log") logs.push_back(&d);
      if (d.name.text == "errors") {
        auto errors = errors::ParsePatterns(d);
        EXPECT_TRUE(errors.ok()) << errors.error.ToString() << "\n" << example;
      }
    }
    if (logs.empty()) continue;
    auto rules = ParseRules(logs);
    EXPECT_TRUE(rules.ok()) << rules.error.ToString() << "\n" << example;
  }
}

}  // namespace
}  // namespace dnsd::plugins::log
