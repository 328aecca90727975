// rewrite's factory: the compiled rules shared by all workers, and the reloader that polls the
// YAML rule files named by `dnsd_rules` lines and swaps in a new RuleSet when they change.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/rewrite/published_rules.hpp"
#include "rules/rule_sources.hpp"

namespace dnsd::plugins::rewrite {

// Polls file stamps on a worker's io_context (a stat per file per interval); a change is parsed and
// compiled on a thread of its own, off the query path, then published. A bad file keeps the old
// rules and logs why.
class Reloader : public std::enable_shared_from_this<Reloader> {
 public:
  // `shadow` (may be null) receives the dnsd_shadow set when its file changes.
  Reloader(boost::asio::io_context& io, rules::RuleSources sources, std::vector<rules::FileStamp> stamps,
           std::shared_ptr<PublishedRules> published, std::shared_ptr<PublishedRules> shadow = nullptr);
  ~Reloader();
  void Start();
  void Stop();
  std::uint64_t reloads() const { return reloads_.load(); }
  std::uint64_t failures() const { return failures_.load(); }

 private:
  void Arm();
  void Poll();
  void Rebuild();  // on the compile thread

  boost::asio::io_context& io_;
  // Owned by its pending wait (so it dies with the io_context, never after it); weak here for Stop.
  std::weak_ptr<boost::asio::steady_timer> timer_;
  rules::RuleSources sources_;
  std::vector<std::string> paths_;
  std::vector<rules::FileStamp> stamps_;   // of the version last tried (good or bad), io thread only
  std::shared_ptr<PublishedRules> published_, shadow_;
  std::chrono::nanoseconds interval_;
  std::thread compile_;
  std::atomic<bool> compiling_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<std::uint64_t> reloads_{0}, failures_{0};
};

class LegacyObserver;

class RewriteFactory : public pipeline::HandlerFactory {
 public:
  // `shadow`: the compiled dnsd_shadow set, null without one.
  RewriteFactory(rules::RuleSources sources, std::shared_ptr<const rules::RuleSet> initial,
                 std::vector<rules::FileStamp> stamps, std::shared_ptr<const rules::RuleSet> shadow = nullptr);
  ~RewriteFactory() override;

  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext& worker) override;
  // The LegacyObserver, when the rules have legacy zones (preset rules with an SOA) or a shadow set.
  std::unique_ptr<pipeline::Handler> CreateFrontHandler(pipeline::WorkerContext& worker) override;
  void Start(boost::asio::io_context& io) override;
  void Stop() override;

  const PublishedRules& published() const { return *published_; }
  // The server block's zones joined with ",": the `zones` label of the rule hit metrics.
  void SetZonesLabel(std::string zones) { zones_ = std::move(zones); }

 private:
  rules::RuleSources sources_;
  std::vector<rules::FileStamp> stamps_;
  std::shared_ptr<PublishedRules> published_;
  std::shared_ptr<PublishedRules> shadow_;  // null without dnsd_shadow
  bool observe_ = false;
  std::shared_ptr<Reloader> reloader_;
  std::string zones_;
  // Observers made by CreateFrontHandler waiting for their worker's RewriteHandler (config time).
  std::mutex pending_mutex_;
  std::map<unsigned, LegacyObserver*> pending_observers_;
};

}  // namespace dnsd::plugins::rewrite
