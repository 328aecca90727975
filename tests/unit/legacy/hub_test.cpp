// The legacy pages (/legacy.json, the contract of `dnsd-rules report`, and /legacy) rendered from
// the per-worker reports, merged; and the report's metrics.
#include "dnsd/plugins/rewrite/legacy_hub.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "dnsd/metrics/pages.hpp"
#include "../../support/metric_value.hpp"

namespace dnsd::plugins::rewrite {
namespace {

std::vector<std::uint8_t> WireOf(const std::string& text) {
  wire::Name name;
  EXPECT_EQ(wire::Name::FromString(text, name), wire::WireError::kOk);
  return {name.Wire().begin(), name.Wire().end()};
}

TEST(LegacyPages, JsonMergesTheWorkersReportsAsTheContractSays) {
  LegacyHub& hub = LegacyHub::Get();
  const std::uint16_t marathon = hub.FamilyId("marathon");
  const std::uint32_t rule = hub.RuleId("Corefile:3:5");
  const std::array<std::uint8_t, 4> a{10, 0, 0, 9}, b{10, 0, 1, 9};
  const auto name = WireOf("api.pay.marathon.mesos.");
  {
    WorkerState& w = hub.Worker(5);
    std::lock_guard lock(w.mutex);
    for (int i = 0; i < 3; ++i) w.report.Record(name, ClientSubnet::OfV4(a), rule, marathon);
  }
  {
    WorkerState& w = hub.Worker(6);
    std::lock_guard lock(w.mutex);
    w.report.Record(name, ClientSubnet::OfV4(b), rule, marathon);
    w.report.Record(WireOf("leader.mesos."), ClientSubnet::OfV4(b), LegacyReport::kNoRule, 0);
  }
  metrics::Page page;
  ASSERT_TRUE(metrics::Pages::Shared().Render("/legacy.json", "", page));
  EXPECT_EQ(page.content_type, "application/json");
  const YAML::Node json = YAML::Load(page.body);
  EXPECT_EQ(json["version"].as<int>(), 1);
  EXPECT_EQ(json["total"].as<int>(), 5);
  EXPECT_EQ(json["capacity"].as<int>(), 512);
  EXPECT_GT(json["memory_bytes"].as<std::size_t>(), 2 * LegacyReport::MemoryBytes());
  EXPECT_EQ(json["since"].as<std::string>().size(), 20u);  // 2026-12-04T01:02:03Z
  ASSERT_EQ(json["names"].size(), 2u);
  const YAML::Node top = json["names"][0];
  EXPECT_EQ(top["name"].as<std::string>(), "api.pay.marathon.mesos.");
  EXPECT_EQ(top["queries"].as<int>(), 4);
  EXPECT_EQ(top["error"].as<int>(), 0);
  EXPECT_EQ(top["family"].as<std::string>(), "marathon");
  EXPECT_EQ(top["rule"].as<std::string>(), "Corefile:3:5");
  ASSERT_EQ(top["clients"].size(), 2u);
  EXPECT_EQ(top["clients"][0]["subnet"].as<std::string>(), "10.0.0.0/24");
  EXPECT_EQ(top["clients"][0]["queries"].as<int>(), 3);
  EXPECT_EQ(top["clients"][1]["subnet"].as<std::string>(), "10.0.1.0/24");
  const YAML::Node other = json["names"][1];
  EXPECT_EQ(other["family"].as<std::string>(), "none");
  EXPECT_EQ(other["rule"].as<std::string>(), "");
  ASSERT_EQ(json["families"].size(), 2u);
  EXPECT_EQ(json["families"][0]["family"].as<std::string>(), "marathon");
  EXPECT_EQ(json["families"][0]["queries"].as<int>(), 4);
  EXPECT_FALSE(json["shadow"]["enabled"].as<bool>());
  EXPECT_EQ(json["shadow"]["names"].size(), 0u);

  ASSERT_TRUE(metrics::Pages::Shared().Render("/legacy", "", page));
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<td>api.pay.marathon.mesos.</td><td class=\"n\">4</td>"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("10.0.0.0/24 (3)"), std::string::npos);

  const auto families = testing::ProcessFamilies();
  EXPECT_EQ(testing::MetricValue(families, "dnsd_legacy_tracked_names"), 3);
  EXPECT_EQ(testing::MetricValue(families, "dnsd_legacy_report_memory_bytes"),
            2.0 * static_cast<double>(LegacyReport::MemoryBytes() + sizeof(ShadowVerdicts)));
}

TEST(LegacyPages, ShadowVerdictsAreListedWithTheirRewrittenNames) {
  LegacyHub& hub = LegacyHub::Get();
  hub.SetShadowSource("shadow.yaml");
  {
    WorkerState& w = hub.Worker(5);
    std::lock_guard lock(w.mutex);
    auto& e = w.verdicts.Touch(WireOf("web.marathon.mesos."), 1, WireOf("web.default.svc.cluster.local."), 10);
    e.verdict = Verdict::kNxDomain;
    e.learnt_ns = 10;
  }
  hub.Shadow(5).evaluated.Add(7);
  hub.Shadow(5).probes[static_cast<std::size_t>(Verdict::kNxDomain)].Add();
  const YAML::Node json = YAML::Load(hub.Json());
  const YAML::Node shadow = json["shadow"];
  EXPECT_TRUE(shadow["enabled"].as<bool>());
  EXPECT_EQ(shadow["source"].as<std::string>(), "shadow.yaml");
  EXPECT_EQ(shadow["evaluated"].as<int>(), 7);
  EXPECT_EQ(shadow["probes"].as<int>(), 1);
  EXPECT_EQ(shadow["probes_dropped"].as<int>(), 0);
  ASSERT_EQ(shadow["names"].size(), 1u);
  EXPECT_EQ(shadow["names"][0]["name"].as<std::string>(), "web.marathon.mesos.");
  EXPECT_EQ(shadow["names"][0]["rewritten"].as<std::string>(), "web.default.svc.cluster.local.");
  EXPECT_EQ(shadow["names"][0]["queries"].as<int>(), 1);
  EXPECT_EQ(shadow["names"][0]["verdict"].as<std::string>(), "nxdomain");
  const auto families = testing::ProcessFamilies();
  EXPECT_EQ(testing::MetricValue(families, "dnsd_shadow_probes_total", {{"result", "nxdomain"}}), 1);
  hub.SetShadowSource("");
}

}  // namespace
}  // namespace dnsd::plugins::rewrite
