// The DC/OS preset (`rewrite dnsd_dcos`, docs/migration.md) through the running daemon, family by
// family, against knot serving cluster.local. as CoreDNS's kubernetes plugin answers it: a legacy
// name that the preset maps wrongly gets no answer from knot and fails here. Local answers
// (search-path variants, families without a Kubernetes equivalent, the legacy zones' own names) are
// checked not to reach knot: forward's reply counter stands still.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <regex>

#include "dcos_preset_util.hpp"
#include "fixture/child_process.hpp"

namespace dnsd::it::dcos {
namespace {

using namespace std::chrono_literals;
using rewrite::AnswerOwners;

// The SOAs the preset synthesizes (docs/migration.md), with negative_ttl `ttl`.
Soa MesosSoa(uint32_t ttl = 60) { return {"mesos.", ttl, "ns1.mesos.", "root.ns1.mesos.", 0, 60, 600, 86400, ttl}; }
Soa DirectorySoa(const std::string& zone, uint32_t ttl = 60) {
  return {zone, ttl, "ns.spartan.", "support.mesosphere.com.", 0, 60, 180, 86400, ttl};
}
// The cluster domain's SOA as CoreDNS's kubernetes plugin writes it (search-path answers).
Soa ClusterSoa() {
  return {"cluster.local.", 5, "ns.dns.cluster.local.", "hostmaster.cluster.local.", 0, 7200, 1800, 86400, 5};
}

// Every field but the serial (seconds since the epoch at load: checked where it matters).
void ExpectSoa(const std::optional<Soa>& got, const Soa& want, const Reply& r) {
  ASSERT_TRUE(got) << "no SOA\n" << r.ToString();
  EXPECT_EQ(got->owner, want.owner) << r.ToString();
  EXPECT_EQ(got->ttl, want.ttl) << r.ToString();
  EXPECT_EQ(got->mname, want.mname) << r.ToString();
  EXPECT_EQ(got->rname, want.rname) << r.ToString();
  EXPECT_EQ(got->refresh, want.refresh) << r.ToString();
  EXPECT_EQ(got->retry, want.retry) << r.ToString();
  EXPECT_EQ(got->expire, want.expire) << r.ToString();
  EXPECT_EQ(got->minimum, want.minimum) << r.ToString();
}

// No name of the Kubernetes side (`….svc.cluster.local.`) in any section of an answer to a legacy name.
void ExpectNoClusterNames(const Reply& r) {
  for (const auto& name : AllNames(r)) {
    EXPECT_EQ(name.find("cluster.local."), std::string::npos) << name << " leaked\n" << r.ToString();
  }
}

// The zone itself, asked directly (no dnsd): the Kubernetes names the preset's expansion produces
// exist with the records the tests expect, so a broken zone is told apart from a broken preset.
TEST(DcosZone, KnotAnswersTheNamesThePresetExpandsTo) {
  Upstream knot(ClusterLocalZone());
  struct Entry {
    const char* name;
    ldns_rr_type type;
    Strings data;
  };
  const Entry entries[] = {
      {"foo.bar-default.svc.cluster.local.", LDNS_RR_TYPE_AAAA, {"fd10::1"}},
      {"api.pay-prod-default.svc.cluster.local.", LDNS_RR_TYPE_A, {"10.21.0.1"}},
      {"api.pay-prod.svc.cluster.local.", LDNS_RR_TYPE_A, {"10.20.0.1"}},
      {"app.default.svc.cluster.local.", LDNS_RR_TYPE_A, {"10.30.0.1"}},
      {"kubernetes.default.svc.cluster.local.", LDNS_RR_TYPE_A, {"10.96.0.1"}},
      {"broker.kafka-default.svc.cluster.local.", LDNS_RR_TYPE_A, {"10.40.0.1"}},
      {"web-headless.default.svc.cluster.local.", LDNS_RR_TYPE_A, {"10.244.1.11", "10.244.1.12", "10.244.1.13"}},
      {"kafka-0.kafka-headless.kafka-default.svc.cluster.local.", LDNS_RR_TYPE_A, {"10.244.2.10"}},
      {"_http._tcp.foo.bar-default.svc.cluster.local.", LDNS_RR_TYPE_SRV, {"0 100 8080 foo.bar-default.svc.cluster.local."}},
      {"_grpc._tcp.api.pay-prod-default.svc.cluster.local.", LDNS_RR_TYPE_SRV,
       {"0 100 9090 api.pay-prod-default.svc.cluster.local."}},
      {"_http._tcp.api.pay-prod.svc.cluster.local.", LDNS_RR_TYPE_SRV, {"0 100 8080 api.pay-prod.svc.cluster.local."}},
      {"_http._tcp.app.default.svc.cluster.local.", LDNS_RR_TYPE_SRV, {"0 100 80 app.default.svc.cluster.local."}},
  };
  for (const Entry& e : entries) {
    auto r = Query(knot.endpoint(), e.name, e.type);
    ASSERT_TRUE(r) << e.name;
    EXPECT_EQ(Sorted(r->AnswerData(e.type)), e.data) << r->ToString();
    if (e.type == LDNS_RR_TYPE_SRV && knot.kind() == "knot") {  // knot adds the target's addresses
      EXPECT_EQ(AdditionalData(*r, LDNS_RR_TYPE_A).size(), 1u) << r->ToString();
    }
  }
  auto missing = Query(knot.endpoint(), "nosuch.default.svc.cluster.local.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->rcode(), LDNS_RCODE_NXDOMAIN);
  Soa want = ClusterSoa();
  ExpectSoa(AuthoritySoa(*missing), want, *missing);
}

class DcosPreset : public DcosPresetThroughDaemon {
 protected:
  // knot adds an SRV target's addresses to the additional section; nsd (the fallback) does not.
  static bool AdditionalsExpected() { return upstream_kind() == "knot"; }
  // Asks `name`, expects an A answer of `addresses` (any order) owned by the name as asked.
  void ExpectA(const std::string& name, const Strings& addresses, ldns_rr_type type = LDNS_RR_TYPE_A) {
    SCOPED_TRACE(name);
    auto r = Ask(name, type);
    ASSERT_TRUE(r) << "no reply";
    EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << r->ToString();
    EXPECT_EQ(r->question_name(), name);
    EXPECT_EQ(Sorted(r->AnswerData(type)), Sorted(addresses)) << r->ToString();
    EXPECT_EQ(AnswerOwners(*r), Strings(addresses.size(), name)) << r->ToString();
    ExpectNoClusterNames(*r);
  }
  // Asks `name` and expects dnsd's own NXDOMAIN carrying `soa`, with nothing sent upstream.
  void ExpectLocalNxdomain(const std::string& name, const Soa& soa, ldns_rr_type type = LDNS_RR_TYPE_A,
                           QueryOptions options = {}) {
    SCOPED_TRACE(name);
    const Samples before = Scrape();
    auto r = Ask(name, type, options);
    ASSERT_TRUE(r) << "no reply";
    EXPECT_EQ(r->rcode(), LDNS_RCODE_NXDOMAIN) << r->ToString();
    EXPECT_EQ(r->question_name(), name);
    EXPECT_EQ(rewrite::QuestionType(*r), type);
    EXPECT_EQ(r->answer_count(), 0u) << r->ToString();
    EXPECT_TRUE(ldns_pkt_aa(r->pkt())) << "a local answer is authoritative\n" << r->ToString();
    ExpectSoa(AuthoritySoa(*r), soa, *r);
    EXPECT_EQ(ForwardedSince(before), 0) << "went upstream";
  }
};

const Strings kDefaults = {};

// 1. ndots:5 search-path variants of legacy names: NXDOMAIN with the cluster domain's SOA, locally.
TEST_F(DcosPreset, SearchPathVariantsAreNxdomainWithoutAnUpstreamQuery) {
  Start(kDefaults);
  for (const char* name : {"foo.bar.marathon.mesos.default.svc.cluster.local.", "foo.bar.marathon.mesos.svc.cluster.local.",
                           "foo.bar.marathon.mesos.cluster.local.", "app.marathon.mesos.kafka-default.svc.cluster.local.",
                           "app.marathon.autoip.dcos.thisdcos.directory.default.svc.cluster.local.",
                           "payapi.marathon.l4lb.thisdcos.directory.svc.cluster.local.",
                           "payapi.thisdcos.global.cluster.local."}) {
    ExpectLocalNxdomain(name, ClusterSoa());
    ExpectLocalNxdomain(name, ClusterSoa(), LDNS_RR_TYPE_AAAA);
  }
  // The cluster's own names still go to the cluster DNS.
  const Samples before = Scrape();
  auto r = Ask("foo.bar-default.svc.cluster.local.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{"10.10.0.1"}) << r->ToString();
  EXPECT_EQ(AnswerOwners(*r), Strings{"foo.bar-default.svc.cluster.local."}) << r->ToString();
  EXPECT_EQ(ForwardedSince(before), 1);
}

// 4. Marathon app names, dotted: `<task>.<group labels>.marathon.mesos` -> `<task>.<g1-g2-g3>-default`.
TEST_F(DcosPreset, MarathonDottedNamesAnswerAAndAaaa) {
  Start(kDefaults);
  ExpectA("foo.bar.marathon.mesos.", {"10.10.0.1"});
  ExpectA("foo.bar.marathon.mesos.", {"fd10::1"}, LDNS_RR_TYPE_AAAA);
  ExpectA("api.pay.prod.marathon.mesos.", {"10.21.0.1"});
  ExpectA("api.pay.prod.marathon.mesos.", {"fd21::1"}, LDNS_RR_TYPE_AAAA);
}

// 4. An app with no group: `<task>.marathon.mesos` -> `<task>.<root_namespace>`.
TEST_F(DcosPreset, RootAppGoesToTheRootNamespace) {
  Start(kDefaults);
  ExpectA("app.marathon.mesos.", {"10.30.0.1"});
  ExpectA("app.marathon.mesos.", {"fd30::1"}, LDNS_RR_TYPE_AAAA);
}

// 3. SRV `_<task>._tcp.<group>.marathon.mesos` -> the default port name's SRV; the target and the
// additional section's owners come back as the legacy name.
TEST_F(DcosPreset, SrvWithoutPortNameUsesTheDefaultPortNameAndMapsTargetsBack) {
  Start(kDefaults);
  auto r = Ask("_foo._tcp.bar.marathon.mesos.", LDNS_RR_TYPE_SRV);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << r->ToString();
  EXPECT_EQ(r->question_name(), "_foo._tcp.bar.marathon.mesos.");
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_SRV), Strings{"0 100 8080 foo.bar.marathon.mesos."}) << r->ToString();
  EXPECT_EQ(AnswerOwners(*r), Strings{"_foo._tcp.bar.marathon.mesos."});
  if (AdditionalsExpected()) {  // the target's addresses come back under the legacy name
    EXPECT_EQ(AdditionalOwners(*r, LDNS_RR_TYPE_A), Strings{"foo.bar.marathon.mesos."}) << r->ToString();
    EXPECT_EQ(AdditionalData(*r, LDNS_RR_TYPE_A), Strings{"10.10.0.1"}) << r->ToString();
    EXPECT_EQ(AdditionalOwners(*r, LDNS_RR_TYPE_AAAA), Strings{"foo.bar.marathon.mesos."}) << r->ToString();
  }
  ExpectNoClusterNames(*r);

  auto root = Ask("_app._tcp.marathon.mesos.", LDNS_RR_TYPE_SRV);  // no group: root namespace
  ASSERT_TRUE(root);
  EXPECT_EQ(root->AnswerData(LDNS_RR_TYPE_SRV), Strings{"0 100 80 app.marathon.mesos."}) << root->ToString();
  if (AdditionalsExpected()) {  // the target's addresses come back under the legacy name
    EXPECT_EQ(AdditionalOwners(*root, LDNS_RR_TYPE_A), Strings{"app.marathon.mesos."}) << root->ToString();
  }
  ExpectNoClusterNames(*root);
}

// 3. SRV with a port name `_<port>._<task>._tcp.<groups>.marathon.mesos` -> `_<port>._tcp.<task>.<ns>`.
// With several groups the legacy target is not unique (dotted or mangled form): it must be a
// marathon.mesos name that itself resolves, through dnsd, to the additional section's address.
TEST_F(DcosPreset, SrvWithPortNameMapsTargetsAndAdditionalsBack) {
  Start(kDefaults);
  auto r = Ask("_http._foo._tcp.bar.marathon.mesos.", LDNS_RR_TYPE_SRV);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_SRV), Strings{"0 100 8080 foo.bar.marathon.mesos."}) << r->ToString();
  EXPECT_EQ(AnswerOwners(*r), Strings{"_http._foo._tcp.bar.marathon.mesos."});
  if (AdditionalsExpected()) {  // the target's addresses come back under the legacy name
    EXPECT_EQ(AdditionalOwners(*r, LDNS_RR_TYPE_A), Strings{"foo.bar.marathon.mesos."}) << r->ToString();
  }
  ExpectNoClusterNames(*r);

