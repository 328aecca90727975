// reload plugin: `reload [INTERVAL [JITTER]]` (CoreDNS 1.11 syntax and limits). It takes no part in
// serving queries; the server asks its factory (NextCorefileCheck) when to re-read the Corefile and
// reloads when its parsed form changed (dnsd/server/reloader.hpp).
#pragma once

#include <chrono>

#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::plugins::reload {

struct ReloadOptions {
  std::chrono::nanoseconds interval = std::chrono::seconds(30);
  std::chrono::nanoseconds jitter = std::chrono::seconds(15);
};

inline constexpr std::chrono::seconds kMinInterval{2};
inline constexpr std::chrono::seconds kMinJitter{1};

class ReloadFactory : public pipeline::HandlerFactory {
 public:
  explicit ReloadFactory(ReloadOptions options) : options_(options) {}
  // Not in the query path: the worker leaves it out of the chain.
  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext&) override { return nullptr; }
  const ReloadOptions& options() const { return options_; }
  std::optional<std::chrono::nanoseconds> NextCorefileCheck() const override;

 private:
  ReloadOptions options_;
};

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx);

// The parsing half of Setup, for tests; errors point and start with "reload: ".
config::Parsed<ReloadOptions> ParseReload(const config::Directive& directive);

// How often the Corefile is checked: the interval moved by a random amount in [-jitter/2, jitter/2),
// picked once per config, so that a fleet given one ConfigMap does not reload in lockstep.
std::chrono::nanoseconds PickPeriod(const ReloadOptions& options);

}  // namespace dnsd::plugins::reload
