#include "dnsd/plugins/rewrite/factory.hpp"

#include "dnsd/log/log.hpp"
#include "dnsd/plugins/rewrite/handler.hpp"
#include "dnsd/plugins/rewrite/legacy_observer.hpp"

namespace dnsd::plugins::rewrite {

Reloader::Reloader(boost::asio::io_context& io, rules::RuleSources sources, std::vector<rules::FileStamp> stamps,
                   std::shared_ptr<PublishedRules> published, std::shared_ptr<PublishedRules> shadow)
    : io_(io), sources_(std::move(sources)), stamps_(std::move(stamps)),
      published_(std::move(published)), shadow_(std::move(shadow)), interval_(sources_.ShortestReload()) {
  for (const rules::RulePiece& piece : sources_.pieces) {
    if (piece.file) paths_.push_back(piece.file->path);
  }
  // The shadow file is polled last; its stamp is the last one (RewriteFactory appends it).
  if (shadow_ && sources_.shadow && sources_.shadow->file) paths_.push_back(sources_.shadow->file->path);
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
  if (shadow_ && sources_.shadow && sources_.shadow->file) {
    // Either set may have changed; both are rebuilt (a rare, off-path event).
    rules::RuleSet::Compiled shadow = rules::AssembleShadow(*sources_.shadow);
    if (!stopped_ && shadow.ok()) shadow_->Publish(std::move(shadow.rule_set));
    else if (!stopped_) dnsd::log::Error("rewrite: shadow reload failed, keeping the previous shadow rules: " +
                                         shadow.error.ToString());
  }
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
                               std::vector<rules::FileStamp> stamps, std::shared_ptr<const rules::RuleSet> shadow)
    : sources_(std::move(sources)), stamps_(std::move(stamps)) {
  for (const rules::Rule& rule : initial->rules()) observe_ = observe_ || rule.soa != nullptr;
  published_ = std::make_shared<PublishedRules>(std::move(initial));
  if (shadow) {
    shadow_ = std::make_shared<PublishedRules>(std::move(shadow));
    observe_ = true;
    if (sources_.shadow && sources_.shadow->file) stamps_.push_back(rules::StampOf(sources_.shadow->file->path));
  }
  if (observe_) LegacyHub::Get().SetShadowSource(sources_.shadow ? sources_.shadow->Name() : "");
}

RewriteFactory::~RewriteFactory() { Stop(); }

std::unique_ptr<pipeline::Handler> RewriteFactory::CreateHandler(pipeline::WorkerContext& worker) {
  auto handler = std::make_unique<RewriteHandler>(published_, zones_);
  if (observe_) {
    std::lock_guard lock(pending_mutex_);  // workers build their chains on their own threads
    auto found = pending_observers_.find(worker.index);
    if (found != pending_observers_.end()) {
      found->second->SetRewrite(handler.get());
      pending_observers_.erase(found);
    }
  }
  return handler;
}

std::unique_ptr<pipeline::Handler> RewriteFactory::CreateFrontHandler(pipeline::WorkerContext& worker) {
  if (!observe_) return nullptr;
  auto observer = std::make_unique<LegacyObserver>(published_, shadow_, worker.index);
  std::lock_guard lock(pending_mutex_);
  pending_observers_[worker.index] = observer.get();  // linked by CreateHandler, which comes next
  return observer;
}

void RewriteFactory::Start(boost::asio::io_context& io) {
  if (reloader_ || sources_.ShortestReload().count() == 0) return;
  reloader_ = std::make_shared<Reloader>(io, sources_, stamps_, published_, shadow_);
  reloader_->Start();
}

void RewriteFactory::Stop() {
  if (reloader_) reloader_->Stop();
}

}  // namespace dnsd::plugins::rewrite
