// The DC/OS preset's integration fixture: knot serving cluster.local. shaped as CoreDNS's kubernetes
// plugin answers (data/cluster.local.zone), a dnsd per test with `rewrite dnsd_dcos { ... }` between
// `cache` and `forward`, a /metrics listener to tell local answers (forward's counters still) from
// forwarded ones, and readers for the SOA records the preset synthesizes.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/temp_dir.hpp"
#include "fixture/upstream.hpp"
#include "metrics_util.hpp"
#include "rewrite_util.hpp"

namespace dnsd::it::dcos {

using Strings = std::vector<std::string>;

// Facts about data/cluster.local.zone the tests assert on.
namespace kzone {
inline constexpr const char* kApex = "cluster.local.";
inline constexpr const char* kReadyName = "foo.bar-default.svc.cluster.local.";
inline constexpr uint32_t kSoaTtl = 5;  // CoreDNS kubernetes: SOA TTL 5, MINIMUM 5
inline constexpr uint32_t kSoaMinimum = 5;
}  // namespace kzone

// One SOA record, field by field.
struct Soa {
  std::string owner;
  uint32_t ttl = 0;
  std::string mname, rname;
  uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
};

inline std::optional<Soa> FirstSoa(const ldns_rr_list* section) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(section, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA || ldns_rr_rd_count(rr) != 7) continue;
    Soa soa;
    soa.owner = rewrite::Str(ldns_rr_owner(rr));
    soa.ttl = ldns_rr_ttl(rr);
    soa.mname = rewrite::Str(ldns_rr_rdf(rr, 0));
    soa.rname = rewrite::Str(ldns_rr_rdf(rr, 1));
    soa.serial = ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
    soa.refresh = ldns_rdf2native_int32(ldns_rr_rdf(rr, 3));
    soa.retry = ldns_rdf2native_int32(ldns_rr_rdf(rr, 4));
    soa.expire = ldns_rdf2native_int32(ldns_rr_rdf(rr, 5));
    soa.minimum = ldns_rdf2native_int32(ldns_rr_rdf(rr, 6));
    return soa;
  }
  return std::nullopt;
}
inline std::optional<Soa> AuthoritySoa(const Reply& r) { return FirstSoa(ldns_pkt_authority(r.pkt())); }
inline std::optional<Soa> AnswerSoa(const Reply& r) { return FirstSoa(ldns_pkt_answer(r.pkt())); }

// Presentation form of the rdata of the additional section's records of `type`, and their owners.
inline Strings AdditionalData(const Reply& r, ldns_rr_type type) {
  Strings out;
  const ldns_rr_list* section = ldns_pkt_additional(r.pkt());
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(section, i);
    if (ldns_rr_get_type(rr) == type) out.push_back(rewrite::Str(ldns_rr_rdf(rr, 0)));
  }
  return out;
}
inline Strings AdditionalOwners(const Reply& r, ldns_rr_type type) {
  return rewrite::Owners(ldns_pkt_additional(r.pkt()), type);
}

// Every owner and every name in record data of every section, lower-cased: what must not leak the
// Kubernetes side of a rewrite back to a client that asked a legacy name. The upstream's own NS
// records and their glue (nsd adds them to positive answers; CoreDNS and knot do not) are left out:
// no rule maps them.
inline Strings AllNames(const Reply& r) {
  Strings out, glue;
  for (const ldns_rr_list* section : {ldns_pkt_answer(r.pkt()), ldns_pkt_authority(r.pkt()),
                                      ldns_pkt_additional(r.pkt())}) {
    for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(section, i);
      const std::string owner = rewrite::Str(ldns_rr_owner(rr));
      if (section == ldns_pkt_authority(r.pkt()) && ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS) {
        glue.push_back(rewrite::Str(ldns_rr_rdf(rr, 0)));
        continue;
      }
      if (section == ldns_pkt_additional(r.pkt()) && std::find(glue.begin(), glue.end(), owner) != glue.end()) continue;
      out.push_back(owner);
      for (size_t j = 0; j < ldns_rr_rd_count(rr); ++j) {
        if (ldns_rdf_get_type(ldns_rr_rdf(rr, j)) == LDNS_RDF_TYPE_DNAME) out.push_back(rewrite::Str(ldns_rr_rdf(rr, j)));
      }
    }
  }
  for (auto& name : out) std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  return out;
}

inline Strings Sorted(Strings v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The sum of every series of a metric family (whatever its labels).
inline double Total(const Samples& samples, const std::string& family) {
  double sum = 0;
  for (const auto& [series, value] : samples) {
    if (series == family || series.rfind(family + "{", 0) == 0) sum += value;
  }
  return sum;
}

// The upstream options of a knot serving data/cluster.local.zone.
inline UpstreamOptions ClusterLocalZone() {
  UpstreamOptions options;
  options.zone = kzone::kApex;
  options.zone_file = "cluster.local.zone";
  options.ready_name = kzone::kReadyName;
  return options;
}

// The suite's knot (started once) and a dnsd per test with its own preset block.
class DcosPresetThroughDaemon : public rewrite::RewriteThroughDaemon {
 public:
  static void SetUpTestSuite() { StartUpstream(ClusterLocalZone()); }

 protected:
  // The Corefile: metrics, cache, `before` rewrite lines, the preset with `body` (no block when
  // empty), forward to knot. The cache's caps (3600 s, 1800 s) are above every TTL here and its
  // denial minimum is 1 s (not 5), so the negative TTLs clients see are the preset's.
  std::string Corefile(const Strings& body, const Strings& before = {}) const {
    std::string text = ".:@PORT@ {\n    prometheus 127.0.0.1:" + std::to_string(metrics_port_) +
                       "\n    cache {\n        denial 9984 1800 1\n    }\n";
    for (const auto& line : before) text += "    " + line + "\n";
    text += "    rewrite dnsd_dcos";
    if (!body.empty()) {
      text += " {\n";
      for (const auto& line : body) text += "        " + line + "\n";
      text += "    }";
    }
    return text + "\n    forward . " + upstream().ToString() + "\n}\n";
  }

  // Starts dnsd with the preset (`body`: its block's lines) and waits until the fixture's readiness
  // probes have gone through, so that the counters move only for the test's own queries.
  void Start(const Strings& body = {}, const Strings& before = {}) {
    metrics_port_ = FreePort();
    StartWithCorefile(Corefile(body, before));
    std::string last;
    for (int i = 0; i < 40; ++i) {
      const Samples now = Scrape();
      const std::string seen = std::to_string(Total(now, "coredns_dns_responses_total")) + "/" +
                               std::to_string(Total(now, "coredns_forward_requests_total"));
      if (!now.empty() && seen == last) return;
      last = seen;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  Samples Scrape() const { return Parse(Body(HttpGet(metrics_port_, "/metrics"))); }
  // Queries dnsd sent to knot (and got a reply for) since `before`.
  double ForwardedSince(const Samples& before) const {
    return Total(Scrape(), "coredns_forward_requests_total") - Total(before, "coredns_forward_requests_total");
  }

 private:
  uint16_t metrics_port_ = 0;
};

}  // namespace dnsd::it::dcos
