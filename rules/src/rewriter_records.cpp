#include "rewriter_records.hpp"

#include "dnsd/wire/message.hpp"
#include "dnsd/wire/name.hpp"
#include "dnsd/wire/rr_types.hpp"

namespace dnsd::rules::detail {
namespace {

// Whether the first name in a type's RDATA is the one `answer value` / `answer auto` map
// (CoreDNS's getRecordValueForRewrite, plus PTR). The other names (SOA RNAME, a mailbox; MINFO,
// RP, ...) are never mapped.
bool FirstNameIsValue(std::uint16_t type) {
  switch (type) {
    case wire::type::kNS: case wire::type::kCNAME: case wire::type::kPTR: case wire::type::kSOA:
    case wire::type::kMX: case wire::type::kSRV: case wire::type::kNAPTR: case wire::type::kDNAME:
      return true;
    default:
      return false;
  }
}

enum class NameRole : std::uint8_t { kOwner, kTarget, kOther };

// Writes `name` (uncompressed wire), mapped when the plan says so. Names in RDATA that are not the
// type's target (SOA RNAME, MINFO, RP, ...) are never mapped.
CopyStatus PutName(const wire::Name& name, NameRole role, bool compress,
                   const RecordMapping& mapping, MessageWriter& w) {
  const bool value = role == NameRole::kTarget;
  if (mapping.names != nullptr && role != NameRole::kOther) {
    std::uint8_t mapped[wire::kMaxNameLength];
    std::size_t length = 0;
    switch (mapping.names->Map(name.Wire(), value, mapping.client_qname, mapped, &length)) {
      case NamePlan::Result::kUnchanged:
        break;
      case NamePlan::Result::kMapped:
        w.Name(std::span<const std::uint8_t>(mapped, length), compress);
        return CopyStatus::kOk;
      case NamePlan::Result::kError:
        return CopyStatus::kUnmappable;
    }
  }
  w.Name(name.Wire(), compress);
  return CopyStatus::kOk;
}

CopyStatus CopyRdata(std::span<const std::uint8_t> message, const wire::Record& record,
                     const wire::RdataNames& layout, const RecordMapping& mapping, MessageWriter& w) {
  const std::size_t rdata = record.rdata_offset(), rdata_end = record.end();
  std::size_t pos = 0;
  if (wire::SkipRdataPrefix(message, rdata, rdata_end, layout, &pos) != wire::WireError::kOk) {
    return CopyStatus::kMalformed;
  }
  w.Bytes(message.subspan(rdata, pos - rdata));
  const bool value = FirstNameIsValue(record.type);
  for (int i = 0; i < layout.count; ++i) {
    wire::Name name;
    std::size_t next = 0;
    if (wire::Name::Parse(message, pos, name, &next) != wire::WireError::kOk || next > rdata_end) {
      return CopyStatus::kMalformed;
    }
    const NameRole role = i == 0 && value ? NameRole::kTarget : NameRole::kOther;
    const CopyStatus status = PutName(name, role, layout.compressible, mapping, w);
    if (status != CopyStatus::kOk) return status;
    pos = next;
  }
  if (rdata_end - pos != layout.tail) return CopyStatus::kMalformed;
  w.Bytes(message.subspan(pos, layout.tail));
  return CopyStatus::kOk;
}

}  // namespace

std::uint32_t ClampTtl(std::uint32_t ttl, std::span<const TtlClamp> clamps) {
  for (const TtlClamp& clamp : clamps) {
    if (ttl < clamp.min) {
      ttl = clamp.min;
    } else if (ttl > clamp.max) {
      ttl = clamp.max;
    }
  }
  return ttl;
}

CopyStatus CopyRecord(std::span<const std::uint8_t> message, const wire::Record& record,
                      const wire::Name& owner, const RecordMapping& mapping, MessageWriter& w) {
  CopyStatus status = PutName(owner, NameRole::kOwner, true, mapping, w);
  if (status != CopyStatus::kOk) return status;
  w.U16(record.type);
  w.U16(record.klass);
  w.U32(ClampTtl(record.ttl, mapping.ttl));
  const std::size_t rdlength_at = w.size();
  w.U16(0);
  const wire::RdataNames& layout = wire::RdataNamesOf(record.type);
  if (layout.count > 0) {
    status = CopyRdata(message, record, layout, mapping, w);
    if (status != CopyStatus::kOk) return status;
  } else {
    w.Bytes(record.rdata(message));
  }
  if (!w.ok()) return CopyStatus::kOk;  // out of room: reported through the writer
  const std::size_t written = w.size() - rdlength_at - 2;
  if (written > 0xFFFF) {
    w.Fail();
    return CopyStatus::kOk;  // reported through the writer: the output is too large
  }
  w.PatchU16(rdlength_at, static_cast<std::uint16_t>(written));
  return CopyStatus::kOk;
}

}  // namespace dnsd::rules::detail
