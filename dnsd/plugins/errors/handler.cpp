#include "dnsd/plugins/errors/handler.hpp"

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
  error->Load(tx);
  Next(*error);
}

void ErrorsHandler::OnAnswer(ErrorTransaction& error, std::span<const std::uint8_t> response) {
  pipeline::Transaction& client = *error.client_;
  const bool servfail = response.size() >= wire::kHeaderSize && (response[3] & 0xF) == kServFail;
  if (servfail) {
    // dnsd's plugins answer SERVFAIL instead of returning an error: the rcode is the reason.
    log::LineWriter out({line_.data(), line_.size() - 1});
    out.Append(kErrorPrefix);
    out.Number(kServFail);
    out.Append(' ');
    out.Name(client.View().qname.Wire());
    out.Append(' ');
    log::AppendType(out, client.View().qtype);
    out.Append(": SERVFAIL");
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
