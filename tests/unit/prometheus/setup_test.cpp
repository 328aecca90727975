// `prometheus [ADDRESS]`: CoreDNS's syntax and default, errors that point, one listener per address.
#include <gtest/gtest.h>

#include <variant>

#include "dnsd/plugins/prometheus/exporter.hpp"
#include "dnsd/plugins/prometheus/factory.hpp"
#include "dnsd/plugins/prometheus/setup.hpp"
#include "support.hpp"

namespace dnsd::plugins::prometheus {
namespace {

config::Directive Line(std::vector<std::string> args) {
  config::Directive d;
  d.name = {"prometheus", {"Corefile", 3, 5}, false};
  int column = 16;
  for (auto& a : args) {
    d.args.push_back({a, {"Corefile", 3, column}, false});
    column += static_cast<int>(a.size()) + 1;
  }
  return d;
}

TEST(PrometheusSetup, DefaultAddressIsCoreDnsLocalhost9153) {
  auto parsed = ParseAddress(Line({}));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed.value, "localhost:9153");
}

TEST(PrometheusSetup, AcceptsHostPortForms) {
  for (const char* address : {":9153", "0.0.0.0:9153", "127.0.0.1:19153", "[::1]:9153", "localhost:9253"}) {
    auto parsed = ParseAddress(Line({address}));
    ASSERT_TRUE(parsed.ok()) << address;
    EXPECT_EQ(*parsed.value, address);
  }
}

TEST(PrometheusSetup, BindSpecIsCivetwebForm) {
  EXPECT_EQ(BindSpec(":9153"), "9153");
  EXPECT_EQ(BindSpec("localhost:9153"), "127.0.0.1:9153");
  EXPECT_EQ(BindSpec("[::1]:9153"), "[::1]:9153");
  EXPECT_EQ(BindSpec("9153"), "");
  EXPECT_EQ(BindSpec("::1:9153"), "");
  EXPECT_EQ(BindSpec("host:99999"), "");
}

TEST(PrometheusSetup, ErrorsPointAtTheToken) {
  auto two = ParseAddress(Line({":9153", ":9154"}));
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error.ToString(),
            "Corefile:3:22: prometheus: unexpected argument \":9154\" (want prometheus [ADDRESS])");
  auto bad = ParseAddress(Line({"9153"}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error.ToString(),
            "Corefile:3:16: prometheus: invalid address \"9153\" (want HOST:PORT, e.g. :9153)");
}

TEST(PrometheusSetup, OneListenerPerAddressSharedByServerBlocks) {
  pipeline::SetupContext a{{"."}, {}, {}}, b{{"example.org."}, {}, {}};
  auto first = prometheus::Setup(Line({"127.0.0.1:0"}), a);
  ASSERT_TRUE(first.ok()) << first.error.ToString();
  auto second = prometheus::Setup(Line({"127.0.0.1:0"}), b);
  ASSERT_TRUE(second.ok()) << second.error.ToString();
  auto* f1 = dynamic_cast<MetricsFactory*>(first.value->get());
  auto* f2 = dynamic_cast<MetricsFactory*>(second.value->get());
  ASSERT_NE(f1, nullptr);
  ASSERT_NE(f2, nullptr);
  EXPECT_EQ(f1->exporter(), f2->exporter());
  EXPECT_EQ(&f1->collector(), &f2->collector());
  ASSERT_EQ(f1->exporter()->ListeningPorts().size(), 1u);
  EXPECT_GT(f1->exporter()->ListeningPorts()[0], 0);
}

TEST(PrometheusSetup, PluginEnabledSeriesExistBeforeAnyQuery) {
  pipeline::SetupContext ctx{{"example.org.", "example.net."}, {"prometheus", "cache", "forward"}, {1053, 53}};
  auto made = prometheus::Setup(Line({"127.0.0.1:0"}), ctx);
  ASSERT_TRUE(made.ok()) << made.error.ToString();
  auto* factory = dynamic_cast<MetricsFactory*>(made.value->get());
  ASSERT_NE(factory, nullptr);
  auto families = factory->collector().Collect();
  const auto* enabled = testing::FindFamily(families, "coredns_plugin_enabled");
  EXPECT_NE(testing::FindMetric(enabled, {{"server", "dns://:1053"}, {"zone", "example.org."}, {"name", "cache"}}),
            nullptr);
  EXPECT_NE(testing::FindMetric(enabled, {{"server", "dns://:53"}, {"zone", "example.net."}, {"name", "forward"}}),
            nullptr);
  EXPECT_EQ(testing::FindMetric(enabled, {{"server", "dns://:53"}, {"zone", "example.org."}}), nullptr);
}

TEST(PrometheusSetup, AnAddressInUseIsAConfigError) {
  auto first = prometheus::Setup(Line({"127.0.0.1:0"}), pipeline::SetupContext{{"."}, {}, {}});
  ASSERT_TRUE(first.ok());
  const int port = dynamic_cast<MetricsFactory*>(first.value->get())->exporter()->ListeningPorts()[0];
  // The same port under another spelling is another address: binding it again must fail cleanly.
  auto second = prometheus::Setup(Line({"localhost:" + std::to_string(port)}), pipeline::SetupContext{{"."}, {}, {}});
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error.ToString().find("prometheus: cannot listen on"), std::string::npos)
      << second.error.ToString();
}

}  // namespace
}  // namespace dnsd::plugins::prometheus
