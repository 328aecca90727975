// loop's factory: owns the directive's Sightings, gives every worker a handler that counts the
// probe, and runs the probe once the server serves with those handlers (start-up and each reload).
#pragma once

#include <memory>

#include <boost/asio/ip/udp.hpp>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/loop/prober.hpp"
#include "dnsd/plugins/loop/setup.hpp"
#include "dnsd/plugins/loop/sightings.hpp"

namespace dnsd::plugins::loop {

// Where the probe goes: the listen host, or loopback for the wildcard ("", 0.0.0.0 or ::).
boost::asio::ip::udp::endpoint ProbeTarget(const LoopOptions& options);

// Passes every query on; while probing, counts the probe and halts the process on a loop.
class LoopHandler : public pipeline::Handler {
 public:
  explicit LoopHandler(Sightings& sightings) : sightings_(sightings) {}
  void Serve(pipeline::Transaction& tx) override {
    if (!sightings_.disabled() && sightings_.Count(tx.View())) {
      Halt(sightings_.LoopMessage(tx.ClientAddress(), tx.ClientPort()));
    }
    Next(tx);
  }

 private:
  Sightings& sightings_;
};

class LoopFactory : public pipeline::HandlerFactory {
 public:
  // Draws the probe name (a new one for every config, as CoreDNS on reload).
  explicit LoopFactory(LoopOptions options, ProbeTiming timing = {});

  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext& worker) override;
  void Start(boost::asio::io_context& io) override { io_ = &io; }
  void Serving() override;
  // Ends probing: the handlers of a replaced config count nothing.
  void Stop() override { sightings_->Disable(); }

  const Sightings& sightings() const { return *sightings_; }

 private:
  LoopOptions options_;
  ProbeTiming timing_;
  std::shared_ptr<Sightings> sightings_;
  boost::asio::io_context* io_ = nullptr;
  bool probed_ = false;
};

}  // namespace dnsd::plugins::loop
