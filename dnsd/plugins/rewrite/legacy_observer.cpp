#include "dnsd/plugins/rewrite/legacy_observer.hpp"

#include <algorithm>

#include "dnsd/plugins/rewrite/handler.hpp"
#include "rules/question_name.hpp"

namespace dnsd::plugins::rewrite {
namespace {

std::int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

ClientSubnet SubnetOf(const boost::asio::ip::address& address) {
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    return ClientSubnet::OfV4(bytes);
  }
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    const auto bytes = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_bytes();
    return ClientSubnet::OfV4(bytes);
  }
  const auto bytes = v6.to_bytes();
  return ClientSubnet::OfV6(bytes);
}

Verdict VerdictOf(std::span<const std::uint8_t> response, const pipeline::FailureNote& failure) {
  if (failure.kind == pipeline::FailureKind::kNetwork && failure.code == pipeline::kFailureTimeout) {
    return Verdict::kTimeout;
  }
  if (response.size() < 12) return Verdict::kServFail;
  const unsigned rcode = response[3] & 0x0f;
  const unsigned answers = (static_cast<unsigned>(response[6]) << 8) | response[7];
  if (rcode == 3) return Verdict::kNxDomain;
  if (rcode != 0) return Verdict::kServFail;
  return answers > 0 ? Verdict::kResolves : Verdict::kNoData;
}

}  // namespace

bool ProbeTransaction::Load(const pipeline::Transaction& client, std::span<const std::uint8_t> key_name,
                            std::uint16_t key_qtype, std::span<const std::uint8_t> target, std::uint16_t qtype,
                            std::uint16_t qclass) {
  std::copy(key_name.begin(), key_name.end(), key_.begin());
  key_length_ = static_cast<std::uint8_t>(key_name.size());
  key_qtype_ = key_qtype;
  // ID 0 (forward gives every upstream query its own), RD, one question, an OPT of 1232 octets.
  std::size_t at = 0;
  const std::uint8_t header[12] = {0, 0, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 1};
  for (std::uint8_t octet : header) bytes_[at++] = octet;
  for (std::uint8_t octet : target) bytes_[at++] = octet;
  bytes_[at++] = static_cast<std::uint8_t>(qtype >> 8);
  bytes_[at++] = static_cast<std::uint8_t>(qtype);
  bytes_[at++] = static_cast<std::uint8_t>(qclass >> 8);
  bytes_[at++] = static_cast<std::uint8_t>(qclass);
  const std::uint8_t opt[11] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};
  for (std::uint8_t octet : opt) bytes_[at++] = octet;
  query_ = {bytes_.data(), at};
  if (wire::ParseMessage(query_, view_) != wire::WireError::kOk) return false;
  transport_ = pipeline::Transport::kUdp;  // forward retries a truncated answer over TCP itself
  client_address_ = client.ClientAddress();
  client_port_ = client.ClientPort();
  server_address_ = client.ServerAddress();
  server_port_ = client.ServerPort();
  Failure() = {};  // the probe's own note (never the client's), cleared from its last use
  return true;
}

void ProbeTransaction::Respond(std::span<const std::uint8_t> response) { owner_.OnProbeAnswer(*this, response); }

LegacyObserver::LegacyObserver(std::shared_ptr<const PublishedRules> live, std::shared_ptr<const PublishedRules> shadow,
                               unsigned worker, ShadowLimits limits)
    : live_published_(std::move(live)), shadow_published_(std::move(shadow)), worker_(worker), limits_(limits),
      state_(LegacyHub::Get().Worker(worker)), shadow_counters_(LegacyHub::Get().Shadow(worker)),
      tokens_(limits.probe_rate), probes_(limits.max_probes) {
  Refresh();
}

LegacyObserver::~LegacyObserver() = default;

void LegacyObserver::Refresh() {
  // Reload time only (the generation changed): the label ids and zones of the new snapshot.
  if (live_published_->generation() != live_generation_) {
    live_ = live_published_->Get(&live_generation_);
    const auto all = live_->rules();
    rule_ids_.assign(all.size(), LegacyReport::kNoRule);
    family_ids_.assign(all.size(), 0);
    zones_.clear();
    LegacyHub& hub = LegacyHub::Get();
    for (const rules::Rule& rule : all) {
      rule_ids_[rule.index] = hub.RuleId(rule.pos.file + ":" + std::to_string(rule.pos.line) + ":" +
                                         std::to_string(rule.pos.column));
      family_ids_[rule.index] = hub.FamilyId(rule.family);
      // The search-path rules carry the cluster domain's SOA: counting that zone would evaluate the
      // rules twice for every Kubernetes name and call them legacy. Their hits are in the rule metrics.
      if (!rule.soa || rule.family == "search-path") continue;
      wire::Name zone;
      if (wire::Name::FromString(rule.soa->zone, zone) != wire::WireError::kOk) continue;
      if (std::find(zones_.begin(), zones_.end(), zone) == zones_.end()) zones_.push_back(zone);
    }
  }
  if (shadow_published_ && shadow_published_->generation() != shadow_generation_) {
    shadow_ = shadow_published_->Get(&shadow_generation_);
  }
}

