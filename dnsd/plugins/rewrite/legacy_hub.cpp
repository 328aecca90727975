#include "dnsd/plugins/rewrite/legacy_hub.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>

#include "dnsd/metrics/descriptor.hpp"
#include "dnsd/metrics/labels.hpp"
#include "dnsd/metrics/process_metrics.hpp"

namespace dnsd::plugins::rewrite {
namespace {

using metrics::Field;
using metrics::KeyLabel;
using metrics::SlotLabel;
using metrics::Type;

std::string FamilyLabel(std::size_t id) { return LegacyHub::Get().FamilyName(id); }
std::string VerdictLabel(std::size_t v) { return std::string(VerdictText(v)); }
std::string ProbeLabel(std::size_t r) { return r == kProbeDropped ? "dropped" : std::string(VerdictText(r)); }

const metrics::Metric<LegacyCounters> kLegacyMetrics[] = {
    {"dnsd_legacy_queries_total", "Queries for names under a legacy zone, by the family of the rule that answered.",
     Type::kCounter, {KeyLabel("server", 0), SlotLabel("family", FamilyLabel)}, Field<&LegacyCounters::queries>(), true},
};

const metrics::Metric<ShadowCounters> kShadowMetrics[] = {
    {"dnsd_legacy_tracked_names", "Names the legacy-name reports track (summed over workers, each at most 512).",
     Type::kGauge, {}, Field<&ShadowCounters::tracked_names>()},
    {"dnsd_legacy_report_memory_bytes", "Memory of the legacy-name reports (fixed: one report per worker).",
     Type::kGauge, {}, Field<&ShadowCounters::memory_bytes>()},
    {"dnsd_shadow_queries_total", "Queries the shadow rules would rewrite, by the verdict on the rewritten name then.",
     Type::kCounter, {SlotLabel("verdict", VerdictLabel)}, Field<&ShadowCounters::queries>(), true},
    {"dnsd_shadow_probes_total", "Probe queries for shadow-rewritten names, by result (dropped: rate limit or cap).",
     Type::kCounter, {SlotLabel("result", ProbeLabel)}, Field<&ShadowCounters::probes>(), true},
};

class LegacyMetrics final : public ::prometheus::Collectable {
 public:
  std::vector<::prometheus::MetricFamily> Collect() const override { return LegacyHub::Get().Collect(); }
};

std::string Now3339() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string NameText(std::span<const std::uint8_t> wire_name) {
  wire::Name name;
  std::size_t end = 0;
  if (wire_name.empty() || wire::Name::Parse(wire_name, 0, name, &end) != wire::WireError::kOk) return "?";
  return name.ToString();
}

std::string SubnetText(const ClientSubnet& s) {
  char text[64];
  if (s.v6) {
    ::inet_ntop(AF_INET6, s.bytes.data(), text, sizeof text);
    return std::string(text) + "/" + std::to_string(ClientSubnet::kV6Bits);
  }
  ::inet_ntop(AF_INET, s.bytes.data(), text, sizeof text);
  return std::string(text) + "/" + std::to_string(ClientSubnet::kV4Bits);
}

void JsonString(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", u);
      out += esc;
    } else {
      out += c;
    }
  }
  out += '"';
}

std::string Escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

struct LegacyHub::Merged {
  struct Name {
    std::string name, family, rule;
    std::uint64_t queries = 0, error = 0;
    std::vector<std::pair<std::string, std::uint64_t>> clients;  // sorted by queries desc
  };
  struct ShadowName {
    std::string name, rewritten;
    std::uint64_t queries = 0;
    Verdict verdict = Verdict::kPending;
  };
  std::uint64_t total = 0, memory = 0, evaluated = 0, rewritten = 0, probes = 0, dropped = 0;
  std::vector<std::pair<std::string, std::uint64_t>> families;
  std::vector<Name> names;
  std::vector<ShadowName> shadow_names;
  std::string since, shadow_source;
};

LegacyHub& LegacyHub::Get() {
  static const std::shared_ptr<LegacyHub> hub = std::make_shared<LegacyHub>();
  static const bool pages = [] {
    metrics::Pages::Shared().Register("/legacy.json", hub);
    metrics::Pages::Shared().Register("/legacy", hub);
    metrics::ProcessCollector<LegacyMetrics>();
    return true;
  }();
  (void)pages;
  return *hub;
}

