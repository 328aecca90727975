// The ```corefile and ```yaml examples in docs/rewrite.md parse without error.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "describe.hpp"

namespace dnsd::rules {
namespace {

const std::string kDocPath = std::string(DNSD_DOCS_DIR) + "/rewrite.md";

struct Example {
  int line = 0;  // line of the opening fence
  std::string text;
};

// Code blocks fenced with ```LANGUAGE.
std::vector<Example> Examples(const std::string& language) {
  std::ifstream in(kDocPath);
  std::vector<Example> out;
  std::string line;
  int number = 0;
  Example* open = nullptr;
  while (std::getline(in, line)) {
    ++number;
    if (open == nullptr && line == "```" + language) {
      out.push_back(Example{number, ""});
      open = &out.back();
    } else if (open != nullptr && line == "```") {
      open = nullptr;
    } else if (open != nullptr) {
      open->text += line + "\n";
    }
  }
  return out;
}

TEST(RewriteDocs, CorefileExamplesParse) {
  const auto examples = Examples("corefile");
  ASSERT_FALSE(examples.empty()) << "no ```corefile examples in " << kDocPath;
  for (const Example& example : examples) {
    const auto corefile = config::ParseCorefile(example.text, "rewrite.md");
    ASSERT_TRUE(corefile.ok()) << "example at line " << example.line << ": " << corefile.error.ToString();
    int rules = 0;
    for (const config::ServerBlock& block : corefile.value->blocks) {
      for (const config::Directive& d : block.directives) {
        if (d.name.text != "rewrite") continue;
        const ParsedRules parsed = ParseRewriteDirective(d, 0, "rewrite.md");
        EXPECT_TRUE(parsed.ok()) << "example at line " << example.line << ": " << parsed.error->ToString();
        ++rules;
      }
    }
    EXPECT_GT(rules, 0) << "example at line " << example.line;
  }
}

TEST(RewriteDocs, YamlExamplesParse) {
  const auto examples = Examples("yaml");
  ASSERT_FALSE(examples.empty()) << "no ```yaml examples in " << kDocPath;
  for (const Example& example : examples) {
    const ParsedRules parsed = ParseRuleYaml(example.text, "rewrite.md");
    ASSERT_TRUE(parsed.ok()) << "example at line " << example.line << ": " << parsed.error->ToString();
    EXPECT_GT(parsed.rules.size(), 0u) << "example at line " << example.line;
  }
}

}  // namespace
}  // namespace dnsd::rules