  auto grpc = Ask("_grpc._api._tcp.pay.prod.marathon.mesos.", LDNS_RR_TYPE_SRV);
  ASSERT_TRUE(grpc);
  EXPECT_EQ(grpc->question_name(), "_grpc._api._tcp.pay.prod.marathon.mesos.");
  const Strings srv = grpc->AnswerData(LDNS_RR_TYPE_SRV);
  ASSERT_EQ(srv.size(), 1u) << grpc->ToString();
  const std::string prefix = "0 100 9090 ";
  ASSERT_EQ(srv[0].rfind(prefix, 0), 0u) << grpc->ToString();
  const std::string target = srv[0].substr(prefix.size());
  EXPECT_TRUE(target.size() > 15 && target.ends_with(".marathon.mesos.")) << target;
  if (AdditionalsExpected()) {  // the target's addresses come back under the legacy name
    EXPECT_EQ(AdditionalOwners(*grpc, LDNS_RR_TYPE_A), Strings{target}) << grpc->ToString();
    EXPECT_EQ(AdditionalData(*grpc, LDNS_RR_TYPE_A), Strings{"10.21.0.1"}) << grpc->ToString();
  }
  ExpectNoClusterNames(*grpc);
  ExpectA(target, {"10.21.0.1"});
}

// 5. Agents have no Kubernetes equivalent: NXDOMAIN with mesos.'s SOA, locally.
TEST_F(DcosPreset, SlaveNamesAreNxdomainWithTheMesosSoa) {
  Start(kDefaults);
  ExpectLocalNxdomain("foo.marathon.slave.mesos.", MesosSoa());
  ExpectLocalNxdomain("agent-1.slave.mesos.", MesosSoa());
  ExpectLocalNxdomain("agent-1.slave.mesos.", MesosSoa(), LDNS_RR_TYPE_AAAA);
}

