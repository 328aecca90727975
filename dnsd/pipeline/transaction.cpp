#include "dnsd/pipeline/transaction.hpp"

#include <array>

#include "dnsd/wire/builder.hpp"

namespace dnsd::pipeline {

void Transaction::RespondError(wire::Rcode rcode) {
  std::array<std::uint8_t, wire::kHeaderSize + 4 + wire::kMaxNameLength + 11> buffer;
  std::size_t length = wire::BuildErrorResponse(query_, view_, rcode, buffer);
  Respond({buffer.data(), length});
}

}  // namespace dnsd::pipeline
