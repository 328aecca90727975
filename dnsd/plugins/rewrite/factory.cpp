#include "dnsd/plugins/rewrite/factory.hpp"

#include "dnsd/log/log.hpp"
#include "dnsd/plugins/rewrite/handler.hpp"

namespace dnsd::plugins::rewrite {

Reloader::Reloader(boost::asio::io_context& io, rules::RuleSources sources, std::vector<rules::FileStamp> stamps,
                   std::shared_ptr<PublishedRules> published)
    : io_(io), sources_(std::move(sources)), stamps_(std::move(stamps)),
      published_(std::move(published)), interval_(sources_.ShortestReload()) {
  for (const rules::RulePiece& piece : sources_.pieces) {
    if (piece.file) paths_.push_back(piece.file->path);
  }
}

Reloader::~Reloader() {
  stopped_ = true;
  if (compile_.joinable()) compile_.join();
}

void Reloader::Start() {
  if (interval_.count() > 0) Arm();
}

void Reloader::Stop() {
  stopped_ = true;
  if (auto timer = timer_.lock()) timer->cancel();  // Stop runs on the io thread (Server::Stop)
  if (compile_.joinable()) compile_.join();
}

void Reloader::Arm() {
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, interval_);
  timer_ = timer;
  timer->async_wait([weak = weak_from_this(), timer](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->stopped_) return;
    self->Poll();
    self->Arm();
  });
}

void Reloader::Poll() {
  if (compiling_) return;  // the previous change is still being compiled; look again next time
  std::vector<rules::FileStamp> now;
  now.reserve(paths_.size());
  for (const std::string& path : paths_) now.push_back(rules::StampOf(path));
  if (now == stamps_) return;
  stamps_ = std::move(now);
  if (compile_.joinable()) compile_.join();  // finished: compiling_ is false
  compiling_ = true;
  compile_ = std::thread([this] { Rebuild(); });  // joined by Stop() and the destructor
}

void Reloader::Rebuild() {
  auto started = std::chrono::steady_clock::now();
  rules::RuleSet::Compiled compiled = rules::Assemble(sources_);
  if (!stopped_) {
    if (compiled.ok()) {
      const std::size_t count = compiled.rule_set->rules().size();
      published_->Publish(std::move(compiled.rule_set));
      ++reloads_;
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                      started);
      dnsd::log::Info("rewrite: reloaded " + std::to_string(count) + " rules in " +
                      std::to_string(ms.count()) + "ms");
    } else {
      ++failures_;
      dnsd::log::Error("rewrite: reload failed, keeping the previous rules: " + compiled.error.ToString());
    }
  }
  compiling_ = false;
}

RewriteFactory::RewriteFactory(rules::RuleSources sources, std::shared_ptr<const rules::RuleSet> initial,
                               std::vector<rules::FileStamp> stamps)
    : sources_(std::move(sources)), stamps_(std::move(stamps)),
      published_(std::make_shared<PublishedRules>(std::move(initial))) {}

RewriteFactory::~RewriteFactory() { Stop(); }

std::unique_ptr<pipeline::Handler> RewriteFactory::CreateHandler(pipeline::WorkerContext& /*worker*/) {
  return std::make_unique<RewriteHandler>(published_, zones_);
}

void RewriteFactory::Start(boost::asio::io_context& io) {
  if (reloader_ || sources_.ShortestReload().count() == 0) return;
  reloader_ = std::make_shared<Reloader>(io, sources_, stamps_, published_);
  reloader_->Start();
}

void RewriteFactory::Stop() {
  if (reloader_) reloader_->Stop();
}

}  // namespace dnsd::plugins::rewrite