// 6. The Mesos masters: NXDOMAIN with mesos.'s SOA, locally (A and SRV).
TEST_F(DcosPreset, LeaderAndMasterNamesAreNxdomainWithTheMesosSoa) {
  Start(kDefaults);
  ExpectLocalNxdomain("leader.mesos.", MesosSoa());
  ExpectLocalNxdomain("master.mesos.", MesosSoa());
  ExpectLocalNxdomain("_leader._tcp.mesos.", MesosSoa(), LDNS_RR_TYPE_SRV);
  ExpectLocalNxdomain("_leader._udp.mesos.", MesosSoa(), LDNS_RR_TYPE_SRV);
  ExpectLocalNxdomain("master.mesos.", MesosSoa(), LDNS_RR_TYPE_AAAA, QueryOptions{}.Tcp());
}

// 6. `static leader NAME`: leader.mesos. answers NAME's records under the legacy name; master stays local.
TEST_F(DcosPreset, StaticLeaderAnswersTheConfiguredName) {
  Start({"static leader kubernetes.default.svc.cluster.local"});
  ExpectA("leader.mesos.", {"10.96.0.1"});
  ExpectLocalNxdomain("master.mesos.", MesosSoa());
}

// 7. Other frameworks: `<task>.<fw>.mesos` -> `<task>.<fw>-default`; `<fw>.mesos` alone is NXDOMAIN.
TEST_F(DcosPreset, OtherFrameworksGoToTheFrameworkNamespace) {
  Start(kDefaults);
  ExpectA("broker.kafka.mesos.", {"10.40.0.1"});
  ExpectLocalNxdomain("kafka.mesos.", MesosSoa());
}

