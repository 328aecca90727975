#include "dnsd/plugins/log/handler.hpp"

#include "dnsd/plugins/log/classify.hpp"

namespace dnsd::plugins::log {
namespace {

constexpr std::size_t kMaxLine = 8192;
constexpr std::string_view kInfo = "[INFO] ";

}  // namespace

void DescribeExchange(const pipeline::Transaction& client, std::span<const std::uint8_t> response,
                      LogEntry& entry) {
  entry.query = &client.View();
  entry.query_size = client.Query().size();
  entry.tcp = client.transport() == pipeline::Transport::kTcp;
  entry.bufsize = client.MaxResponseSize();
  entry.remote = &client.ClientAddress();
  entry.remote_port = client.ClientPort();
  entry.local = &client.ServerAddress();
  entry.responded = response.size() >= wire::kHeaderSize;
  if (!entry.responded) return;
  const wire::Header header = wire::Header::Decode(response.data());
  entry.response_flags = header.flags;
  entry.rcode = header.rcode();
  wire::MessageView view;
  if (header.arcount > 0 && wire::ParseMessage(response, view) == wire::WireError::kOk && view.edns) {
    entry.rcode |= static_cast<unsigned>(view.edns->extended_rcode) << 4;
  }
  entry.response_size = response.size();
}

void LoggingTransaction::Load(pipeline::Transaction& client, const Rule& rule, std::int64_t start) {
  client_ = &client;
  rule_ = &rule;
  start_ = start;
  CopyRequestFrom(client);
}

void LoggingTransaction::Respond(std::span<const std::uint8_t> response) {
  owner_.OnAnswer(*this, response);
}

LogHandler::LogHandler(std::shared_ptr<const std::vector<Rule>> rules, std::shared_ptr<LogSink> sink,
                       NowFunction now)
    : rules_(std::move(rules)), sink_(std::move(sink)), ring_(sink_->AddRing()), now_(now),
      line_(kMaxLine) {}

LogHandler::~LogHandler() { sink_->Retire(ring_); }

void LogHandler::Serve(pipeline::Transaction& tx) {
  for (const Rule& rule : *rules_) {
    if (!tx.View().qname.IsSubdomainOf(rule.scope)) continue;
    LoggingTransaction* logging = pool_.Acquire(*this);
    logging->Load(tx, rule, now_());
    return Next(*logging);
  }
  Next(tx);
}

void LogHandler::OnAnswer(LoggingTransaction& logging, std::span<const std::uint8_t> response) {
  pipeline::Transaction& client = *logging.client_;
  const Rule& rule = *logging.rule_;
  const bool wanted = rule.classes == kAllClasses ||
                      (rule.classes & static_cast<std::uint8_t>(ClassifyResponse(response)));
  if (wanted) {
    LogEntry entry;
    DescribeExchange(client, response, entry);
    entry.duration_nanos = now_() - logging.start_;
    LineWriter out({line_.data(), line_.size() - 1});
    out.Append(kInfo);
    rule.format->Write(entry, out);
    line_[out.size()] = '\n';
    ring_->TryPush({line_.data(), out.size() + 1});
  }
  pool_.Release(&logging);
  client.Respond(response);
}

LogFactory::LogFactory(std::vector<RuleSpec> specs, std::shared_ptr<LogSink> sink, NowFunction now)
    : sink_(std::move(sink)), now_(now) {
  auto rules = std::make_shared<std::vector<Rule>>();
  for (RuleSpec& spec : specs) {
    Rule rule;
    wire::Name::FromString(spec.scope, rule.scope);  // checked by setup
    rule.classes = spec.classes;
    rule.format = std::make_shared<const LogFormat>(spec.format);
    rules->push_back(std::move(rule));
  }
  rules_ = std::move(rules);
}

std::unique_ptr<pipeline::Handler> LogFactory::CreateHandler(pipeline::WorkerContext& /*worker*/) {
  if (!sink_) sink_ = LogSink::Stdout();
  return std::make_unique<LogHandler>(rules_, sink_, now_);
}

}  // namespace dnsd::plugins::log
