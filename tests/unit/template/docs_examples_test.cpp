// The ```corefile examples of docs/template.md set up, and every example of docs/corefile.md that
// uses template or whoami builds a running configuration (routes and plugin chains).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "dnsd/plugins/registry.hpp"
#include "dnsd/server/routes.hpp"
#include "../../support/markdown_examples.hpp"

namespace dnsd::plugins::tmpl {
namespace {

void ExpectEveryExampleBuilds(const std::string& doc, std::size_t at_least, bool only_ours) {
  const std::vector<std::string> examples =
      dnsd::testing::FencedExamples(std::string(DNSD_DOCS_DIR) + "/" + doc, "corefile");
  std::size_t built = 0;
  for (const std::string& example : examples) {
    const bool ours = example.find("template") != std::string::npos || example.find("whoami") != std::string::npos;
    if (only_ours && (!ours || example.find("{$") != std::string::npos)) continue;
    auto corefile = config::ParseCorefile(example, doc);
    ASSERT_TRUE(corefile.ok()) << corefile.error.ToString() << "\n" << example;
    auto routes = server::BuildRoutes(*corefile.value, 53, plugins::Registry());
    EXPECT_TRUE(routes.ok()) << routes.error.ToString() << "\n" << example;
    ++built;
  }
  EXPECT_GE(built, at_least) << doc;
}

TEST(TemplateDocs, EveryCorefileExampleInTheTemplateDocBuilds) { ExpectEveryExampleBuilds("template.md", 3, false); }

TEST(TemplateDocs, TheCorefileDocExamplesWithTemplateOrWhoamiBuild) {
  ExpectEveryExampleBuilds("corefile.md", 4, true);
}

TEST(TemplateDocs, TheWhoamiAndLoadbalanceDocExamplesBuild) {
  ExpectEveryExampleBuilds("whoami.md", 1, false);
  ExpectEveryExampleBuilds("loadbalance.md", 1, false);
}

}  // namespace
}  // namespace dnsd::plugins::tmpl
