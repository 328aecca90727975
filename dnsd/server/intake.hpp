// The first look at a received query: drop it, reject it with a header-only error, or serve it.
// Mirrors miekg/dns's default accept function (what CoreDNS runs) so clients see the same answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "dnsd/wire/message.hpp"

namespace dnsd::server {

enum class IntakeVerdict : std::uint8_t {
  kServe,   // `view` is filled; hand the query to the plugin chain
  kReject,  // answer with a header-only response carrying `rcode`
  kDrop,    // no answer at all: too short to answer, or a response (avoids reflection loops)
};

struct Intake {
  IntakeVerdict verdict;
  wire::Rcode rcode = wire::Rcode::kNoError;
};

Intake ExamineQuery(std::span<const std::uint8_t> packet, wire::MessageView& view);

// Buffer size enough for any response `RespondToIntake`/error helpers produce.
inline constexpr std::size_t kErrorResponseCapacity = wire::kHeaderSize + 4 + wire::kMaxNameLength + 11;

}  // namespace dnsd::server
