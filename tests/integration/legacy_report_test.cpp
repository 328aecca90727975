// The legacy-name report through the daemon: with the DC/OS preset in front of knot, /legacy.json
// counts exactly the queries sent per name, with family, rule and client subnet, the metrics agree,
// and its memory stays the same however many distinct names are asked.
// Needs `rewrite dnsd_dcos` (h/preset) and the exporter's pages (h/pages): see CMakeLists.txt.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <map>
#include <string>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/net.hpp"
#include "fixture/upstream.hpp"
#include "metrics_util.hpp"

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;

TEST(LegacyReport, CountsExactlyWhatWasSentThroughTheDaemon) {
  Upstream upstream;
  const uint16_t metrics_port = FreePort();
  Daemon daemon(".:@PORT@ {\n    prometheus 127.0.0.1:" + std::to_string(metrics_port) +
                "\n    rewrite dnsd_dcos\n    forward . " + upstream.endpoint().ToString() + "\n}\n");
  const std::map<std::string, int> sent = {
      {"svc1.ns1.marathon.mesos.", 5}, {"svc2.ns1.marathon.mesos.", 3}, {"svc3.ns2.marathon.mesos.", 2}};
  for (const auto& [name, count] : sent) {
    for (int i = 0; i < count; ++i) ASSERT_TRUE(Query(daemon.endpoint(), name, LDNS_RR_TYPE_A)) << name;
  }
  const YAML::Node json = YAML::Load(Body(HttpGet(metrics_port, "/legacy.json")));
  ASSERT_TRUE(json["version"]) << "no /legacy.json";
  EXPECT_EQ(json["total"].as<int>(), 10);
  int found = 0;
  for (const auto& n : json["names"]) {
    auto it = sent.find(n["name"].as<std::string>());
    if (it == sent.end()) continue;
    ++found;
    EXPECT_EQ(n["queries"].as<int>(), it->second) << it->first;
    EXPECT_EQ(n["error"].as<int>(), 0);
    EXPECT_EQ(n["family"].as<std::string>(), "marathon");
    const std::string rule = n["rule"].as<std::string>();
    EXPECT_TRUE(rule.ends_with(":3:5")) << rule;  // the dnsd_dcos line
    ASSERT_EQ(n["clients"].size(), 1u);
    EXPECT_EQ(n["clients"][0]["subnet"].as<std::string>(), "127.0.0.0/24");
    EXPECT_EQ(n["clients"][0]["queries"].as<int>(), it->second);
  }
  EXPECT_EQ(found, 3);
  const Samples metrics = Parse(Body(HttpGet(metrics_port, "/metrics")));
  const std::string server = "server=\"dns://:" + std::to_string(daemon.endpoint().port) + "\"";
  EXPECT_EQ(metrics.at("dnsd_legacy_queries_total{" + server + ",family=\"marathon\"}"), 10);
  const double memory = metrics.at("dnsd_legacy_report_memory_bytes");
  EXPECT_EQ(memory, json["memory_bytes"].as<double>());

  for (int i = 0; i < 2000; ++i) Query(daemon.endpoint(), "t" + std::to_string(i) + ".ns9.marathon.mesos.", LDNS_RR_TYPE_A);
  const Samples after = Parse(Body(HttpGet(metrics_port, "/metrics")));
  EXPECT_EQ(after.at("dnsd_legacy_report_memory_bytes"), memory);
  EXPECT_LE(after.at("dnsd_legacy_tracked_names"), 512.0 * 64);  // at most 512 per worker
  EXPECT_EQ(daemon.Stop().code, 0);
}

}  // namespace
}  // namespace dnsd::it
