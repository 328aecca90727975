// The DC/OS preset's SRV rules on a real response: the SRV owner goes back to the client's legacy
// name (its letter case kept), the target and its additional records to a legacy name the preset
// maps forward to the same Service. Rules come from ExpandDcos, the upstream answer from ldns.
#include <gtest/gtest.h>

#include "rules/dcos_preset.hpp"
#include "rules/rule_set.hpp"
#include "support.hpp"

namespace dnsd::rules::testing {
namespace {

constexpr std::uint16_t kSRV = 33;

struct Result {
  std::vector<std::string> answer, additional;
};

Result Revert(const DcosTable& table, std::string_view client_qname, std::vector<std::string> answer,
              std::vector<std::string> additional) {
  DcosExpansion expansion = ExpandDcos(DcosOptions{}, table, 1);
  EXPECT_FALSE(expansion.error);
  auto compiled = RuleSet::Compile(std::move(expansion.rules));
  EXPECT_TRUE(compiled.ok());
  std::string lower(client_qname);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Question q;
  q.name.Assign(lower);
  q.qtype = kSRV;
  q.qclass = 1;
  auto outcome = std::make_unique<Outcome>();
  compiled.rule_set->Evaluate(q, *outcome);
  EXPECT_EQ(outcome->status, Outcome::Status::kRewritten);
  const Bytes query = ClientQuery(client_qname, kSRV);
  const Reverter reverter(compiled.rule_set->rules(), *outcome, query);
  Upstream upstream;
  upstream.question = std::string(outcome->question.name.view());
  upstream.qtype = kSRV;
  upstream.answer = std::move(answer);
  upstream.additional = std::move(additional);
  const Bytes response = UpstreamWire(upstream);
  Bytes out(65535);
  const std::size_t length = reverter.Revert(response, out);
  EXPECT_GT(length, 0u);
  out.resize(length);
  Result result;
  if (length == 0) return result;
  LdnsPkt pkt = Parse(out);
  result.answer = Section(pkt.get(), LDNS_SECTION_ANSWER);
  result.additional = Section(pkt.get(), LDNS_SECTION_ADDITIONAL);
  return result;
}

TEST(DcosSrvRevert, GroupSrvTargetsMapBackToALegacyName) {
  const Result r = Revert({}, "_API._tcp.Pay.prod.marathon.mesos.",
                          {"_http._tcp.api.pay-prod-default.svc.cluster.local. 30 IN SRV 0 100 8080 "
                           "api.pay-prod-default.svc.cluster.local."},
                          {"api.pay-prod-default.svc.cluster.local. 30 IN A 10.0.0.1"});
  EXPECT_EQ(r.answer, (std::vector<std::string>{
                          "_API._tcp.Pay.prod.marathon.mesos. 30 IN SRV 0 100 8080 api.pay-prod.marathon.mesos."}));
  EXPECT_EQ(r.additional, (std::vector<std::string>{"api.pay-prod.marathon.mesos. 30 IN A 10.0.0.1"}));
}

TEST(DcosSrvRevert, RootAppTargetsMapBack) {
  const Result r = Revert({}, "_web._tcp.marathon.mesos.",
                          {"_http._tcp.web.default.svc.cluster.local. 30 IN SRV 0 100 80 web.default.svc.cluster.local."},
                          {"web.default.svc.cluster.local. 30 IN A 10.0.0.2"});
  EXPECT_EQ(r.answer,
            (std::vector<std::string>{"_web._tcp.marathon.mesos. 30 IN SRV 0 100 80 web.marathon.mesos."}));
  EXPECT_EQ(r.additional, (std::vector<std::string>{"web.marathon.mesos. 30 IN A 10.0.0.2"}));
}

TEST(DcosSrvRevert, HeadlessTargetsStayKubernetesNames) {
  const Result r = Revert({}, "_web._tcp.marathon.mesos.",
                          {"_http._tcp.web.default.svc.cluster.local. 30 IN SRV 0 100 80 "
                           "10-0-0-3.web.default.svc.cluster.local."},
                          {"10-0-0-3.web.default.svc.cluster.local. 30 IN A 10.0.0.3"});
  EXPECT_EQ(r.answer, (std::vector<std::string>{
                          "_web._tcp.marathon.mesos. 30 IN SRV 0 100 80 10-0-0-3.web.default.svc.cluster.local."}));
  EXPECT_EQ(r.additional, (std::vector<std::string>{"10-0-0-3.web.default.svc.cluster.local. 30 IN A 10.0.0.3"}));
}

TEST(DcosSrvRevert, TableSrvTargetsMapBackToTheMesosDnsName) {
  DcosTable table;
  table.apps.push_back(DcosApp{"/prod/pay/api", "", "", {"http", "grpc"}, {}, true, {"dcos.yaml", 2, 9}});
  const Result r = Revert(table, "_grpc._api-pay-prod._tcp.marathon.mesos.",
                          {"_grpc._tcp.api.pay-prod-default.svc.cluster.local. 30 IN SRV 0 100 9090 "
                           "api.pay-prod-default.svc.cluster.local."},
                          {"api.pay-prod-default.svc.cluster.local. 30 IN A 10.0.0.1"});
  EXPECT_EQ(r.answer, (std::vector<std::string>{"_grpc._api-pay-prod._tcp.marathon.mesos. 30 IN SRV 0 100 9090 "
                                                "api-pay-prod.marathon.mesos."}));
  EXPECT_EQ(r.additional, (std::vector<std::string>{"api-pay-prod.marathon.mesos. 30 IN A 10.0.0.1"}));
}

}  // namespace
}  // namespace dnsd::rules::testing
