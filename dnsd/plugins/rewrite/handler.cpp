#include "dnsd/plugins/rewrite/handler.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <variant>

#include "dnsd/metrics/responder.hpp"
#include "rules/question_name.hpp"

namespace dnsd::plugins::rewrite {
namespace {

constexpr std::size_t kMaxMessage = 65535;
// Room for what rules add to a query: a longer name and EDNS options.
constexpr std::size_t kGrowth = 1024;

// Address text without std::string (inet_ntop into a caller buffer).
std::string_view AddressText(const boost::asio::ip::address& address, std::span<char> out) {
  const char* text = nullptr;
  if (address.is_v4()) {
    auto bytes = address.to_v4().to_bytes();
    text = ::inet_ntop(AF_INET, bytes.data(), out.data(), static_cast<socklen_t>(out.size()));
  } else {
    auto bytes = address.to_v6().to_bytes();
    text = ::inet_ntop(AF_INET6, bytes.data(), out.data(), static_cast<socklen_t>(out.size()));
  }
  return text ? std::string_view(text) : std::string_view();
}

}  // namespace

bool RewrittenTransaction::Load(pipeline::Transaction& client, Snapshot* snapshot,
                                const rules::Outcome& outcome) {
  client_ = &client;
  snapshot_ = snapshot;
  ++snapshot->refs;
  const rules::RuleSet& rules = *snapshot->rules;
  auto query = client.Query();
  if (bytes_.size() < query.size() + kGrowth) bytes_.resize(std::min(kMaxMessage, query.size() + kGrowth));

  bool uses_edns0 = false;
  cname_count_ = 0;
  following_ = false;
  auto all = rules.rules();
  for (std::size_t i = 0; i < outcome.applied_count; ++i) {
    const rules::RuleBody& body = all[outcome.applied[i]].body;
    if (std::holds_alternative<rules::Edns0Rule>(body)) uses_edns0 = true;
    if (const auto* cname = std::get_if<rules::CnameRule>(&body)) cname_rules_[cname_count_++] = cname;
  }
  rules::RequestContext context;
  std::array<char, 64> client_ip, server_ip;
  if (uses_edns0) {  // placeholders only: skip the address formatting otherwise
    context.client_ip = AddressText(client.ClientAddress(), client_ip);
    context.client_port = client.ClientPort();
    context.server_ip = AddressText(client.ServerAddress(), server_ip);
    context.server_port = client.ServerPort();
    context.protocol = client.transport() == pipeline::Transport::kTcp ? "tcp" : "udp";
  }
  const std::size_t length = rules::BuildUpstreamQuery(rules, outcome, query, context, bytes_);
  if (length == 0) return false;
  query_ = {bytes_.data(), length};
  if (wire::ParseMessage(query_, view_) != wire::WireError::kOk) return false;
  transport_ = client.transport();
  client_address_ = client.ClientAddress();
  client_port_ = client.ClientPort();
  server_address_ = client.ServerAddress();
  server_port_ = client.ServerPort();
  ShareFailureOf(client);
  reverter_.emplace(rules, outcome, query);
  return true;
}

void RewrittenTransaction::Respond(std::span<const std::uint8_t> response) {
  if (cname_count_ > 0 && !following_) {
    if (!follow_) follow_ = std::make_unique<CnameFollowUp>();
    if (follow_->Prepare(*this, {cname_rules_.data(), cname_count_}, response)) {
      following_ = true;
      follow_->SetDone([this](std::span<const std::uint8_t> merged) { Finish(merged); });
      return owner_.PassOn(*follow_);
    }
  }
  Finish(response);
}

void RewrittenTransaction::Finish(std::span<const std::uint8_t> response) {
  following_ = false;
  pipeline::Transaction* client = client_;
  auto out = owner_.RevertBuffer();
  const std::size_t length = reverter_->Revert(response, out);
  owner_.Release(this, snapshot_);  // nothing below touches this transaction
  if (length == 0) {
    metrics::NoteResponder(metrics::Responder::kServer);  // CoreDNS: the server writes errors
    client->RespondError(wire::Rcode::kServFail);
  } else {
    metrics::NoteResponder(metrics::Responder::kRewrite);  // CoreDNS: its reverter writes
    client->Respond(out.first(length));
  }
}

RewriteHandler::RewriteHandler(std::shared_ptr<const PublishedRules> published, std::string zones)
    : published_(std::move(published)), revert_buffer_(kMaxMessage), metrics_(std::move(zones)) {
  current_ = new Snapshot{published_->Get(&generation_), 1};
  metrics_.Reset(current_->rules);
}

RewriteHandler::~RewriteHandler() {
  // Queries still out (dropped unanswered further down at shutdown) each hold their snapshot; the
  // pool deletes the transactions themselves.
  pool_.ForEachOut([](RewrittenTransaction& tx) { Unref(tx.snapshot_); });
  Unref(current_);
}

void RewriteHandler::Unref(Snapshot* snapshot) {
  if (--snapshot->refs == 0) delete snapshot;
}

void RewriteHandler::Refresh() {
  std::uint64_t generation = 0;
  auto rules = published_->Get(&generation);
  Unref(current_);
  current_ = new Snapshot{std::move(rules), 1};
  metrics_.Reset(current_->rules);
  generation_ = generation;
}

void RewriteHandler::Release(RewrittenTransaction* tx, Snapshot* snapshot) {
  Unref(snapshot);
  tx->Clear();
  pool_.Release(tx);
}

void RewriteHandler::AnswerLocally(pipeline::Transaction& tx, const rules::RuleSet& rules) {
  // The revert buffer is free here: the answer is copied by the server before Respond returns.
  auto out = RevertBuffer();
  const std::size_t length = rules::BuildLocalResponse(rules.rules(), outcome_, tx.Query(), out);
  if (length == 0) return tx.RespondError(wire::Rcode::kServFail);
  metrics::NoteResponder(metrics::Responder::kRewrite);
  tx.Respond(out.first(length));
}

void RewriteHandler::Serve(pipeline::Transaction& tx) {
  if (published_->generation() != generation_) Refresh();
  const rules::RuleSet& rules = *current_->rules;
  const wire::MessageView& view = tx.View();
  if (!rules::ToQuestionName(view.qname, question_.name)) return Next(tx);
  question_.qtype = view.qtype;
  question_.qclass = view.qclass;
  rules.Evaluate(question_, outcome_);
  metrics_.Count(tx.ServerPort(), outcome_);
  switch (outcome_.status) {
    case rules::Outcome::Status::kNoMatch:
      return Next(tx);
    case rules::Outcome::Status::kBadName:
    case rules::Outcome::Status::kTooManyRules:
      return tx.RespondError(wire::Rcode::kServFail);
    case rules::Outcome::Status::kLocal:
      return AnswerLocally(tx, rules);
    case rules::Outcome::Status::kRewritten:
      break;
  }
  RewrittenTransaction* rewritten = pool_.Acquire(*this);
  if (!rewritten->Load(tx, current_, outcome_)) {
    Release(rewritten, current_);
    return tx.RespondError(wire::Rcode::kServFail);
  }
  Next(*rewritten);
}

}  // namespace dnsd::plugins::rewrite