// 8. dcos-net: autoip -> the ClusterIP service; containerip -> the headless service (every pod);
// agentip -> NXDOMAIN with thisdcos.directory.'s SOA.
TEST_F(DcosPreset, AutoipContaineripAndAgentipNames) {
  Start(kDefaults);
  ExpectA("app.marathon.autoip.dcos.thisdcos.directory.", {"10.30.0.1"});
  ExpectA("app.marathon.autoip.dcos.thisdcos.directory.", {"fd30::1"}, LDNS_RR_TYPE_AAAA);
  ExpectA("broker.kafka.autoip.dcos.thisdcos.directory.", {"10.40.0.1"});
  ExpectA("web.marathon.containerip.dcos.thisdcos.directory.", {"10.244.1.11", "10.244.1.12", "10.244.1.13"});
  ExpectLocalNxdomain("app.marathon.agentip.dcos.thisdcos.directory.", DirectorySoa("thisdcos.directory."));
}

// 8. An SDK task name `<pod>-<i>-<task>.<svc>.autoip...` -> the StatefulSet pod behind the headless service.
TEST_F(DcosPreset, SdkPodNameGoesToTheStatefulSetPod) {
  Start(kDefaults);
  ExpectA("kafka-0-broker.kafka.autoip.dcos.thisdcos.directory.", {"10.244.2.10"});
  ExpectA("kafka-1-broker.kafka.autoip.dcos.thisdcos.directory.", {"10.244.2.11"});
}

