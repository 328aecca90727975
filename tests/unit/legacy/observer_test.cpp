// The LegacyObserver in a real chain (observer -> rewrite -> a stand-in for forward): it records
// exactly the legacy queries sent, leaves every query and answer as the chain without it gives,
// and sends shadow probes below rewrite.
#include "dnsd/plugins/rewrite/legacy_observer.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <boost/asio/io_context.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dnsd/plugins/rewrite/factory.hpp"
#include "dnsd/plugins/rewrite/handler.hpp"
#include "rules/rule_set.hpp"

namespace dnsd::plugins::rewrite {
namespace {

std::vector<std::uint8_t> QueryBytes(const std::string& name, std::uint16_t qtype) {
  std::vector<std::uint8_t> q = {0xab, 0xcd, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  wire::Name wire_name;
  EXPECT_EQ(wire::Name::FromString(name, wire_name), wire::WireError::kOk);
  q.insert(q.end(), wire_name.Wire().begin(), wire_name.Wire().end());
  q.insert(q.end(), {static_cast<std::uint8_t>(qtype >> 8), static_cast<std::uint8_t>(qtype), 0, 1});
  return q;
}

class ClientTransaction final : public pipeline::Transaction {
 public:
  ClientTransaction(const std::string& name, const std::string& client) : bytes_(QueryBytes(name, 1)) {
    query_ = bytes_;
    EXPECT_EQ(wire::ParseMessage(query_, view_), wire::WireError::kOk);
    client_address_ = boost::asio::ip::make_address(client);
    server_port_ = 53;
  }
  void Respond(std::span<const std::uint8_t> response) override { answer.assign(response.begin(), response.end()); }
  std::vector<std::uint8_t> answer;

 private:
  std::vector<std::uint8_t> bytes_;
};

// Stands in for forward: answers NOERROR with no records for svc*.ns1-default names and NXDOMAIN
// for the rest, and notes every name it was asked.
class Upstream final : public pipeline::Handler {
 public:
  void Serve(pipeline::Transaction& tx) override {
    const std::string name = tx.View().qname.ToString();
    asked.push_back(name);
    tx.RespondError(name.find(".ns1-default.") != std::string::npos ? wire::Rcode::kNoError : wire::Rcode::kNxDomain);
  }
  std::vector<std::string> asked;
};

std::shared_ptr<const rules::RuleSet> Compile(std::vector<rules::Rule> rules) {
  for (std::size_t i = 0; i < rules.size(); ++i) rules[i].index = static_cast<std::uint32_t>(i);
  auto compiled = rules::RuleSet::Compile(std::move(rules));
  EXPECT_TRUE(compiled.ok()) << compiled.error.ToString();
  return compiled.rule_set;
}

rules::Rule SuffixRule(const std::string& from, const std::string& to, int line) {
  rules::Rule rule;
  rule.body = rules::NameRule{{rules::MatchKind::kSuffix, from}, to, {rules::AnswerOption{}}};
  rule.pos = {"/etc/dnsd/Corefile", line, 5};
  return rule;
}

struct Chain {
  boost::asio::io_context io;
  pipeline::WorkerContext context{io, 11};
  std::unique_ptr<RewriteFactory> factory;
  std::unique_ptr<pipeline::Handler> front, rewrite;
  Upstream upstream;

  Chain(std::shared_ptr<const rules::RuleSet> live, std::shared_ptr<const rules::RuleSet> shadow) {
    rules::RuleSources sources;
    if (shadow) sources.shadow = rules::ShadowSource{};
    factory = std::make_unique<RewriteFactory>(sources, std::move(live), std::vector<rules::FileStamp>{},
                                               std::move(shadow));
    front = factory->CreateFrontHandler(context);
    rewrite = factory->CreateHandler(context);
    if (front) front->SetNext(rewrite.get());
    rewrite->SetNext(&upstream);
  }
  std::vector<std::uint8_t> Ask(const std::string& name, const std::string& client = "10.0.0.5") {
    ClientTransaction tx(name, client);
    (front ? front : rewrite)->Serve(tx);
    return tx.answer;
  }
  // The same chain without its observer: straight into rewrite.
  std::vector<std::uint8_t> AskPastObserver(const std::string& name, const std::string& client = "10.0.0.5") {
    ClientTransaction tx(name, client);
    rewrite->Serve(tx);
    return tx.answer;
  }
};

std::shared_ptr<const rules::RuleSet> PresetLike() {
  rules::Rule rule = SuffixRule(".marathon.mesos.", ".ns1-default.svc.cluster.local.", 3);
  auto soa = std::make_shared<rules::SoaParams>();
  soa->zone = "mesos.";
  soa->mname = "ns1.mesos.";
  soa->rname = "root.ns1.mesos.";
  rule.soa = soa;
  rule.family = "marathon";
  return Compile({rule});
}

std::optional<YAML::Node> NameEntry(const std::string& name) {
  const YAML::Node json = YAML::Load(LegacyHub::Get().Json());
  for (const auto& n : json["names"]) {
    if (n["name"].as<std::string>() == name) return n;
  }
  return std::nullopt;
}

TEST(LegacyObserver, RecordsExactlyTheLegacyQueriesSentAndChangesNoAnswer) {
  Chain chain(PresetLike(), nullptr);
  ASSERT_TRUE(chain.front) << "preset rules (with an SOA) get an observer";
  Chain without(Compile({SuffixRule(".marathon.mesos.", ".ns1-default.svc.cluster.local.", 3)}), nullptr);
  EXPECT_FALSE(without.front) << "user rules alone get none";
  const auto total_before = YAML::Load(LegacyHub::Get().Json())["total"].as<std::uint64_t>();
  // Each query once through the observer and once past it: same answer, same upstream question.
  auto same = [&](const std::string& name, const std::string& client) {
    const auto observed = chain.Ask(name, client);
    EXPECT_FALSE(observed.empty()) << name;
    EXPECT_EQ(observed, chain.AskPastObserver(name, client)) << name;
    const auto& asked = chain.upstream.asked;
    ASSERT_GE(asked.size(), 2u);
    EXPECT_EQ(asked[asked.size() - 1], asked[asked.size() - 2]) << name;
  };
  for (int i = 0; i < 10; ++i) same("obs-a.marathon.mesos.", "10.0.0.5");
  for (int i = 0; i < 5; ++i) same("Obs-B.Marathon.Mesos.", "10.0.1.9");
  for (int i = 0; i < 3; ++i) same("obs.example.org.", "10.0.0.5");
  EXPECT_EQ(chain.upstream.asked.size(), 36u);  // nothing extra went upstream

  EXPECT_EQ(YAML::Load(LegacyHub::Get().Json())["total"].as<std::uint64_t>() - total_before, 15u);
  const auto found_a = NameEntry("obs-a.marathon.mesos.");
  ASSERT_TRUE(found_a) << LegacyHub::Get().Json();
  const YAML::Node a = *found_a;
  EXPECT_EQ(a["queries"].as<int>(), 10);
  EXPECT_EQ(a["error"].as<int>(), 0);
  EXPECT_EQ(a["family"].as<std::string>(), "marathon");
  EXPECT_EQ(a["rule"].as<std::string>(), "/etc/dnsd/Corefile:3:5");
  EXPECT_EQ(a["clients"][0]["subnet"].as<std::string>(), "10.0.0.0/24");
  const auto found_b = NameEntry("obs-b.marathon.mesos.");  // lower case
  ASSERT_TRUE(found_b);
  const YAML::Node b = *found_b;
  EXPECT_EQ(b["queries"].as<int>(), 5);
  EXPECT_EQ(b["clients"][0]["subnet"].as<std::string>(), "10.0.1.0/24");
  EXPECT_FALSE(NameEntry("obs.example.org."));
}

TEST(LegacyObserver, ShadowProbesGoBelowRewriteAndNeverChangeTheAnswer) {
  auto shadow = Compile({SuffixRule(".marathon.mesos.", ".ns2-default.svc.cluster.local.", 7)});
  Chain chain(Compile({SuffixRule(".marathon.mesos.", ".ns1-default.svc.cluster.local.", 3)}), shadow);
  ASSERT_TRUE(chain.front) << "a shadow set gets an observer even without legacy zones";
  Chain without(Compile({SuffixRule(".marathon.mesos.", ".ns1-default.svc.cluster.local.", 3)}), nullptr);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(chain.Ask("shadow-x.marathon.mesos."), without.Ask("shadow-x.marathon.mesos."));
  EXPECT_EQ(chain.Ask("shadow.example.org."), without.Ask("shadow.example.org."));
  // The client's queries as without shadow, plus one probe (the verdict is fresh afterwards).
  std::vector<std::string> want = without.upstream.asked;
  want.insert(want.begin() + 1, "shadow-x.ns2-default.svc.cluster.local.");
  EXPECT_EQ(chain.upstream.asked, want);
  const YAML::Node json = YAML::Load(LegacyHub::Get().Json());
  bool found = false;
  for (const auto& n : json["shadow"]["names"]) {
    if (n["name"].as<std::string>() != "shadow-x.marathon.mesos.") continue;
    found = true;
    EXPECT_EQ(n["rewritten"].as<std::string>(), "shadow-x.ns2-default.svc.cluster.local.");
    EXPECT_EQ(n["queries"].as<int>(), 3);
    EXPECT_EQ(n["verdict"].as<std::string>(), "nxdomain");
  }
  EXPECT_TRUE(found) << json;
}

TEST(LegacyObserver, ProbesStopAtTheRateLimit) {
  auto live = Compile({SuffixRule(".marathon.mesos.", ".ns1-default.svc.cluster.local.", 3)});
  auto shadow = Compile({SuffixRule(".marathon.mesos.", ".ns2-default.svc.cluster.local.", 7)});
  auto published = std::make_shared<PublishedRules>(live);
  auto shadow_published = std::make_shared<PublishedRules>(shadow);
  ShadowLimits limits;
  limits.probe_rate = 2;  // burst 2
  LegacyObserver observer(published, shadow_published, 12, limits);
  RewriteHandler rewrite(published);
  Upstream upstream;
  observer.SetNext(&rewrite);
  observer.SetRewrite(&rewrite);
  rewrite.SetNext(&upstream);
  const double dropped_before = static_cast<double>(LegacyHub::Get().Shadow(12).probes[kProbeDropped].Read());
  for (int i = 0; i < 5; ++i) {
    ClientTransaction tx("rate" + std::to_string(i) + ".marathon.mesos.", "10.0.0.1");
    observer.Serve(tx);
    EXPECT_FALSE(tx.answer.empty());
  }
  std::size_t probes = 0;
  for (const auto& name : upstream.asked) probes += name.find(".ns2-default.") != std::string::npos;
  EXPECT_EQ(probes, 2u);
  EXPECT_EQ(static_cast<double>(LegacyHub::Get().Shadow(12).probes[kProbeDropped].Read()) - dropped_before, 3);
}

}  // namespace
}  // namespace dnsd::plugins::rewrite
