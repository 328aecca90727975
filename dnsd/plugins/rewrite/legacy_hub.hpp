// The process-wide home of the legacy-name reports: one WorkerState per worker index (report,
// shadow verdicts, their lock), the interned rule and family labels they refer to, the metrics
// and the /legacy and /legacy.json pages. Kept for the process's life so reports and counters go
// on across reloads (a reload's new observer on a worker writes into the same state).
//
// Locking: each worker's state has its own mutex. Only its worker and a page render take it, so
// on the query path it is uncontended (an uncontended lock/unlock is two atomic operations, far
// cheaper than what the report itself does); a render holds it only while copying the ~0.5 MiB
// of entries out and merges them unlocked. A double buffer would spare those microseconds but
// doubles the memory and needs a swap protocol; not worth it for a page read by humans.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "dnsd/metrics/local_counter.hpp"
#include "dnsd/metrics/pages.hpp"
#include "dnsd/metrics/per_worker.hpp"
#include "dnsd/plugins/rewrite/legacy_report.hpp"
#include "dnsd/plugins/rewrite/shadow_verdicts.hpp"

namespace dnsd::plugins::rewrite {

// dnsd_shadow_probes_total{result}: a probe's verdict, or "dropped" (rate limit, in-flight cap).
inline constexpr std::size_t kProbeResults = kVerdicts + 1;
inline constexpr std::size_t kProbeDropped = kVerdicts;

// One worker's series, written by that worker only.
struct alignas(64) LegacyCounters {  // per {server}
  std::array<metrics::LocalCounter, LegacyReport::kMaxFamilies> queries;  // by family id
};
struct alignas(64) ShadowCounters {  // per worker, no key
  metrics::LocalCounter evaluated, rewritten;
  std::array<metrics::LocalCounter, kVerdicts> queries;       // by the verdict known at the time
  std::array<metrics::LocalCounter, kProbeResults> probes;    // by result
  std::atomic<std::uint64_t> tracked_names{0}, memory_bytes{0};  // gauges of this worker's report
};

struct WorkerState {
  mutable std::mutex mutex;  // see the header comment
  LegacyReport report;
  ShadowVerdicts verdicts;
};

class LegacyHub final : public metrics::PageSource {
 public:
  static LegacyHub& Get();
  LegacyHub();

  WorkerState& Worker(unsigned index);
  ShadowCounters& Shadow(unsigned index) { return shadow_.For(index); }
  LegacyCounters& Counters(std::uint16_t port, unsigned worker);

  // Interned label ids (config time, under the hub's lock): "Corefile:3:5", "marathon".
  std::uint32_t RuleId(const std::string& position);
  std::uint16_t FamilyId(const std::string& family);  // 0 is "" (no rule applied): "none"
  std::string FamilyName(std::size_t id) const;

  // What the current config's shadow set is ("" when none), for the report.
  void SetShadowSource(std::string source);

  // Pages: /legacy.json (the contract of `dnsd-rules report`), /legacy (HTML table).
  metrics::Page Render(std::string_view path, std::string_view query) const override;
  std::string Json() const;
  std::string Html() const;
  // Registers the pages once (they stay for the process's life, as the reports do).
  static void RegisterPages();

  std::vector<::prometheus::MetricFamily> Collect() const;

 private:
  struct Merged;
  Merged Merge() const;

  mutable std::mutex mutex_;  // labels, worker list, shadow source
  std::vector<std::unique_ptr<WorkerState>> workers_;
  std::vector<std::string> rules_;
  std::vector<std::string> families_{""};
  std::string shadow_source_;
  std::string since_;  // RFC 3339, when the first report was made
  metrics::KeyedSeries<LegacyCounters> counters_;
  mutable metrics::PerWorker<ShadowCounters> shadow_;  // mutable: a scrape sets the tracked-names gauges
};

}  // namespace dnsd::plugins::rewrite
