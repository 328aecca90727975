// The rest of a rewritten query's work after the rule match (rules_bench): the upstream query built
// from the client's, and the upstream's answer reverted to what the client asked (names mapped
// back, client case and ID). Both run once per forwarded legacy query; the whole round trip too.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "rules/ast.hpp"
#include "rules/question.hpp"
#include "rules/rewriter.hpp"
#include "rules/rule_set.hpp"

// ldns/common.h may #define bool/true/false for C: include it after every C++ header.
#include <stdbool.h>
#include <ldns/ldns.h>

namespace {

using dnsd::rules::AnswerOption;
using dnsd::rules::MatchKind;
using dnsd::rules::Mode;
using dnsd::rules::NameMatch;
using dnsd::rules::NameRule;
using dnsd::rules::Outcome;
using dnsd::rules::Question;
using dnsd::rules::RequestContext;
using dnsd::rules::Reverter;
using dnsd::rules::Rule;
using dnsd::rules::RuleSet;
using Bytes = std::vector<std::uint8_t>;

// The three rules of bench/compare's rewrite3 workload: exact, suffix and regex, all `answer auto`.
std::vector<Rule> ThreeRules() {
  auto make = [](std::uint32_t index, MatchKind kind, std::string from, std::string to) {
    Rule rule;
    rule.index = index;
    rule.mode = Mode::kStop;
    rule.body = NameRule{NameMatch{kind, std::move(from)}, std::move(to),
                         {AnswerOption{AnswerOption::Kind::kAuto, {}, {}}}};
    return rule;
  };
  return {make(0, MatchKind::kExact, "legacy1.apps.internal.", "svc1.app-default.svc.cluster.local."),
          make(1, MatchKind::kSuffix, ".l4lb.thisdcos.directory.", ".svc.cluster.local."),
          make(2, MatchKind::kRegex, R"((.*)\.(.*)\.marathon\.mesos)", "{1}.{2}-default.svc.cluster.local")};
}

Bytes ToWire(ldns_pkt* pkt) {
  std::uint8_t* data = nullptr;
  std::size_t size = 0;
  ldns_pkt2wire(&data, pkt, &size);
  Bytes out(data, data + size);
  free(data);
  ldns_pkt_free(pkt);
  return out;
}

Bytes ClientQuery(const char* name) {
  ldns_rdf* owner = ldns_dname_new_frm_str(name);
  ldns_pkt* pkt = ldns_pkt_query_new(owner, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, LDNS_RD);
  ldns_pkt_set_id(pkt, 0x1234);
  ldns_pkt_set_edns_udp_size(pkt, 1232);
  return ToWire(pkt);
}

// The upstream's answer to the rewritten name: a CNAME to the pod and two addresses.
Bytes UpstreamAnswer(const char* name) {
  ldns_pkt* pkt = ldns_pkt_query_new(ldns_dname_new_frm_str(name), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, LDNS_RD);
  ldns_pkt_set_qr(pkt, true);
  ldns_pkt_set_ra(pkt, true);
  for (std::string rr : {std::string(name) + " 30 IN CNAME real.app-default.svc.cluster.local.",
                         std::string("real.app-default.svc.cluster.local. 30 IN A 10.0.0.1"),
                         std::string("real.app-default.svc.cluster.local. 30 IN A 10.0.0.2")}) {
    ldns_rr* record = nullptr;
    ldns_rr_new_frm_str(&record, rr.c_str(), 0, nullptr, nullptr);
    ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, record);
  }
  ldns_pkt_set_edns_udp_size(pkt, 1232);
  return ToWire(pkt);
}

struct Case {
  std::shared_ptr<const RuleSet> rules;
  Bytes query;
  Outcome outcome;
  Bytes response;
};

// Arg 0: the regex rule (Svc.App.Marathon.Mesos); 1: the suffix rule.
Case Make(std::int64_t which) {
  Case c;
  c.rules = RuleSet::Compile(ThreeRules()).rule_set;
  const char* client = which == 0 ? "Svc7.App.Marathon.Mesos." : "svc7.app-default.l4lb.thisdcos.directory.";
  c.query = ClientQuery(client);
  Question q;
  q.name.Assign(client);
  q.qtype = 1;
  q.qclass = 1;
  c.rules->Evaluate(q, c.outcome);
  c.response = UpstreamAnswer("svc7.app-default.svc.cluster.local.");
  return c;
}

const RequestContext kContext{"10.0.0.9", 40000, "10.0.0.53", 53, "udp"};

void BM_BuildUpstreamQuery(benchmark::State& state) {
  const Case c = Make(state.range(0));
  std::array<std::uint8_t, 512> out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(dnsd::rules::BuildUpstreamQuery(*c.rules, c.outcome, c.query, kContext, out));
  }
}
BENCHMARK(BM_BuildUpstreamQuery)->Arg(0)->Arg(1);

void BM_Revert(benchmark::State& state) {
  const Case c = Make(state.range(0));
  const Reverter reverter(*c.rules, c.outcome, c.query);
  std::vector<std::uint8_t> out(65535);
  if (reverter.Revert(c.response, out) == 0) state.SkipWithError("the response did not revert");
  for (auto _ : state) benchmark::DoNotOptimize(reverter.Revert(c.response, out));
}
BENCHMARK(BM_Revert)->Arg(0)->Arg(1);

// Match, upstream query, reverter set up, answer reverted: all the rewrite work of one query.
void BM_RewriteRoundTrip(benchmark::State& state) {
  const Case c = Make(state.range(0));
  Question q;
  q.name.Assign(state.range(0) == 0 ? "Svc7.App.Marathon.Mesos." : "svc7.app-default.l4lb.thisdcos.directory.");
  q.qtype = 1;
  q.qclass = 1;
  std::array<std::uint8_t, 512> upstream;
  std::vector<std::uint8_t> out(65535);
  Outcome outcome;
  for (auto _ : state) {
    c.rules->Evaluate(q, outcome);
    benchmark::DoNotOptimize(dnsd::rules::BuildUpstreamQuery(*c.rules, outcome, c.query, kContext, upstream));
    const Reverter reverter(*c.rules, outcome, c.query);
    benchmark::DoNotOptimize(reverter.Revert(c.response, out));
  }
}
BENCHMARK(BM_RewriteRoundTrip)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
