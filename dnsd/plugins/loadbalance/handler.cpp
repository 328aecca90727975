#include "dnsd/plugins/loadbalance/handler.hpp"

#include <random>

#include "dnsd/metrics/responder.hpp"

namespace dnsd::plugins::loadbalance {

void ShuffledTransaction::Load(pipeline::Transaction& client) {
  client_ = &client;
  CopyRequestFrom(client);
}

void ShuffledTransaction::Respond(std::span<const std::uint8_t> response) {
  owner_.OnAnswer(*this, response);
}

LoadBalanceHandler::LoadBalanceHandler(std::uint64_t seed) : random_(seed), buffer_(65535) {}

void LoadBalanceHandler::Serve(pipeline::Transaction& tx) {
  ShuffledTransaction* shuffled = pool_.Acquire(*this);
  shuffled->Load(tx);
  Next(*shuffled);
}

void LoadBalanceHandler::OnAnswer(ShuffledTransaction& tx, std::span<const std::uint8_t> response) {
  pipeline::Transaction& client = *tx.client_;
  pool_.Release(&tx);
  // CoreDNS names the plugin whose writer called the metrics recorder: loadbalance's wraps every
  // answer a plugin below wrote; an error the server writes does not pass through it.
  if (metrics::TakeResponder() != metrics::Responder::kServer) {
    metrics::NoteResponder(metrics::Responder::kLoadbalance);
  }
  // The answer may be the cache's stored bytes: reorder a copy, never the bytes themselves.
  if (shuffler_.Shuffle(response, buffer_, random_)) {
    client.Respond({buffer_.data(), response.size()});
  } else {
    client.Respond(response);
  }
}

std::unique_ptr<pipeline::Handler> LoadBalanceFactory::CreateHandler(pipeline::WorkerContext& worker) {
  std::uint64_t seed = 0;
  if (seed_) {
    seed = *seed_ + worker.index;
  } else {
    std::random_device device;
    seed = (std::uint64_t{device()} << 32) | device();
  }
  return std::make_unique<LoadBalanceHandler>(seed);
}

}  // namespace dnsd::plugins::loadbalance