void LegacyHub::RegisterPages() { (void)Get(); }

LegacyHub::LegacyHub() : since_(Now3339()) {}

WorkerState& LegacyHub::Worker(unsigned index) {
  std::lock_guard lock(mutex_);
  if (workers_.size() <= index) workers_.resize(index + 1);
  if (!workers_[index]) {
    workers_[index] = std::make_unique<WorkerState>();
    shadow_.For(index).memory_bytes = LegacyReport::MemoryBytes() + sizeof(ShadowVerdicts);
  }
  return *workers_[index];
}

LegacyCounters& LegacyHub::Counters(std::uint16_t port, unsigned worker) {
  return counters_.Find({metrics::ServerLabel(port)}).For(worker);
}

std::uint32_t LegacyHub::RuleId(const std::string& position) {
  std::lock_guard lock(mutex_);
  auto found = std::find(rules_.begin(), rules_.end(), position);
  if (found != rules_.end()) return static_cast<std::uint32_t>(found - rules_.begin());
  rules_.push_back(position);
  return static_cast<std::uint32_t>(rules_.size() - 1);
}

std::uint16_t LegacyHub::FamilyId(const std::string& family) {
  std::lock_guard lock(mutex_);
  auto found = std::find(families_.begin(), families_.end(), family);
  if (found != families_.end()) return static_cast<std::uint16_t>(found - families_.begin());
  if (families_.size() >= LegacyReport::kMaxFamilies) return 0;  // bounded cardinality: "none"
  families_.push_back(family);
  return static_cast<std::uint16_t>(families_.size() - 1);
}

std::string LegacyHub::FamilyName(std::size_t id) const {
  std::lock_guard lock(mutex_);
  if (id >= families_.size() || families_[id].empty()) return "none";
  return families_[id];
}

void LegacyHub::SetShadowSource(std::string source) {
  std::lock_guard lock(mutex_);
  shadow_source_ = std::move(source);
}

