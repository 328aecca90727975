// `rewrite dnsd_shadow`: through the daemon against knot, answers are byte-identical with and
// without a shadow rule set, while the shadow metrics count the queries it would rewrite and the
// probes that learn whether the rewritten names resolve.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "fixture/child_process.hpp"
#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/net.hpp"
#include "fixture/temp_dir.hpp"
#include "fixture/upstream.hpp"
#include "metrics_util.hpp"

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;

std::string Corefile(const Endpoint& upstream, uint16_t metrics_port, bool shadow) {
  std::string text = ".:@PORT@ {\n    prometheus 127.0.0.1:" + std::to_string(metrics_port) + "\n" +
                     "    rewrite name suffix .marathon.mesos. .ns1-default.svc.cluster.local. answer auto\n";
  if (shadow) {
    // Would send the same names to namespace ns2: svc1..5 exist there, svc9 does not.
    text += "    rewrite dnsd_shadow {\n"
            "        name suffix .marathon.mesos. .ns2-default.svc.cluster.local. answer auto\n"
            "    }\n";
  }
  return text + "    forward . " + upstream.ToString() + "\n}\n";
}

double Value(uint16_t metrics_port, const std::string& series) {
  const Samples samples = Parse(Body(HttpGet(metrics_port, "/metrics")));
  auto found = samples.find(series);
  return found == samples.end() ? 0 : found->second;
}

struct Case {
  std::string name;
  ldns_rr_type type;
};

TEST(Shadow, AnswersAreByteIdenticalWhileShadowCountersMove) {
  Upstream upstream;
  const uint16_t plain_metrics = FreePort(), shadow_metrics = FreePort();
  Daemon plain(Corefile(upstream.endpoint(), plain_metrics, false));
  Daemon shadowed(Corefile(upstream.endpoint(), shadow_metrics, true));
  const std::vector<Case> cases = {
      {"svc1.marathon.mesos.", LDNS_RR_TYPE_A},    {"SVC2.Marathon.Mesos.", LDNS_RR_TYPE_AAAA},
      {"svc3.marathon.mesos.", LDNS_RR_TYPE_TXT},  {"svc9.marathon.mesos.", LDNS_RR_TYPE_A},
      {"svc1.ns1-default.svc.cluster.local.", LDNS_RR_TYPE_A},  // no shadow rule matches
  };
  const double before = Value(shadow_metrics, "dnsd_shadow_queries_total{verdict=\"pending\"}");
  int shadow_matches = 0;
  // Three times: the first pass finds no verdicts and probes. Verdicts are per worker and each
  // query may land on another worker (SO_REUSEPORT hashes the source port), so a worker first met in
  // the second pass probes then; by the third, every worker has learnt the verdicts.
  for (int pass = 0; pass < 3; ++pass) {
    for (const Case& c : cases) {
      QueryOptions options;
      const Bytes query = BuildQuery(c.name, c.type, options);
      const auto want = SendRawUdp(plain.endpoint(), query, 2000ms);
      const auto got = SendRawUdp(shadowed.endpoint(), query, 2000ms);
      ASSERT_TRUE(want && got) << c.name;
      EXPECT_EQ(*got, *want) << c.name << " pass " << pass;
      if (c.name.find("arathon") != std::string::npos) ++shadow_matches;
    }
    std::this_thread::sleep_for(300ms);  // probes answer (knot on loopback: well under that)
  }
  // Every query the shadow rules rewrote is counted once, under the verdict known then.
  double counted = -before;
  for (const char* verdict : {"pending", "resolves", "nxdomain", "nodata", "servfail", "timeout"}) {
    counted += Value(shadow_metrics, "dnsd_shadow_queries_total{verdict=\"" + std::string(verdict) + "\"}");
  }
  EXPECT_EQ(counted, shadow_matches);
  EXPECT_GE(Value(shadow_metrics, "dnsd_shadow_probes_total{result=\"resolves\"}"), 3);  // svc1..3 in ns2
  EXPECT_GE(Value(shadow_metrics, "dnsd_shadow_probes_total{result=\"nxdomain\"}"), 1);  // svc9
  EXPECT_GE(Value(shadow_metrics, "dnsd_shadow_queries_total{verdict=\"resolves\"}"), 1);  // third pass
  // Without dnsd_shadow (and without legacy zones) there is no observer: no shadow series at all.
  EXPECT_EQ(Value(plain_metrics, "dnsd_shadow_probes_total{result=\"resolves\"}"), 0);
  EXPECT_EQ(plain.Stop().code, 0);
  EXPECT_EQ(shadowed.Stop().code, 0);
}

TEST(Shadow, BadShadowFileStopsTheDaemonPointingAtTheLine) {
  TempDir dir("dnsd-shadow-bad");
  WriteFile(dir / "shadow.yaml", "version: 1\nrules:\n  - name:\n      bogus: x\n");
  WriteFile(dir / "Corefile", ".:1053 {\n    rewrite dnsd_shadow shadow.yaml\n    forward . 127.0.0.1:53\n}\n");
  RunResult r = RunToCompletion({DaemonBinary(), "-conf", (dir / "Corefile").string()}, 5000ms);
  EXPECT_TRUE(r.status.exited && r.status.code != 0) << r.status.Describe();
  EXPECT_NE(r.err.find("shadow.yaml:4:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace dnsd::it
