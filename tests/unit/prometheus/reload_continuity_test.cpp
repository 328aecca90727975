// A Corefile reload builds new factories and per-worker handlers for the same servers and zones,
// then destroys the old ones: every plugin's series must go on from where they were (no reset, no
// second series with the same labels, no scrape reading a destroyed handler).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "dnsd/config/corefile.hpp"
#include "dnsd/plugins/cache/metrics.hpp"
#include "dnsd/plugins/cache/setup.hpp"
#include "dnsd/plugins/prometheus/factory.hpp"
#include "dnsd/metrics/process_metrics.hpp"
#include "dnsd/plugins/rewrite/setup.hpp"
#include "support.hpp"

namespace dnsd::plugins::prometheus {
namespace {

using testing::AnsweringHandler;
using testing::ClientTransaction;
using testing::FindFamily;
using testing::FindMetric;
using testing::Query;

constexpr std::uint16_t kPort = 5391;  // only a label here: nothing listens

// One config generation: factories from the Corefile's directives, one chain per worker.
struct Generation {
  Generation(const std::shared_ptr<DnsCollector>& collector, boost::asio::io_context& io, unsigned workers) {
    auto corefile = config::ParseCorefile(
        "example.org:5391 {\n"
        "  cache\n"
        "  rewrite name exact www.example.org. web.example.org.\n"
        "}\n",
        "Corefile");
    EXPECT_TRUE(corefile.ok());
    const auto& directives = corefile.value->blocks.at(0).directives;
    pipeline::SetupContext ctx{{"example.org."}, {"prometheus", "cache", "rewrite"}, {53}};
    factories.push_back(std::make_unique<MetricsFactory>(nullptr, ctx.zones, collector));
    auto cache = cache::Setup(directives.at(0), ctx);
    EXPECT_TRUE(cache.ok());
    factories.push_back(std::move(*cache.value));
    const config::Directive* rewrite_lines[] = {&directives.at(1)};
    auto rewrite = rewrite::SetupAll(rewrite_lines, ctx);
    EXPECT_TRUE(rewrite.ok());
    factories.push_back(std::move(*rewrite.value));
    for (unsigned w = 0; w < workers; ++w) {
      pipeline::WorkerContext context{io, w};
      // Each chain in its own place before anything points into it (its `upstream` must not move).
      Chain& chain = *chains.emplace_back(std::make_unique<Chain>());
      for (auto& factory : factories) chain.handlers.push_back(factory->CreateHandler(context));
      for (std::size_t i = 0; i + 1 < chain.handlers.size(); ++i) chain.handlers[i]->SetNext(chain.handlers[i + 1].get());
      chain.handlers.back()->SetNext(&chain.upstream);
    }
  }

  void Ask(unsigned worker, const char* name) {
    ClientTransaction tx(Query(name, 1), pipeline::Transport::kUdp, "127.0.0.1", kPort);
    chains.at(worker)->handlers.front()->Serve(tx);
    ASSERT_EQ(tx.responses.size(), 1u);
  }

  struct Chain {
    std::vector<std::unique_ptr<pipeline::Handler>> handlers;
    AnsweringHandler upstream;
  };
  std::vector<std::unique_ptr<pipeline::HandlerFactory>> factories;
  std::vector<std::unique_ptr<Chain>> chains;
};

std::vector<::prometheus::MetricFamily> Scrape(const DnsCollector& collector) {
  auto families = collector.Collect();
  auto more = metrics::ProcessMetrics::Shared()->Collect();
  families.insert(families.end(), more.begin(), more.end());
  return families;
}

double Value(const std::vector<::prometheus::MetricFamily>& families, std::string_view name,
             const std::vector<::prometheus::ClientMetric::Label>& labels) {
  const auto* metric = FindMetric(FindFamily(families, name), labels);
  return metric ? metric->counter.value : -1;
}

// Every family has each label set once.
void ExpectNoDuplicateSeries(const std::vector<::prometheus::MetricFamily>& families) {
  for (const auto& family : families) {
    for (std::size_t i = 0; i < family.metric.size(); ++i) {
      for (std::size_t j = i + 1; j < family.metric.size(); ++j) {
        EXPECT_FALSE(family.metric[i].label == family.metric[j].label) << family.name;
      }
    }
  }
}

TEST(ReloadContinuity, CountsGoOnAcrossANewGenerationOfFactoriesAndHandlers) {
  auto collector = std::make_shared<DnsCollector>();
  boost::asio::io_context io;
  const std::string server = "dns://:" + std::to_string(kPort);
  const std::vector<::prometheus::ClientMetric::Label> cache_labels = {{"server", server}, {"zones", "example.org."}};
  const std::vector<::prometheus::ClientMetric::Label> rule_labels = {
      {"server", server}, {"zones", "example.org."}, {"rule", "Corefile:3:3"}};
  {
    Generation a(collector, io, 2);
    a.Ask(0, "www.example.org");  // rewritten, cache miss
    a.Ask(1, "www.example.org");  // the other worker: a hit in the shared store
    a.Ask(0, "other.example.org");
    auto families = Scrape(*collector);
    EXPECT_EQ(Value(families, "coredns_cache_requests_total", cache_labels), 3);
    EXPECT_EQ(Value(families, "coredns_cache_misses_total", cache_labels), 2);
    EXPECT_EQ(Value(families, "dnsd_rewrite_rule_hits_total", rule_labels), 1);
    // The reload: generation B is built while A still exists, then A goes.
    Generation b(collector, io, 2);
    b.Ask(1, "www.example.org");
  }
  Generation c(collector, io, 2);
  c.Ask(0, "www.example.org");
  const auto families = Scrape(*collector);
  ExpectNoDuplicateSeries(families);
  EXPECT_EQ(Value(families, "coredns_dns_requests_total", {{"server", server}, {"zone", "example.org."}}), 5);
  EXPECT_EQ(Value(families, "coredns_cache_requests_total", cache_labels), 5);
  EXPECT_EQ(Value(families, "coredns_cache_misses_total", cache_labels), 4);  // each generation a new store
  EXPECT_EQ(Value(families, "coredns_cache_hits_total", {{"server", server}, {"type", "success"}}), 1);
  EXPECT_EQ(Value(families, "dnsd_rewrite_rule_hits_total", rule_labels), 3);
  EXPECT_EQ(Value(families, "dnsd_rewrite_rule_set_hits_total", {{"server", server}, {"rule_set", "Corefile"}}), 3);
  // Generation C's store (the newest) is the one coredns_cache_entries reads: one name cached.
  const auto* entries = FindMetric(FindFamily(families, "coredns_cache_entries"),
                                   {{"server", server}, {"type", "success"}, {"zones", "example.org."}});
  ASSERT_NE(entries, nullptr);
  EXPECT_EQ(entries->gauge.value, 1);
}

TEST(ReloadContinuity, TheResponsesPluginLabelNamesTheCacheForItsAnswers) {
  auto collector = std::make_shared<DnsCollector>();
  boost::asio::io_context io;
  Generation g(collector, io, 1);
  g.Ask(0, "plugin-label.example.org");
  const auto families = Scrape(*collector);
  const auto* metric = FindMetric(FindFamily(families, "coredns_dns_responses_total"),
                                  {{"server", "dns://:5391"}, {"rcode", "NOERROR"}, {"plugin", "cache"}});
  ASSERT_NE(metric, nullptr);
  EXPECT_EQ(metric->counter.value, 1);
}

}  // namespace
}  // namespace dnsd::plugins::prometheus
