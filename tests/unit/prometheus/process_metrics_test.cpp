// Process-wide metrics (served by every exporter): the reload API and the per-worker keyed blocks
// that other plugins count into.
#include <gtest/gtest.h>

#include "dnsd/metrics/local_counter.hpp"
#include "dnsd/metrics/per_worker.hpp"
#include "dnsd/metrics/process_metrics.hpp"
#include "dnsd/plugins/prometheus/reload_metrics.hpp"
#include "support.hpp"

namespace dnsd::plugins::prometheus {
namespace {

using testing::FindFamily;
using testing::FindMetric;

double FailedReloads() {
  const auto families = metrics::ProcessMetrics::Shared()->Collect();
  const auto* metric = FindMetric(FindFamily(families, "coredns_reload_failed_total"), {});
  return metric ? metric->counter.value : -1;
}

TEST(ReloadMetrics, FailedTotalIsExportedAtZeroAndCountsEachFailure) {
  RegisterReloadMetrics();
  const double before = FailedReloads();
  ASSERT_GE(before, 0);
  CountReloadFailure();
  CountReloadFailure();
  EXPECT_EQ(FailedReloads(), before + 2);
}

TEST(ReloadMetrics, VersionInfoHasOneSeriesForTheCorefileInForce) {
  SetReloadVersion("aaaa");
  SetReloadVersion("bbbb");
  const auto families = metrics::ProcessMetrics::Shared()->Collect();
  const auto* info = FindFamily(families, "coredns_reload_version_info");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->type, ::prometheus::MetricType::Gauge);
  ASSERT_EQ(info->metric.size(), 1u);
  const auto* metric = FindMetric(info, {{"hash", "sha512"}, {"value", "bbbb"}});
  ASSERT_NE(metric, nullptr);
  EXPECT_EQ(metric->gauge.value, 1);
}

TEST(KeyedSeries, TheSameKeyAndWorkerGetTheSameBlockSoCountsContinue) {
  struct Block {
    metrics::LocalCounter hits;
  };
  metrics::KeyedSeries<Block> series;
  Block& first = series.Find({"dns://:53", "."}).For(1);
  first.hits.Add(3);
  Block& again = series.Find({"dns://:53", "."}).For(1);
  EXPECT_EQ(&first, &again);
  again.hits.Add();
  EXPECT_NE(&series.Find({"dns://:53", "example.org."}).For(1), &first);
  std::uint64_t total = 0;
  series.ForEach([&](const auto& key, const metrics::PerWorker<Block>& workers) {
    if (key[1] == ".") workers.ForEach([&](const Block& b) { total += b.hits.Read(); });
  });
  EXPECT_EQ(total, 4u);
}

}  // namespace
}  // namespace dnsd::plugins::prometheus
