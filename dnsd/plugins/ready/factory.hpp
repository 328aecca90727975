// ready's factory: serves GET /ready on its address — 200 "OK" once every plugin of the server
// blocks that enable `ready` on that address has reported Ready() (a plugin that did is not asked
// again, as CoreDNS's default `until-ready`), else 503 with the sorted, comma-separated names of
// those still waiting; 503 "Shutting down" once shutdown has begun.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/health/probe_server.hpp"

namespace dnsd::plugins::ready {

// The plugins one /ready endpoint watches; shared by every `ready` factory on the same address.
class Watchlist;

class ReadyFactory : public pipeline::HandlerFactory {
 public:
  explicit ReadyFactory(std::string address) : address_(std::move(address)) {}
  ~ReadyFactory() override;

  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext& worker) override;
  // Joins (or starts) the HTTP listener; one that cannot bind is reported by StartError.
  void Start(boost::asio::io_context& io) override;
  void Stop() override;
  std::string StartError() const override { return start_error_; }

  const std::string& address() const { return address_; }
  // Watches the plugins of this factory's server block (the server calls it before Start).
  void OnChainBuilt(std::span<const std::string> names,
                    std::span<const std::shared_ptr<pipeline::HandlerFactory>> factories) override;
  // Begins the process's shutdown (/ready says 503 "Shutting down"); `health` sets the lameduck.
  std::chrono::nanoseconds OnShutdown() override;
  // What GET /ready answers right now (also for tests).
  health::ProbeResponse Check() const;

 private:
  struct Watched {
    std::string name;
    std::weak_ptr<pipeline::HandlerFactory> factory;
  };
  std::string address_;
  std::vector<Watched> watched_;
  std::shared_ptr<Watchlist> list_;
  std::shared_ptr<health::ProbeServer> server_;
  std::string start_error_;
};

}  // namespace dnsd::plugins::ready
