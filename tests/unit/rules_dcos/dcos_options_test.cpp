// `rewrite dnsd_dcos { ... }` options: defaults, every option's value, and every bad input refused
// at file:line:column naming the token and what was wanted.
#include <gtest/gtest.h>

#include "dcos_test_support.hpp"
#include "rules/dcos_preset.hpp"

namespace dnsd::rules {
namespace {

using dcos_test::LoadCorefile;
using dcos_test::PresetCorefile;

config::Parsed<DcosOptions> Options(const std::string& corefile) {
  auto parsed = config::ParseCorefile(corefile, "Corefile");
  EXPECT_TRUE(parsed.ok()) << parsed.error.ToString();
  for (const config::Directive& d : parsed.value->blocks.at(0).directives) {
    if (d.name.text == "rewrite" && IsDcosLine(d)) return ParseDcosDirective(d);
  }
  ADD_FAILURE() << "no dnsd_dcos line";
  return {};
}

TEST(DcosOptions, DefaultsWithoutABlock) {
  auto parsed = Options(PresetCorefile());
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  const DcosOptions& o = *parsed.value;
  EXPECT_EQ(o.namespace_pattern, "{group}-default");
  EXPECT_EQ(o.root_namespace, "default");
  EXPECT_EQ(o.framework_namespace, "{framework}-default");
  EXPECT_EQ(o.cluster_domain, "cluster.local.");
  EXPECT_EQ(o.srv_port_name, "http");
  EXPECT_EQ(o.headless_suffix, "-headless");
  EXPECT_EQ(o.negative_ttl, 60u);
  EXPECT_TRUE(o.mappings.empty());
  EXPECT_TRUE(o.statics.empty());
  EXPECT_EQ(o.pos.line, 2);
  EXPECT_EQ(o.pos.column, 5);
}

TEST(DcosOptions, EveryOption) {
  auto parsed = Options(PresetCorefile(
      "        namespace team-{group}\n"
      "        root_namespace apps\n"
      "        framework_namespace fw-{framework}\n"
      "        cluster_domain Corp.Example\n"
      "        srv_port_name web\n"
      "        headless_suffix -pods\n"
      "        negative_ttl 5m\n"
      "        mappings maps/dcos.yaml\n"
      "        reload 10s\n"
      "        static leader kubernetes.default.svc.cluster.local\n"
      "        static slave nodes.example\n"));
  ASSERT_TRUE(parsed.ok()) << parsed.error.ToString();
  const DcosOptions& o = *parsed.value;
  EXPECT_EQ(o.namespace_pattern, "team-{group}");
  EXPECT_EQ(o.root_namespace, "apps");
  EXPECT_EQ(o.framework_namespace, "fw-{framework}");
  EXPECT_EQ(o.cluster_domain, "corp.example.");
  EXPECT_EQ(o.srv_port_name, "web");
  EXPECT_EQ(o.headless_suffix, "-pods");
  EXPECT_EQ(o.negative_ttl, 300u);
  EXPECT_EQ(o.mappings, "maps/dcos.yaml");  // "Corefile" has no folder: relative to the working directory
  EXPECT_EQ(o.reload, std::chrono::seconds(10));
  ASSERT_NE(o.StaticTarget("leader"), nullptr);
  EXPECT_EQ(*o.StaticTarget("leader"), "kubernetes.default.svc.cluster.local.");
  EXPECT_EQ(*o.StaticTarget("slave"), "nodes.example.");
  EXPECT_EQ(o.StaticTarget("master"), nullptr);
}

TEST(DcosOptions, MappingsPathIsRelativeToTheCorefilesFolder) {
  auto parsed = config::ParseCorefile(PresetCorefile("        mappings dcos.yaml\n"), "/etc/dnsd/Corefile");
  ASSERT_TRUE(parsed.ok());
  auto options = ParseDcosDirective(parsed.value->blocks[0].directives[0]);
  ASSERT_TRUE(options.ok()) << options.error.ToString();
  EXPECT_EQ(options.value->mappings, "/etc/dnsd/dcos.yaml");
}

TEST(DcosOptions, NegativeTtlTakesPlainSeconds) {
  auto parsed = Options(PresetCorefile("        negative_ttl 30\n"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value->negative_ttl, 30u);
}

struct Case {
  std::string options;  // lines inside the block (line 3 on); or a whole directive line (line 2)
  std::string error;
  bool whole_line = false;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.options; }

class BadDcosOptions : public ::testing::TestWithParam<Case> {};

TEST_P(BadDcosOptions, RefusedWithPosition) {
  const Case& c = GetParam();
  const std::string corefile = c.whole_line ? ".:53 {\n" + c.options + "\n}\n" : PresetCorefile(c.options);
  const auto loaded = LoadCorefile(corefile);
  ASSERT_TRUE(loaded.parse_error.has_value()) << c.options;
  EXPECT_EQ(loaded.parse_error->ToString(), c.error);
}

const std::string kOptions =
    "(want namespace, root_namespace, framework_namespace, cluster_domain, srv_port_name, headless_suffix, "
    "negative_ttl, mappings, reload or static)";

INSTANTIATE_TEST_SUITE_P(
    Options, BadDcosOptions,
    ::testing::Values(
        Case{"        namspace {group}\n", "Corefile:3:9: rewrite: dnsd_dcos: unknown option \"namspace\" " + kOptions},
        Case{"        namespace\n",
             "Corefile:3:9: rewrite: dnsd_dcos: \"namespace\" wants exactly one value (namespace PATTERN, e.g. "
             "{group}-default)"},
        Case{"        namespace a b\n",
             "Corefile:3:21: rewrite: dnsd_dcos: \"namespace\" wants exactly one value (namespace PATTERN, e.g. "
             "{group}-default)"},
        Case{"        namespace ns.{group}\n",
             "Corefile:3:19: rewrite: dnsd_dcos: namespace: \"ns.{group}\" may hold only lower-case letters, digits, "
             "'-' and {group} (it becomes one DNS label)"},
        Case{"        namespace {group}-{group}\n",
             "Corefile:3:19: rewrite: dnsd_dcos: namespace: \"{group}-{group}\" uses {group} more than once"},
        Case{"        namespace {app}\n",
             "Corefile:3:19: rewrite: dnsd_dcos: namespace: \"{app}\" may hold only lower-case letters, digits, '-' "
             "and {group} (it becomes one DNS label)"},
        Case{"        framework_namespace {group}\n",
             "Corefile:3:29: rewrite: dnsd_dcos: framework_namespace: \"{group}\" may hold only lower-case letters, "
             "digits, '-' and {framework} (it becomes one DNS label)"},
        Case{"        root_namespace -x\n",
             "Corefile:3:24: rewrite: dnsd_dcos: root_namespace: \"-x\" is not a DNS label (a Kubernetes namespace "
             "name)"},
        Case{"        cluster_domain .\n",
             "Corefile:3:24: rewrite: dnsd_dcos: cluster_domain: \".\" is not a domain name (want e.g. cluster.local)"},
        Case{"        cluster_domain a..b\n",
             "Corefile:3:24: rewrite: dnsd_dcos: cluster_domain: \"a..b\" is not a domain name"},
        Case{"        srv_port_name _http\n",
             "Corefile:3:23: rewrite: dnsd_dcos: srv_port_name: \"_http\" is written without the leading '_'"},
        Case{"        srv_port_name averyveryverylongname\n",
             "Corefile:3:23: rewrite: dnsd_dcos: srv_port_name: \"averyveryverylongname\" is not a port name (1-15 "
             "of a-z, 0-9, '-')"},
        Case{"        headless_suffix .x\n",
             "Corefile:3:25: rewrite: dnsd_dcos: headless_suffix: \".x\" may hold only lower-case letters, digits "
             "and '-' (at most 20)"},
        Case{"        negative_ttl soon\n",
             "Corefile:3:22: rewrite: dnsd_dcos: negative_ttl: \"soon\" is not a TTL (want whole seconds: 60s, 5m or "
             "60; at most 2147483647)"},
        Case{"        negative_ttl 1.5s\n",
             "Corefile:3:22: rewrite: dnsd_dcos: negative_ttl: \"1.5s\" is not a TTL (want whole seconds: 60s, 5m or "
             "60; at most 2147483647)"},
        Case{"        reload 10\n",
             "Corefile:3:16: rewrite: dnsd_dcos: reload: \"10\" is not a non-negative duration (want e.g. 5s, 1m, 0)"},
        Case{"        negative_ttl 60s\n        negative_ttl 30s\n",
             "Corefile:4:9: rewrite: dnsd_dcos: duplicate \"negative_ttl\" (first given at line 3)"},
        Case{"        static leader\n",
             "Corefile:3:9: rewrite: dnsd_dcos: static wants FAMILY TARGET (FAMILY: leader, master, slave, agentip or "
             "mesos-dns)"},
        Case{"        static marathon foo.example\n",
             "Corefile:3:16: rewrite: dnsd_dcos: static: unknown family \"marathon\" (want leader, master, slave, "
             "agentip or mesos-dns)"},
        Case{"        static leader a.example\n        static leader b.example\n",
             "Corefile:4:16: rewrite: dnsd_dcos: duplicate \"static leader\" (first given at line 3)"},
        Case{"        static master a..example\n",
             "Corefile:3:23: rewrite: dnsd_dcos: static master: \"a..example\" is not a domain name"},
        Case{"        mappings a.yaml {\n            reload 5s\n        }\n",
             "Corefile:3:9: rewrite: dnsd_dcos: option \"mappings\" takes no block"},
        Case{"    rewrite dnsd_dcos extra", "Corefile:2:23: rewrite: dnsd_dcos: unexpected argument \"extra\" (want "
                                              "rewrite dnsd_dcos [{ OPTIONS }], options one per line)",
             true},
        Case{"    rewrite continue dnsd_dcos",
             "Corefile:2:13: rewrite: dnsd_dcos takes no \"continue\": every rule of the preset stops (want rewrite "
             "dnsd_dcos [{ OPTIONS }])",
             true}));

TEST(DcosOptions, MissingMappingsFileIsReportedAtThePath) {
  const auto loaded = LoadCorefile(PresetCorefile("        mappings /nonexistent/dcos.yaml\n"));
  ASSERT_FALSE(loaded.parse_error) << loaded.parse_error->ToString();
  ASSERT_TRUE(loaded.compile_error);
  EXPECT_EQ(loaded.compile_error->ToString(),
            "Corefile:3:18: rewrite: dnsd_dcos: mappings /nonexistent/dcos.yaml: cannot read the file");
}

}  // namespace
}  // namespace dnsd::rules
