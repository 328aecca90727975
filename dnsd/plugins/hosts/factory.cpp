#include "dnsd/plugins/hosts/factory.hpp"

#include <algorithm>

namespace dnsd::plugins::hosts {
namespace {

ZoneList ZonesOf(const std::vector<std::string>& texts) {
  ZoneList list;
  for (const std::string& text : texts) {
    wire::Name name;
    if (wire::Name::FromString(text, name) == wire::WireError::kOk) list.zones.push_back(name);
  }
  return list;
}

// A Go ticker of 1ns would only spin; polling more often than this buys nothing.
constexpr std::chrono::nanoseconds kShortestPoll = std::chrono::milliseconds(1);

}  // namespace

HostsFactory::HostsFactory(Options options) : options_(std::move(options)), source_(options_) {
  std::shared_ptr<const Answers> initial = source_.Refresh();
  published_ = std::make_shared<PublishedAnswers>(initial ? initial : source_.InlineOnly());
  auto config = std::make_shared<HandlerConfig>();
  config->zones = ZonesOf(options_.zones);
  config->fallthrough = ZonesOf(options_.fallthrough);
  config_ = std::move(config);
}

HostsFactory::~HostsFactory() { Stop(); }

std::unique_ptr<pipeline::Handler> HostsFactory::CreateHandler(pipeline::WorkerContext& /*worker*/) {
  return std::make_unique<HostsHandler>(published_, config_);
}

void HostsFactory::Start(boost::asio::io_context& /*io*/) {
  if (watcher_.joinable() || options_.reload.count() == 0) return;
  watcher_ = std::thread([this] { Watch(); });
}

void HostsFactory::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

void HostsFactory::Watch() {
  const auto interval = std::max(options_.reload, kShortestPoll);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    if (auto next = source_.Refresh()) published_->Publish(std::move(next));
    lock.lock();
  }
}

}  // namespace dnsd::plugins::hosts
