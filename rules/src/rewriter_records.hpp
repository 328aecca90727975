// Internal: copying one resource record from a received message into a MessageWriter, with every
// name decompressed (the output's offsets differ from the input's, so no pointer may be copied),
// owner names and RDATA targets optionally mapped, and the TTL optionally clamped.
//
// RDATA of the types whose names may be compressed (RFC 3597 section 4, plus the later types
// implementations are known to compress) is decoded by its layout in dnsd/wire/rr_types.cpp;
// every other type, unknown ones included, is copied verbatim, which RFC 3597 makes safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "dnsd/wire/name.hpp"
#include "dnsd/wire/record_cursor.hpp"
#include "reverter_names.hpp"
#include "rewriter_writer.hpp"

namespace dnsd::rules::detail {

// The TTL rules that apply, in application order (each clamps into [min, max]).
struct TtlClamp {
  std::uint32_t min = 0, max = 0;
};

// `ttl` after every clamp, in order (CoreDNS ttlResponseRule).
std::uint32_t ClampTtl(std::uint32_t ttl, std::span<const TtlClamp> clamps);

struct RecordMapping {
  const NamePlan* names = nullptr;                 // null: names are copied as they are
  std::span<const std::uint8_t> client_qname;      // wire, client's case (see NamePlan::Map)
  std::span<const TtlClamp> ttl;                   // empty: TTLs unchanged
};

enum class CopyStatus : std::uint8_t {
  kOk,
  kMalformed,  // a bad name in RDATA, RDATA that does not fit its type
  kUnmappable  // a mapped name is not a legal domain name
};

// Copies `record` of `message` (read by a RecordCursor, its owner decoded into `owner`). OPT
// records are the caller's: they are rebuilt, not copied.
CopyStatus CopyRecord(std::span<const std::uint8_t> message, const wire::Record& record,
                      const wire::Name& owner, const RecordMapping& mapping, MessageWriter& w);

}  // namespace dnsd::rules::detail
