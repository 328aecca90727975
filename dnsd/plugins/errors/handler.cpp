#include "dnsd/plugins/errors/handler.hpp"

#include "dnsd/plugins/errors/failure_text.hpp"
#include "dnsd/plugins/log/text.hpp"

namespace dnsd::plugins::errors {
namespace {

constexpr std::size_t kMaxLine = 4096;
constexpr unsigned kServFail = 2;

}  // namespace

void ErrorTransaction::Load(pipeline::Transaction& client) {
  client_ = &client;
  CopyRequestFrom(client);
}

void ErrorTransaction::Respond(std::span<const std::uint8_t> response) {
  owner_.OnAnswer(*this, response);
}

ErrorsHandler::ErrorsHandler(std::shared_ptr<log::LogSink> sink, std::shared_ptr<log::RecordFilter> filter)
    : sink_(std::move(sink)), ring_(sink_->AddRing(std::move(filter))), line_(kMaxLine) {}

ErrorsHandler::~ErrorsHandler() { sink_->Retire(ring_); }

void ErrorsHandler::Serve(pipeline::Transaction& tx) {
  ErrorTransaction* error = pool_.Acquire(*this);
  tx.Failure().kind = pipeline::FailureKind::kNone;  // the root's note may hold a previous query's
  error->Load(tx);
  Next(*error);
}

void ErrorsHandler::OnAnswer(ErrorTransaction& error, std::span<const std::uint8_t> response) {
  pipeline::Transaction& client = *error.client_;
  const unsigned rcode = response.size() >= wire::kHeaderSize ? response[3] & 0xF : kServFail;
  const pipeline::FailureNote& failure = client.Failure();
  // A plugin that failed left its error (CoreDNS's `err`); a SERVFAIL without one (the end of the
  // chain, a cached SERVFAIL) is reported with the rcode as the reason.
  if (failure.kind != pipeline::FailureKind::kNone || rcode == kServFail) {
    log::LineWriter out({line_.data(), line_.size() - 1});
    out.Append(kErrorPrefix);
    out.Number(rcode);
    out.Append(' ');
    out.Name(client.View().qname.Wire());
    out.Append(' ');
    log::AppendType(out, client.View().qtype);
    out.Append(": ");
    AppendFailure(out, failure);
    line_[out.size()] = '\n';
    ring_->TryPush({line_.data(), out.size() + 1});
  }
  pool_.Release(&error);
  client.Respond(response);
}

ErrorsFactory::ErrorsFactory(std::vector<PatternSpec> patterns, std::shared_ptr<log::LogSink> sink)
    : sink_(std::move(sink)) {
  if (!patterns.empty()) consolidator_ = std::make_shared<Consolidator>(patterns);
}

std::unique_ptr<pipeline::Handler> ErrorsFactory::CreateHandler(pipeline::WorkerContext& /*worker*/) {
  if (!sink_) sink_ = log::LogSink::Stdout();
  return std::make_unique<ErrorsHandler>(sink_, consolidator_);
}

}  // namespace dnsd::plugins::errors
