// hosts' factory: the answers shared by all workers, and the reload thread that looks at the file
// every `reload` interval and publishes new answers when it changed (off the query path).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/hosts/handler.hpp"
#include "dnsd/plugins/hosts/hosts_source.hpp"
#include "dnsd/plugins/hosts/options.hpp"
#include "dnsd/plugins/hosts/published_answers.hpp"

namespace dnsd::plugins::hosts {

class HostsFactory : public pipeline::HandlerFactory {
 public:
  // Reads the file once, now (CoreDNS reads it at start-up).
  explicit HostsFactory(Options options);
  ~HostsFactory() override;

  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext& worker) override;
  void Start(boost::asio::io_context& io) override;
  void Stop() override;

  const Options& options() const { return options_; }
  const PublishedAnswers& published() const { return *published_; }

 private:
  void Watch();  // the reload thread

  Options options_;
  HostsSource source_;  // reload thread only, once started
  std::shared_ptr<PublishedAnswers> published_;
  std::shared_ptr<const HandlerConfig> config_;
  std::thread watcher_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace dnsd::plugins::hosts