// The mapping table of docs/migration.md: an app with its own namespace, ports and VIP, and a name.
constexpr const char* kMappings =
    "apps:\n"
    "  - id: /prod/pay/api\n"
    "    service: api\n"
    "    namespace: pay-prod\n"
    "    ports: [http, grpc]\n"
    "    vips: [\"/pay/api:80\"]\n"
    "names:\n"
    "  - legacy: foo-bar.marathon.mesos\n"
    "    target: foo.bar-default.svc.cluster.local\n";

class DcosPresetTable : public DcosPreset {
 protected:
  TempDir dir_{"dnsd-dcos-mappings"};
  void StartWithTable() {
    WriteFile(dir_ / "dcos-mappings.yaml", kMappings);
    Start({"mappings " + (dir_ / "dcos-mappings.yaml").string()});
  }
};

// 2/9. The table's VIP label `/pay/api:80` -> payapi.marathon.l4lb...; a VIP not in it is NXDOMAIN.
TEST_F(DcosPresetTable, VipFromTheTable) {
  StartWithTable();
  ExpectA("payapi.marathon.l4lb.thisdcos.directory.", {"10.20.0.1"});
  ExpectA("payapi.marathon.l4lb.thisdcos.directory.", {"fd20::1"}, LDNS_RR_TYPE_AAAA);
  ExpectA("payapi.marathon.dclb.thisdcos.directory.", {"10.20.0.1"});  // dcos-net's aliases
  ExpectA("payapi.marathon.l4lb.thisdcos.global.", {"10.20.0.1"});
  ExpectLocalNxdomain("nosuchvip.marathon.l4lb.thisdcos.directory.", DirectorySoa("thisdcos.directory."));
}

