// Fuzzes the rewrite path of a forwarded query (rules/src/rewriter*.cpp, reverter_names.cpp): the
// input is a selector octet (which of the fixed rule sets below), then a client query and an
// upstream response in fuzz_support.hpp's two-message form. As RewriteHandler does, the client's
// question is evaluated, the upstream query is built, and the response is reverted.
// Checks: a built upstream query parses and asks the rewritten question; a reverted response
// parses and carries the client's ID and question (letter case included), and an OPT record
// only when the client sent one. Sets 0 and 1 carry a preset-style SOA (the reverter's synthesized
// SOA of negative answers) and local rules after their own (BuildLocalResponse, same checks).
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "dnsd/wire/message.hpp"
#include "fuzz_support.hpp"
#include "rules/parse.hpp"
#include "rules/rewriter.hpp"
#include "rules/rule_set.hpp"

namespace {

using namespace dnsd;

// Rule sets over the test zone svc.cluster.local (tests/integration/data): the corpus holds
// knot's answers for the names they rewrite to.
constexpr const char* kRuleSets[] = {
    // 0: the DC/OS migration rule of the README
    "rewrite name regex (.*)\\.(.*)\\.marathon\\.mesos {1}.{2}-default.svc.cluster.local answer auto\n",
    // 1: suffix with answer auto (owner names and record data mapped back)
    "rewrite name suffix .marathon.mesos .svc.cluster.local answer auto\n",
    // 2: a continue chain through ttl, rcode and edns0 rules that act on the response
    "rewrite continue name exact svc1.ns1.mesos. svc1.ns1-default.svc.cluster.local.\n"
    "rewrite continue ttl suffix .svc.cluster.local 10-20\n"
    "rewrite continue rcode suffix .svc.cluster.local NXDOMAIN SERVFAIL\n"
    "rewrite continue edns0 local set 0xffee {client_ip} revert\n"
    "rewrite edns0 subnet set 24 56 revert\n",
    // 3: answer name and answer value
    "rewrite stop {\n"
    "  name regex (.*)\\.legacy\\.test {1}.svc.cluster.local\n"
    "  answer name (.*)\\.svc\\.cluster\\.local {1}.legacy.test\n"
    "  answer value (.*)\\.svc\\.cluster\\.local {1}.legacy.test\n"
    "}\n",
    // 4: prefix and substring rules, type and class rewrites, nsid
    "rewrite continue type ANY A\n"
    "rewrite continue class CH IN\n"
    "rewrite continue edns0 nsid set revert\n"
    "rewrite continue name prefix old svc1 answer auto\n"
    "rewrite name substring .legacy. .svc. answer auto\n",
};
constexpr std::size_t kSetCount = sizeof kRuleSets / sizeof kRuleSets[0];

// What the DC/OS preset adds: the legacy zone's SOA on its name rules, local negative answers.
void AddPresetPieces(std::vector<rules::Rule>& all) {
  auto soa = std::make_shared<rules::SoaParams>();
  soa->zone = "mesos.";
  soa->mname = "ns1.mesos.";
  soa->rname = "root.ns1.mesos.";
  for (rules::Rule& rule : all) rule.soa = soa;
  const auto add = [&](rules::MatchKind kind, const char* pattern, std::uint16_t rcode) {
    rules::Rule rule;
    rule.index = static_cast<std::uint32_t>(all.size());
    rule.body = rules::LocalRule{{kind, pattern}, rcode};
    rule.soa = soa;
    all.push_back(std::move(rule));
  };
  add(rules::MatchKind::kExact, "leader.mesos.", 3);
  add(rules::MatchKind::kSuffix, ".slave.mesos.", 3);
  add(rules::MatchKind::kSuffix, "mesos.", 0);
}

std::shared_ptr<const rules::RuleSet> Compile(const char* lines, bool preset) {
  const std::string text = std::string(". {\n") + lines + "}\n";
  auto corefile = config::ParseCorefile(text, "Corefile");
  FUZZ_CHECK(corefile.ok());
  std::vector<rules::Rule> all;
  for (const config::Directive& d : corefile.value->blocks.at(0).directives) {
    auto parsed = rules::ParseRewriteDirective(d, static_cast<std::uint32_t>(all.size()), "Corefile");
    if (!parsed.ok()) std::fprintf(stderr, "%s\n", parsed.error->ToString().c_str());
    FUZZ_CHECK(parsed.ok());
    for (rules::Rule& rule : parsed.rules) all.push_back(std::move(rule));
  }
  if (preset) AddPresetPieces(all);
  auto compiled = rules::RuleSet::Compile(std::move(all));
  FUZZ_CHECK(compiled.ok());
  return compiled.rule_set;
}

const rules::RuleSet& RuleSetFor(std::uint8_t selector) {
  static const auto sets = [] {
    std::array<std::shared_ptr<const rules::RuleSet>, kSetCount> out;
    for (std::size_t i = 0; i < kSetCount; ++i) out[i] = Compile(kRuleSets[i], i < 2);
    return out;
  }();
  return *sets[selector % kSetCount];
}

// The question as RewriteHandler hands it to the rules (lower case presentation form).
bool QuestionOf(const wire::MessageView& view, rules::Question& question) {
  wire::Name lower = view.qname;
  lower.ToLower();
  question.qtype = view.qtype;
  question.qclass = view.qclass;
  return question.name.Assign(lower.ToString());
}

void CheckUpstreamQuery(std::span<const std::uint8_t> built, const rules::Outcome& outcome) {
  wire::MessageView view;
  FUZZ_CHECK(wire::ParseMessage(built, view) == wire::WireError::kOk);
  wire::Name asked;
  FUZZ_CHECK(wire::Name::FromString(outcome.question.name.view(), asked) == wire::WireError::kOk);
  FUZZ_CHECK(view.qname == asked);
  FUZZ_CHECK(view.qtype == outcome.question.qtype && view.qclass == outcome.question.qclass);
}

void CheckReverted(std::span<const std::uint8_t> reverted, const wire::MessageView& client) {
  wire::MessageView view;
  FUZZ_CHECK(wire::ParseMessage(reverted, view) == wire::WireError::kOk);
  FUZZ_CHECK(view.header.id == client.header.id);
  FUZZ_CHECK(view.qname.IdenticalTo(client.qname));
  FUZZ_CHECK(view.qtype == client.qtype && view.qclass == client.qclass);
  if (!client.edns) FUZZ_CHECK(!view.edns.has_value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const rules::RuleSet& set = RuleSetFor(data[0]);
  const auto [query, response] = fuzz::SplitTwo({data + 1, size - 1});
  wire::MessageView client;
  if (wire::ParseMessage(query, client) != wire::WireError::kOk) return 0;

  static rules::Question question;
  static rules::Outcome outcome;
  if (!QuestionOf(client, question)) return 0;
  set.Evaluate(question, outcome);
  static std::vector<std::uint8_t> upstream(65535), reverted(65535);
  if (outcome.status == rules::Outcome::Status::kLocal) {
    const std::size_t length = rules::BuildLocalResponse(set.rules(), outcome, query, reverted);
    FUZZ_CHECK(length > 0);  // the query parsed and the rules are sound: always answerable
    CheckReverted({reverted.data(), length}, client);
    return 0;
  }
  if (outcome.status != rules::Outcome::Status::kRewritten) return 0;

  rules::RequestContext context{"192.0.2.1", 5353, "127.0.0.1", 53, "udp"};
  const std::size_t built = rules::BuildUpstreamQuery(set, outcome, query, context, upstream);
  if (built > 0) CheckUpstreamQuery({upstream.data(), built}, outcome);

  const rules::Reverter reverter(set, outcome, query);
  const std::size_t length = reverter.Revert(response, reverted);
  if (length > 0) CheckReverted({reverted.data(), length}, client);
  return 0;
}
