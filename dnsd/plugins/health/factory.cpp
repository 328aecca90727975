#include "dnsd/plugins/health/factory.hpp"

#include "dnsd/plugins/health/lameduck.hpp"

namespace dnsd::plugins::health {

ProbeResponse HealthResponse() {
  if (lameduck::ShuttingDown()) return {503, "Shutting down"};
  return {200, "OK"};
}

std::unique_ptr<pipeline::Handler> HealthFactory::CreateHandler(pipeline::WorkerContext& /*worker*/) {
  return std::make_unique<PassThrough>();
}

void HealthFactory::Start(boost::asio::io_context& /*io*/) {
  std::string error;
  start_error_.clear();
  server_ = ProbeServer::Acquire(options_.address, &error);
  if (!server_) {
    start_error_ = "plugin/health: " + error;
    return;  // the config does not run: its lameduck is not asked for either
  }
  lameduck::Request(options_.lameduck);
  server_->Route("/health", [] { return HealthResponse(); });
  std::string host;
  unsigned short port = 0;
  if (SplitAddress(options_.address, host, port)) self_check_ = std::make_unique<SelfCheck>(host, server_->port());
}

// The route stays while any other block holds the same listener; it answers the same for all.
void HealthFactory::Stop() {
  self_check_.reset();
  server_.reset();
}

std::chrono::nanoseconds HealthFactory::OnShutdown() { return lameduck::Begin(); }

}  // namespace dnsd::plugins::health
