// The ```corefile examples in docs/bind.md parse and their bind lines resolve on this host.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "dnsd/plugins/bind/setup.hpp"
#include "../../support/markdown_examples.hpp"

namespace dnsd::plugins::bind {
namespace {

TEST(BindDocs, EveryCorefileExampleInTheBindDocResolves) {
  const std::vector<std::string> examples =
      dnsd::testing::FencedExamples(std::string(DNSD_DOCS_DIR) + "/bind.md", "corefile");
  ASSERT_EQ(examples.size(), 3u);
  const std::vector<Interface> interfaces = HostInterfaces();
  int blocks = 0;
  for (const std::string& example : examples) {
    auto corefile = config::ParseCorefile(example, "bind.md");
    ASSERT_TRUE(corefile.ok()) << corefile.error.ToString();
    for (const config::ServerBlock& block : corefile.value->blocks) {
      std::vector<const config::Directive*> binds;
      for (const config::Directive& directive : block.directives) {
        if (directive.name.text == "bind") binds.push_back(&directive);
      }
      auto hosts = ListenHosts(binds, interfaces);
      ASSERT_TRUE(hosts.ok()) << hosts.error.ToString();
      EXPECT_FALSE(hosts.value->empty());
      ++blocks;
    }
  }
  EXPECT_EQ(blocks, 5);
}

}  // namespace
}  // namespace dnsd::plugins::bind