// 2. Mesos-DNS's mangled (hyphen) names need the table; its rules come before the generic ones, so
// the dotted name of a table app goes to the table's namespace too.
TEST_F(DcosPresetTable, HyphenNamesAndTableAppsFromTheTable) {
  StartWithTable();
  ExpectA("api-pay-prod.marathon.mesos.", {"10.20.0.1"});
  ExpectA("api.pay.prod.marathon.mesos.", {"10.20.0.1"});
  ExpectA("foo-bar.marathon.mesos.", {"10.10.0.1"});  // `names:` entry
  ExpectA("foo.bar.marathon.mesos.", {"10.10.0.1"});  // not in the table: the generic rule

  auto r = Ask("_api-pay-prod._tcp.marathon.mesos.", LDNS_RR_TYPE_SRV);  // Mesos-DNS's SRV, first port
  ASSERT_TRUE(r);
  const Strings srv = r->AnswerData(LDNS_RR_TYPE_SRV);
  ASSERT_EQ(srv.size(), 1u) << r->ToString();
  EXPECT_EQ(srv[0].rfind("0 100 8080 ", 0), 0u) << r->ToString();
  EXPECT_TRUE(srv[0].ends_with(".marathon.mesos.")) << r->ToString();
  if (AdditionalsExpected()) {  // the target's addresses come back under the legacy name
    EXPECT_EQ(AdditionalData(*r, LDNS_RR_TYPE_A), Strings{"10.20.0.1"}) << r->ToString();
  }
  ExpectNoClusterNames(*r);
}

// 10. The legacy zones' apexes answer their SOA (serial: the load time); other types are NODATA with
// it; any other name under them is NXDOMAIN. All locally. negative_ttl sets TTL and MINIMUM.
TEST_F(DcosPreset, ZoneApexAnswersItsSoaLocally) {
  const auto loaded = static_cast<uint32_t>(std::time(nullptr));
  Start({"negative_ttl 30s"});
  const Samples before = Scrape();
  for (const Soa& want : {MesosSoa(30), DirectorySoa("thisdcos.directory.", 30), DirectorySoa("thisdcos.global.", 30)}) {
    SCOPED_TRACE(want.owner);
    auto r = Ask(want.owner, LDNS_RR_TYPE_SOA);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << r->ToString();
    EXPECT_TRUE(ldns_pkt_aa(r->pkt())) << r->ToString();
    EXPECT_EQ(r->answer_count(), 1u) << r->ToString();
    const auto soa = AnswerSoa(*r);
    ExpectSoa(soa, want, *r);
    if (soa) {
      EXPECT_GE(soa->serial + 2, loaded);
      EXPECT_LE(soa->serial, static_cast<uint32_t>(std::time(nullptr)) + 2);
    }
    auto any = Ask(want.owner, LDNS_RR_TYPE_ANY);  // ANY at the apex: the SOA too
    ASSERT_TRUE(any);
    ExpectSoa(AnswerSoa(*any), want, *any);
    auto nodata = Ask(want.owner, LDNS_RR_TYPE_A);
    ASSERT_TRUE(nodata);
    EXPECT_EQ(nodata->rcode(), LDNS_RCODE_NOERROR) << nodata->ToString();
    EXPECT_EQ(nodata->answer_count(), 0u) << nodata->ToString();
    ExpectSoa(AuthoritySoa(*nodata), want, *nodata);
  }
  EXPECT_EQ(ForwardedSince(before), 0);
  ExpectLocalNxdomain("a.b.c.d.e.marathon.mesos.", MesosSoa(30));  // no family has five labels
  ExpectLocalNxdomain("anything.thisdcos.global.", DirectorySoa("thisdcos.global.", 30));
  ExpectLocalNxdomain("x.y.thisdcos.directory.", DirectorySoa("thisdcos.directory.", 30));
}

// RFC 2308: a negative upstream answer to a rewritten legacy name carries the legacy zone's SOA,
// TTL and MINIMUM the smaller of the preset's and the upstream's, and the cache keeps it.
TEST_F(DcosPreset, NegativeUpstreamAnswerCarriesTheLegacySoaAndIsCached) {
  Start(kDefaults);  // negative_ttl 60 > knot's 5: knot's values win
  for (const auto& [name, type, rcode] : {std::tuple{"nosuch.marathon.mesos.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN},
                                          std::tuple{"foo.bar.marathon.mesos.", LDNS_RR_TYPE_TXT, LDNS_RCODE_NOERROR}}) {
    SCOPED_TRACE(name);
    Samples before = Scrape();
    auto r = Ask(name, type);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->rcode(), rcode) << r->ToString();
    EXPECT_EQ(r->answer_count(), 0u) << r->ToString();
    EXPECT_EQ(r->question_name(), name);
    Soa want = MesosSoa(kzone::kSoaTtl);
    want.minimum = kzone::kSoaMinimum;
    ExpectSoa(AuthoritySoa(*r), want, *r);
    ExpectNoClusterNames(*r);
    EXPECT_EQ(ForwardedSince(before), 1);

    before = Scrape();
    auto again = Ask(name, type);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->rcode(), rcode) << again->ToString();
    const auto soa = AuthoritySoa(*again);
    ASSERT_TRUE(soa) << again->ToString();
    EXPECT_EQ(soa->owner, "mesos.");
    EXPECT_LE(soa->ttl, kzone::kSoaTtl);
    const Samples after = Scrape();
    EXPECT_EQ(ForwardedSince(before), 0) << "the second query went upstream";
    EXPECT_EQ(Total(after, "coredns_cache_hits_total") - Total(before, "coredns_cache_hits_total"), 1);
  }
}

