// The plugin chain: each handler answers a transaction or passes it to the next one.
// Handlers are created per worker thread (share nothing); what must be shared between workers
// (upstream health, later the cache) lives in the plugin's factory, which outlives the handlers.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "dnsd/pipeline/transaction.hpp"

namespace dnsd::pipeline {

class Handler {
 public:
  virtual ~Handler() = default;
  virtual void Serve(Transaction& tx) = 0;
  void SetNext(Handler* next) { next_ = next; }

 protected:
  // Passes on; at the end of the chain the query is answered SERVFAIL (CoreDNS: "no next plugin").
  void Next(Transaction& tx) {
    if (next_) next_->Serve(tx);
    else tx.RespondError(wire::Rcode::kServFail);
  }
  // The handler Next() passes to (nullptr at the end of the chain), for plugins whose behaviour
  // depends on what follows them (CoreDNS forward's `next` only hands over to another forward).
  Handler* next() const { return next_; }

 private:
  Handler* next_ = nullptr;
};

// What a worker thread offers its handlers.
struct WorkerContext {
  boost::asio::io_context& io;
  unsigned index;  // 0..workers-1
};

// Made once per plugin directive at config load; makes one Handler per worker.
class HandlerFactory {
 public:
  virtual ~HandlerFactory() = default;
  virtual std::unique_ptr<Handler> CreateHandler(WorkerContext& worker) = 0;
  // A handler the server puts at the very front of the chain, before every plugin's own handler
  // (so that it sees every query, cache hits too: rewrite's legacy-name observer). Made before
  // CreateHandler on the same worker; nullptr (the default): none. It must pass each query on.
  virtual std::unique_ptr<Handler> CreateFrontHandler(WorkerContext& /*worker*/) { return nullptr; }
  // Starts background work that is shared by workers (e.g. health checks); `io` is a worker's
  // io_context chosen by the server. Called once after every factory of the config is built.
  virtual void Start(boost::asio::io_context& /*io*/) {}
  // Why Start could not do its work, "" if it could (a health or ready listener that cannot bind).
  // The server then fails start-up, or keeps the old config on a reload, and Stops what it started.
  virtual std::string StartError() const { return {}; }
  // Called once every worker passes queries to this factory's handlers: at start-up once the
  // workers run, on reload once every worker has switched to the new config. Called from the
  // thread that runs the server, not the io_context given to Start: post work there.
  virtual void Serving() {}
  virtual void Stop() {}
  // For the `ready` plugin: false until the plugin can serve (e.g. forward before any upstream
  // is known healthy). Called from any thread.
  virtual bool Ready() const { return true; }

  // Hooks through which the server meets the plugins that steer it, without knowing them (as
  // CoreDNS's OnStartup/OnShutdown/OnRestart). Every other plugin keeps the defaults.

  // Called for every chain once it is built, before Start, with the chain's plugin names and
  // factories in execution order (`ready` watches them).
  virtual void OnChainBuilt(std::span<const std::string> /*names*/,
                            std::span<const std::shared_ptr<HandlerFactory>> /*factories*/) {}
  // Called when the server is told to stop, before it stops answering DNS: how long to go on
  // answering (`health`'s lameduck; the server waits the longest of all factories).
  virtual std::chrono::nanoseconds OnShutdown() { return std::chrono::nanoseconds(0); }
  // `reload`: how long until the server next checks the Corefile for changes, picked anew on each
  // call; nullopt: this factory does not ask for checks.
  virtual std::optional<std::chrono::nanoseconds> NextCorefileCheck() const { return std::nullopt; }
};

}  // namespace dnsd::pipeline
