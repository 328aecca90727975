#include "dnsd/plugins/forward/forwarder.hpp"

#include "dnsd/plugins/forward/metrics.hpp"
#include "dnsd/plugins/forward/worker.hpp"
#include "dnsd/random/secure_random.hpp"

namespace dnsd::plugins::forward {
namespace {

wire::Name NameOf(const std::string& text) {
  wire::Name name;
  (void)wire::Name::FromString(text, name);  // setup validated it
  return name;
}

ProbeSettings ProbeSettingsOf(const Options& options) {
  ProbeSettings settings;
  settings.tcp = options.force_tcp;
  settings.recursion_desired = options.health_recursion_desired;
  settings.domain = options.health_domain;
  settings.timeout = options.health_timeout;
  settings.tls_context = options.tls.context;
  settings.tls_server_name = options.tls.server_name;
  return settings;
}

// Setup allows at most kMaxUpstreams; options built in code are held to the same limit.
Options Capped(Options options) {
  if (options.upstreams.size() > kMaxUpstreams) options.upstreams.resize(kMaxUpstreams);
  return options;
}

}  // namespace

SharedState::SharedState(Options opts)
    : options(Capped(std::move(opts))),
      from(NameOf(options.from)),
      pool(std::make_shared<UpstreamPool>(options.upstreams, options.policy)),
      health(pool, options.health_check, ProbeSettingsOf(options)) {
  for (const std::string& name : options.except) except.push_back(NameOf(name));
  for (std::size_t i = 0; i < pool->size(); ++i) {
    Upstream& upstream = (*pool)[i];
    upstream.tls = options.IsTls(i);
    upstream.healthcheck_failures = &ForwardMetrics::Get().HealthcheckFailures(UpstreamLabel(upstream.endpoint));
  }
}

bool SharedState::Handles(const wire::Name& qname) const {
  if (!qname.IsSubdomainOf(from)) return false;
  if (qname == from) return true;
  for (const wire::Name& ignored : except) {
    if (qname.IsSubdomainOf(ignored)) return false;
  }
  return true;
}

void SharedState::ReportFailure(std::size_t index) {
  // Only the health check takes a failure back; without one (or with max_fails 0, as CoreDNS)
  // counting would mark the upstream Down for good.
  if (options.max_fails == 0 || !health.Enabled()) return;
  (*pool)[index].fails.fetch_add(1, std::memory_order_relaxed);
  health.Kick(index);
}

ForwardHandler::ForwardHandler(boost::asio::io_context& io, std::shared_ptr<SharedState> shared,
                               unsigned worker, std::unique_ptr<random::RandomSource> random)
    : shared_(std::move(shared)), worker_(std::make_shared<Worker>(io, shared_, worker, std::move(random))) {}

ForwardHandler::~ForwardHandler() { worker_->Shutdown(); }

void ForwardHandler::Serve(pipeline::Transaction& tx) {
  if (!shared_->Handles(tx.View().qname)) return Next(tx);
  // The chain is linked after the handlers are made, so the successor is looked up on first use.
  if (!next_known_) {
    worker_->next_forward = dynamic_cast<ForwardHandler*>(next());
    next_known_ = true;
  }
  worker_->Forward(tx);
}

std::size_t ForwardHandler::InFlight() const { return worker_->InFlight(); }

ForwardFactory::ForwardFactory(Options options)
    : shared_(std::make_shared<SharedState>(std::move(options))) {}

ForwardFactory::~ForwardFactory() = default;  // the health checker's destructor ends its loops

std::unique_ptr<pipeline::Handler> ForwardFactory::CreateHandler(pipeline::WorkerContext& worker) {
  std::unique_ptr<random::RandomSource> random =
      random_sources_ ? random_sources_(worker.index) : std::make_unique<random::SecureRandom>();
  return std::make_unique<ForwardHandler>(worker.io, shared_, worker.index, std::move(random));
}

void ForwardFactory::Start(boost::asio::io_context& io) {
  shared_->health.Start(io);
  // One probe per upstream at once, so `ready` learns upstream health without waiting for a query:
  // at start-up and after a reload, whose new forward starts knowing nothing.
  for (std::size_t i = 0; i < shared_->pool->size(); ++i) shared_->health.Kick(i);
}
void ForwardFactory::Stop() { shared_->health.Stop(); }

bool ForwardFactory::Ready() const {
  const UpstreamPool& pool = *shared_->pool;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    if (pool[i].answered.load(std::memory_order_relaxed)) return true;
  }
  return false;
}

}  // namespace dnsd::plugins::forward