// negative_ttl below the upstream's: the preset's value wins.
TEST_F(DcosPreset, NegativeTtlBelowTheUpstreamsWins) {
  Start({"negative_ttl 2s"});
  auto r = Ask("nosuch.marathon.mesos.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NXDOMAIN) << r->ToString();
  ExpectSoa(AuthoritySoa(*r), MesosSoa(2), *r);
}

// The question and the owners mapped back keep the client's letter case; local answers too, and
// they carry an OPT (DO copied) when the client sent one.
TEST_F(DcosPreset, ClientLetterCaseIsKept) {
  Start(kDefaults);
  ExpectA("Foo.Bar.Marathon.Mesos.", {"10.10.0.1"});
  ExpectA("APP.marathon.AUTOIP.dcos.thisdcos.directory.", {"10.30.0.1"});

  auto srv = Ask("_Foo._TCP.Bar.Marathon.Mesos.", LDNS_RR_TYPE_SRV);
  ASSERT_TRUE(srv);
  EXPECT_EQ(srv->question_name(), "_Foo._TCP.Bar.Marathon.Mesos.");
  EXPECT_EQ(AnswerOwners(*srv), Strings{"_Foo._TCP.Bar.Marathon.Mesos."}) << srv->ToString();
  ASSERT_EQ(srv->CountAnswers(LDNS_RR_TYPE_SRV), 1u) << srv->ToString();

  ExpectLocalNxdomain("Leader.MESOS.", MesosSoa());
  ExpectLocalNxdomain("Foo.Bar.Marathon.Mesos.Default.Svc.Cluster.Local.", ClusterSoa());
  auto edns = Ask("Master.Mesos.", LDNS_RR_TYPE_A, QueryOptions{}.Edns(4096).Do());
  ASSERT_TRUE(edns);
  EXPECT_EQ(edns->question_name(), "Master.Mesos.");
  EXPECT_TRUE(edns->has_opt()) << edns->ToString();
  EXPECT_EQ(edns->edns_payload(), 1232) << edns->ToString();
  EXPECT_TRUE(edns->dnssec_ok()) << edns->ToString();
  auto plain = Ask("Master.Mesos.", LDNS_RR_TYPE_AAAA);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_opt()) << plain->ToString();
}

// `rewrite dnsd_dcos` alone (every option defaulted) serves the issue's own example, over TCP too.
TEST_F(DcosPreset, BareDirectiveUsesTheDefaults) {
  Start();
  ExpectA("foo.bar.marathon.mesos.", {"10.10.0.1"});
  auto tcp = Ask("foo.bar.marathon.mesos.", LDNS_RR_TYPE_AAAA, QueryOptions{}.Tcp());
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->AnswerData(LDNS_RR_TYPE_AAAA), Strings{"fd10::1"}) << tcp->ToString();
}

// The preset's rules stand where its line stands: a rule before it wins.
TEST_F(DcosPreset, RulesBeforeThePresetWin) {
  Start(kDefaults, {"rewrite name exact foo.bar.marathon.mesos app.default.svc.cluster.local"});
  ExpectA("foo.bar.marathon.mesos.", {"10.30.0.1"});
  ExpectA("api.pay.prod.marathon.mesos.", {"10.21.0.1"});
}

