#include "dnsd/plugins/loop/factory.hpp"

#include <boost/asio/post.hpp>

namespace dnsd::plugins::loop {

namespace ip = boost::asio::ip;

ip::udp::endpoint ProbeTarget(const LoopOptions& options) {
  boost::system::error_code ec;
  ip::address host = ip::make_address(options.listen_host, ec);
  if (ec || host.is_unspecified()) host = ip::address_v4::loopback();
  return {host, options.port};
}

LoopFactory::LoopFactory(LoopOptions options, ProbeTiming timing)
    : options_(std::move(options)), timing_(timing) {
  std::string probe = ProbeName(options_.zone, RandomLabel(), RandomLabel());
  sightings_ = std::make_shared<Sightings>(options_.zone, std::move(probe),
                                           JoinHostPort(options_.listen_host, options_.port));
}

std::unique_ptr<pipeline::Handler> LoopFactory::CreateHandler(pipeline::WorkerContext& /*worker*/) {
  return std::make_unique<LoopHandler>(*sightings_);
}

void LoopFactory::Serving() {
  if (io_ == nullptr || probed_) return;
  probed_ = true;
  auto prober = std::make_shared<Prober>(*io_, sightings_, ProbeTarget(options_), timing_);
  boost::asio::post(*io_, [prober] { prober->Begin(); });
}

}  // namespace dnsd::plugins::loop
