#include "dnsd/plugins/ready/factory.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "dnsd/plugins/health/factory.hpp"
#include "dnsd/plugins/health/lameduck.hpp"

namespace dnsd::plugins::ready {

class Watchlist {
 public:
  // The list behind `address`, shared by every ready factory started on it.
  static std::shared_ptr<Watchlist> For(const std::string& address) {
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<Watchlist>> lists;
    std::lock_guard lock(mutex);
    if (auto list = lists[address].lock()) return list;
    auto list = std::make_shared<Watchlist>();
    lists[address] = list;
    return list;
  }

  void Add(const void* owner, const std::string& name, std::weak_ptr<pipeline::HandlerFactory> factory) {
    std::lock_guard lock(mutex_);
    entries_.push_back({owner, name, std::move(factory), false});
  }
  void Remove(const void* owner) {
    std::lock_guard lock(mutex_);
    std::erase_if(entries_, [owner](const Entry& e) { return e.owner == owner; });
  }

  health::ProbeResponse Check() {
    if (health::lameduck::ShuttingDown()) return {503, "Shutting down"};
    std::vector<std::string> waiting;
    {
      std::lock_guard lock(mutex_);
      for (Entry& entry : entries_) {
        if (entry.ready) continue;
        auto factory = entry.factory.lock();
        if (!factory) continue;  // its config is gone
        if (factory->Ready()) entry.ready = true;  // CoreDNS: not asked again once ready
        else waiting.push_back(entry.name);
      }
    }
    if (waiting.empty()) return {200, "OK"};
    std::sort(waiting.begin(), waiting.end());
    waiting.erase(std::unique(waiting.begin(), waiting.end()), waiting.end());
    std::string body;
    for (const std::string& name : waiting) body += (body.empty() ? "" : ",") + name;
    return {503, body};
  }

 private:
  struct Entry {
    const void* owner;
    std::string name;
    std::weak_ptr<pipeline::HandlerFactory> factory;
    bool ready;
  };
  std::mutex mutex_;
  std::vector<Entry> entries_;
};

ReadyFactory::~ReadyFactory() { Stop(); }

std::unique_ptr<pipeline::Handler> ReadyFactory::CreateHandler(pipeline::WorkerContext& /*worker*/) {
  return std::make_unique<health::PassThrough>();
}

void ReadyFactory::OnChainBuilt(std::span<const std::string> names,
                                std::span<const std::shared_ptr<pipeline::HandlerFactory>> factories) {
  watched_.clear();
  for (std::size_t i = 0; i < factories.size() && i < names.size(); ++i) {
    if (factories[i].get() == this) continue;
    watched_.push_back({names[i], factories[i]});
  }
}

void ReadyFactory::Start(boost::asio::io_context& /*io*/) {
  list_ = Watchlist::For(address_);
  for (const Watched& w : watched_) list_->Add(this, w.name, w.factory);
  std::string error;
  start_error_.clear();
  server_ = health::ProbeServer::Acquire(address_, &error);
  if (!server_) {
    start_error_ = "plugin/ready: " + error;
    return;
  }
  server_->Route("/ready", [list = list_] { return list->Check(); });
}

void ReadyFactory::Stop() {
  if (list_) list_->Remove(this);
  list_.reset();
  server_.reset();
}

health::ProbeResponse ReadyFactory::Check() const {
  if (list_) return list_->Check();
  return {503, "Not started"};
}

std::chrono::nanoseconds ReadyFactory::OnShutdown() { return health::lameduck::Begin(); }

}  // namespace dnsd::plugins::ready