LegacyCounters& LegacyObserver::CountersFor(std::uint16_t port) {
  for (const auto& [known, counters] : counters_) {
    if (known == port) return *counters;
  }
  LegacyCounters& made = LegacyHub::Get().Counters(port, worker_);
  counters_.emplace_back(port, &made);
  return made;
}

void LegacyObserver::Serve(pipeline::Transaction& tx) {
  if (live_published_->generation() != live_generation_ ||
      (shadow_published_ && shadow_published_->generation() != shadow_generation_)) {
    Refresh();
  }
  const wire::MessageView& view = tx.View();
  bool legacy = false;
  for (const wire::Name& zone : zones_) legacy = legacy || view.qname.IsSubdomainOf(zone);
  ProbeTransaction* probe = nullptr;
  if ((legacy || shadow_) && rules::ToQuestionName(view.qname, question_.name)) {
    question_.qtype = view.qtype;
    question_.qclass = view.qclass;
    wire::Name lower = view.qname;
    lower.ToLower();
    if (legacy) live_->Evaluate(question_, outcome_);
    const std::int64_t now_ns = shadow_ ? NowNanos() : 0;
    std::lock_guard lock(state_.mutex);  // uncontended but for a page render (legacy_hub.hpp)
    if (legacy) {
      std::uint32_t rule = LegacyReport::kNoRule;
      std::uint16_t family = 0;
      if (outcome_.applied_count > 0 && outcome_.applied[0] < rule_ids_.size()) {
        rule = rule_ids_[outcome_.applied[0]];
        family = family_ids_[outcome_.applied[0]];
      }
      state_.report.Record(lower.Wire(), SubnetOf(tx.ClientAddress()), rule, family);
      CountersFor(tx.ServerPort()).queries[family].Add();
    }
    if (shadow_) probe = EvaluateShadow(tx, lower, now_ns);
  }
  Next(tx);  // the client's query first, unchanged: the probe never delays it
  if (probe != nullptr) rewrite_->SendBelow(*probe);
}

ProbeTransaction* LegacyObserver::EvaluateShadow(const pipeline::Transaction& tx, const wire::Name& lower,
                                                 std::int64_t now_ns) {
  shadow_counters_.evaluated.Add();
  shadow_->Evaluate(question_, shadow_outcome_);
  if (shadow_outcome_.status != rules::Outcome::Status::kRewritten) return nullptr;
  shadow_counters_.rewritten.Add();
  wire::Name target;
  if (wire::Name::FromString(shadow_outcome_.question.name.view(), target) != wire::WireError::kOk) return nullptr;
  const wire::MessageView& view = tx.View();
  ShadowVerdicts::Entry& entry = state_.verdicts.Touch(lower.Wire(), view.qtype, target.Wire(), now_ns);
  shadow_counters_.queries[static_cast<std::size_t>(entry.verdict)].Add();
  const bool stale = entry.learnt_ns == 0 || now_ns - entry.learnt_ns > limits_.verdict_ttl.count();
  if (!stale || entry.probing || rewrite_ == nullptr) return nullptr;
  if (probes_.out() >= limits_.max_probes || !TakeToken(now_ns)) {
    shadow_counters_.probes[kProbeDropped].Add();
    return nullptr;
  }
  ProbeTransaction* probe = probes_.Acquire(*this);
  if (!probe->Load(tx, lower.Wire(), view.qtype, target.Wire(), shadow_outcome_.question.qtype,
                   shadow_outcome_.question.qclass)) {
    probes_.Release(probe);
    return nullptr;
  }
  entry.probing = true;
  return probe;
}

bool LegacyObserver::TakeToken(std::int64_t now_ns) {
  const double elapsed = static_cast<double>(now_ns - tokens_at_ns_) / 1e9;
  tokens_at_ns_ = now_ns;
  tokens_ = std::min(limits_.probe_rate, tokens_ + elapsed * limits_.probe_rate);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

void LegacyObserver::OnProbeAnswer(ProbeTransaction& probe, std::span<const std::uint8_t> response) {
  const Verdict verdict = VerdictOf(response, probe.Failure());
  shadow_counters_.probes[static_cast<std::size_t>(verdict)].Add();
  {
    std::lock_guard lock(state_.mutex);
    ShadowVerdicts::Entry* entry = state_.verdicts.Find({probe.key_.data(), probe.key_length_}, probe.key_qtype_);
    if (entry != nullptr) {  // else it gave way to another name meanwhile
      entry->verdict = verdict;
      entry->learnt_ns = NowNanos();
      entry->probing = false;
    }
  }
  probes_.Release(&probe);
}

}  // namespace dnsd::plugins::rewrite