// The namespace pattern, root namespace and cluster domain are the user's.
TEST_F(DcosPreset, NamespacePatternIsConfigurable) {
  Start({"namespace {group}-default", "root_namespace default", "framework_namespace {framework}-default",
         "cluster_domain cluster.local", "srv_port_name http", "headless_suffix -headless"});
  ExpectA("foo.bar.marathon.mesos.", {"10.10.0.1"});
  ExpectA("web.marathon.containerip.dcos.thisdcos.directory.", {"10.244.1.11", "10.244.1.12", "10.244.1.13"});
}

// Config errors: the daemon refuses to start, naming file:line:column and the token.
struct BadPreset {
  const char* label;
  std::string block;  // the lines inside `rewrite dnsd_dcos { }`, from Corefile line 3
  std::string where;  // "Corefile:L:C"
  std::string token;
};

class DcosPresetConfigError : public ::testing::TestWithParam<BadPreset> {};

// A Corefile whose line 2 is `rewrite dnsd_dcos {` and line 3 the first of `block`, run to its end.
RunResult RunWith(const TempDir& dir, const std::string& block) {
  WriteFile(dir / "Corefile", "127.0.0.1:" + std::to_string(FreePort()) + " {\n    rewrite dnsd_dcos {\n" + block +
                                  "    }\n    forward . 127.0.0.1:" + std::to_string(FreePort()) + "\n}\n");
  return RunToCompletion({DaemonBinary(), "-conf", (dir / "Corefile").string()}, 5000ms);
}

TEST_P(DcosPresetConfigError, DaemonRefusesToStart) {
  TempDir dir("dnsd-dcos-badconf");
  const RunResult r = RunWith(dir, GetParam().block);
  EXPECT_TRUE(r.status.exited && r.status.code != 0) << r.status.Describe() << "\n" << r.err;
  EXPECT_NE(r.err.find(GetParam().where), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(GetParam().token), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Lines, DcosPresetConfigError,
    ::testing::Values(BadPreset{"UnknownOption", "        bogus_option 1\n", "Corefile:3:9", "bogus_option"},
                      BadPreset{"BadDuration", "        negative_ttl soon\n", "Corefile:3:22", "soon"},
                      BadPreset{"Duplicate", "        srv_port_name http\n        srv_port_name grpc\n", "Corefile:4:9",
                                "srv_port_name"},
                      BadPreset{"UnknownStaticFamily", "        static marathon a.b.svc.cluster.local\n",
                                "Corefile:3:16", "marathon"},
                      BadPreset{"MissingMappingsFile", "        mappings /nonexistent/dcos-mappings.yaml\n",
                                "Corefile:3:18", "/nonexistent/dcos-mappings.yaml"}),
    [](const auto& info) { return std::string(info.param.label); });

// A bad line of the mapping table (relative path: to the Corefile's folder) names the table's
// file:line:column and the token.
struct BadTable {
  const char* label;
  std::string yaml;
  std::string where;
  std::string token;
};

class DcosPresetTableError : public ::testing::TestWithParam<BadTable> {};

TEST_P(DcosPresetTableError, DaemonRefusesToStart) {
  TempDir dir("dnsd-dcos-badtable");
  WriteFile(dir / "dcos-mappings.yaml", GetParam().yaml);
  const RunResult r = RunWith(dir, "        mappings dcos-mappings.yaml\n");
  EXPECT_TRUE(r.status.exited && r.status.code != 0) << r.status.Describe() << "\n" << r.err;
  EXPECT_NE(r.err.find(GetParam().where), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(GetParam().token), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Tables, DcosPresetTableError,
    ::testing::Values(BadTable{"UnknownKey", "apps:\n  - id: /prod/pay/api\n    servce: api\n", "dcos-mappings.yaml:3:5",
                               "servce"},
                      BadTable{"PortsNotAList", "apps:\n  - id: /prod/pay/api\n    ports: {a: b}\n",
                               "dcos-mappings.yaml:3:", "ports"},
                      BadTable{"NameWithoutTarget", "names:\n  - legacy: foo-bar.marathon.mesos\n",
                               "dcos-mappings.yaml:2:", "target"}),
    [](const auto& info) { return std::string(info.param.label); });

}  // namespace
}  // namespace dnsd::it::dcos
