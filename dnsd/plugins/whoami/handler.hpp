// whoami: answers every query itself, as CoreDNS's whoami does: AA set, no answer section, and in
// the additional section the client's address (A, or AAAA for IPv6) owned by the query name and an
// SRV `_udp.<qname>` / `_tcp.<qname>` whose port is the client's source port (target "."), TTL 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "dnsd/pipeline/handler.hpp"

namespace dnsd::plugins::whoami {

// The answer to `tx`'s query, written into `out`; its length, or 0 when it does not fit.
std::size_t BuildAnswer(const pipeline::Transaction& tx, std::span<std::uint8_t> out);

class WhoamiHandler : public pipeline::Handler {
 public:
  void Serve(pipeline::Transaction& tx) override;
};

class WhoamiFactory : public pipeline::HandlerFactory {
 public:
  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext& /*worker*/) override {
    return std::make_unique<WhoamiHandler>();
  }
};

}  // namespace dnsd::plugins::whoami