LegacyHub::Merged LegacyHub::Merge() const {
  Merged merged;
  std::vector<WorkerState*> workers;
  std::vector<std::string> rules, families;
  {
    std::lock_guard lock(mutex_);
    for (const auto& w : workers_) {
      if (w) workers.push_back(w.get());
    }
    rules = rules_;
    families = families_;
    merged.since = since_;
    merged.shadow_source = shadow_source_;
  }
  auto family_name = [&](std::size_t id) {
    return id < families.size() && !families[id].empty() ? families[id] : std::string("none");
  };
  std::map<std::string, Merged::Name> names;
  std::map<std::string, std::map<std::string, std::uint64_t>> clients;
  std::map<std::string, Merged::ShadowName> shadow;
  std::map<std::string, std::int64_t> learnt;
  std::array<std::uint64_t, LegacyReport::kMaxFamilies> family_queries{};
  std::vector<LegacyReport::Entry> entries;
  std::vector<ShadowVerdicts::Entry> verdicts;
  for (WorkerState* w : workers) {
    entries.clear();
    verdicts.clear();
    {
      std::lock_guard lock(w->mutex);  // copy only; merge below, unlocked
      w->report.CopyEntries(entries);
      w->verdicts.CopyEntries(verdicts);
      merged.total += w->report.total();
      for (std::uint16_t f = 0; f < LegacyReport::kMaxFamilies; ++f) family_queries[f] += w->report.FamilyQueries(f);
    }
    merged.memory += LegacyReport::MemoryBytes() + sizeof(ShadowVerdicts);
    for (const auto& e : entries) {
      const std::string text = NameText(e.Name());
      Merged::Name& n = names[text];
      n.name = text;
      n.queries += e.queries;
      n.error += e.error;
      n.family = family_name(e.family);
      n.rule = e.rule < rules.size() ? rules[e.rule] : "";
      for (std::size_t s = 0; s < e.subnet_count; ++s) clients[text][SubnetText(e.subnets[s].subnet)] += e.subnets[s].queries;
    }
    for (const auto& v : verdicts) {
      const std::string key = NameText(v.Name()) + " " + std::to_string(v.qtype);
      Merged::ShadowName& s = shadow[key];
      s.name = NameText(v.Name());
      s.rewritten = NameText(v.Rewritten());
      s.queries += v.queries;
      if (v.learnt_ns >= learnt[key]) {  // the freshest worker's verdict
        learnt[key] = v.learnt_ns;
        s.verdict = v.verdict;
      }
    }
  }
  shadow_.ForEach([&](const ShadowCounters& c) {
    merged.evaluated += c.evaluated.Read();
    merged.rewritten += c.rewritten.Read();
    for (std::size_t r = 0; r < kVerdicts; ++r) merged.probes += c.probes[r].Read();
    merged.dropped += c.probes[kProbeDropped].Read();
  });
  for (std::size_t f = 0; f < family_queries.size(); ++f) {
    if (family_queries[f] != 0) merged.families.emplace_back(family_name(f), family_queries[f]);
  }
  for (auto& [text, n] : names) {
    for (const auto& [subnet, count] : clients[text]) n.clients.emplace_back(subnet, count);
    std::sort(n.clients.begin(), n.clients.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (n.clients.size() > LegacyReport::kSubnetsPerName) n.clients.resize(LegacyReport::kSubnetsPerName);
    merged.names.push_back(std::move(n));
  }
  auto by_queries = [](const auto& a, const auto& b) {
    return a.queries != b.queries ? a.queries > b.queries : a.name < b.name;
  };
  std::sort(merged.names.begin(), merged.names.end(), by_queries);
  if (merged.names.size() > LegacyReport::kCapacity) merged.names.resize(LegacyReport::kCapacity);
  std::sort(merged.families.begin(), merged.families.end(),
            [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  for (auto& [key, s] : shadow) merged.shadow_names.push_back(std::move(s));
  std::sort(merged.shadow_names.begin(), merged.shadow_names.end(), by_queries);
  if (merged.shadow_names.size() > ShadowVerdicts::kSlots) merged.shadow_names.resize(ShadowVerdicts::kSlots);
  return merged;
}

std::string LegacyHub::Json() const {
  const Merged m = Merge();
  std::string out = "{\"version\":1,\"since\":";
  JsonString(out, m.since);
  out += ",\"total\":" + std::to_string(m.total) + ",\"capacity\":" + std::to_string(LegacyReport::kCapacity) +
         ",\"memory_bytes\":" + std::to_string(m.memory) + ",\"families\":[";
  for (std::size_t i = 0; i < m.families.size(); ++i) {
    out += i ? ",{\"family\":" : "{\"family\":";
    JsonString(out, m.families[i].first);
    out += ",\"queries\":" + std::to_string(m.families[i].second) + "}";
  }
  out += "],\"names\":[";
  for (std::size_t i = 0; i < m.names.size(); ++i) {
    const Merged::Name& n = m.names[i];
    out += i ? ",{\"name\":" : "{\"name\":";
    JsonString(out, n.name);
    out += ",\"queries\":" + std::to_string(n.queries) + ",\"error\":" + std::to_string(n.error) + ",\"family\":";
    JsonString(out, n.family);
    out += ",\"rule\":";
    JsonString(out, n.rule);
    out += ",\"clients\":[";
    for (std::size_t c = 0; c < n.clients.size(); ++c) {
      out += c ? ",{\"subnet\":" : "{\"subnet\":";
      JsonString(out, n.clients[c].first);
      out += ",\"queries\":" + std::to_string(n.clients[c].second) + "}";
    }
    out += "]}";
  }
  out += "],\"shadow\":{\"enabled\":";
  out += m.shadow_source.empty() ? "false" : "true";
  out += ",\"source\":";
  JsonString(out, m.shadow_source);
  out += ",\"evaluated\":" + std::to_string(m.evaluated) + ",\"rewritten\":" + std::to_string(m.rewritten) +
         ",\"probes\":" + std::to_string(m.probes) + ",\"probes_dropped\":" + std::to_string(m.dropped) + ",\"names\":[";
  for (std::size_t i = 0; i < m.shadow_names.size(); ++i) {
    const Merged::ShadowName& s = m.shadow_names[i];
    out += i ? ",{\"name\":" : "{\"name\":";
    JsonString(out, s.name);
    out += ",\"rewritten\":";
    JsonString(out, s.rewritten);
    out += ",\"queries\":" + std::to_string(s.queries) + ",\"verdict\":";
    JsonString(out, VerdictText(static_cast<std::size_t>(s.verdict)));
    out += "}";
  }
  out += "]}}\n";
  return out;
}

std::string LegacyHub::Html() const {
  const Merged m = Merge();
  std::string out =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>dnsd legacy names</title>"
      "<style>table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
      "td.n{text-align:right}</style></head><body>\n<h1>Legacy names</h1>\n<p>Since " + Escaped(m.since) +
      ": " + std::to_string(m.total) + " queries; top " + std::to_string(LegacyReport::kCapacity) +
      " names per worker, " + std::to_string(m.memory) + " bytes. Counts are upper bounds; "
      "queries minus error is a lower bound.</p>\n<h2>Families</h2>\n<table><tr><th>family</th><th>queries</th></tr>\n";
  for (const auto& [family, queries] : m.families) {
    out += "<tr><td>" + Escaped(family) + "</td><td class=\"n\">" + std::to_string(queries) + "</td></tr>\n";
  }
  out += "</table>\n<h2>Names</h2>\n<table><tr><th>name</th><th>queries</th><th>error</th><th>family</th>"
         "<th>rule</th><th>clients</th></tr>\n";
  for (const Merged::Name& n : m.names) {
    std::string clients;
    for (const auto& [subnet, queries] : n.clients) {
      clients += (clients.empty() ? "" : "<br>") + Escaped(subnet) + " (" + std::to_string(queries) + ")";
    }
    out += "<tr><td>" + Escaped(n.name) + "</td><td class=\"n\">" + std::to_string(n.queries) + "</td><td class=\"n\">" +
           std::to_string(n.error) + "</td><td>" + Escaped(n.family) + "</td><td>" + Escaped(n.rule) + "</td><td>" +
           clients + "</td></tr>\n";
  }
  out += "</table>\n<h2>Shadow</h2>\n";
  if (m.shadow_source.empty()) {
    out += "<p>No shadow rule set.</p>\n";
  } else {
    out += "<p>Source " + Escaped(m.shadow_source) + ": " + std::to_string(m.evaluated) + " evaluated, " +
           std::to_string(m.rewritten) + " rewritten, " + std::to_string(m.probes) + " probes, " +
           std::to_string(m.dropped) + " probes dropped.</p>\n";
  }
  out += "<table><tr><th>name</th><th>rewritten</th><th>queries</th><th>verdict</th></tr>\n";
  for (const Merged::ShadowName& s : m.shadow_names) {
    out += "<tr><td>" + Escaped(s.name) + "</td><td>" + Escaped(s.rewritten) + "</td><td class=\"n\">" +
           std::to_string(s.queries) + "</td><td>" + std::string(VerdictText(static_cast<std::size_t>(s.verdict))) +
           "</td></tr>\n";
  }
  out += "</table>\n</body></html>\n";
  return out;
}

metrics::Page LegacyHub::Render(std::string_view path, std::string_view /*query*/) const {
  if (path == "/legacy") return {"text/html; charset=utf-8", Html()};
  return {"application/json", Json()};
}

std::vector<::prometheus::MetricFamily> LegacyHub::Collect() const {
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < workers_.size(); ++i) {
      if (!workers_[i]) continue;
      std::size_t tracked = 0;
      {
        std::lock_guard worker_lock(workers_[i]->mutex);
        tracked = workers_[i]->report.tracked();
      }
      shadow_.For(static_cast<unsigned>(i)).tracked_names = tracked;
    }
  }
  std::vector<::prometheus::MetricFamily> families;
  metrics::Collect<LegacyCounters>(kLegacyMetrics, counters_, families);  // FamilyLabel takes mutex_: not held here
  metrics::Collect<ShadowCounters>(kShadowMetrics, shadow_, families);
  return families;
}

}  // namespace dnsd::plugins::rewrite
