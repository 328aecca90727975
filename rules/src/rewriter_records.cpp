#include "rewriter_records.hpp"

#include "dnsd/wire/message.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::rules::detail {
namespace {

// Where the names sit in a type's RDATA: `prefix` fixed octets, then `names` domain names, then
// exactly `tail` octets. `target` is the index of the name `answer value` / `answer auto` map
// (CoreDNS's getRecordValueForRewrite, plus PTR), -1 for none. `compress`: RFC 1035 types, whose
// names may be compressed in our output too (RFC 3597 section 4).
struct RdataLayout {
  std::uint8_t prefix = 0;
  std::uint8_t names = 0;
  std::int8_t target = -1;
  std::uint8_t tail = 0;
  bool compress = false;
  bool naptr = false;  // prefix is ORDER, PREFERENCE and three <character-string>s
};

bool LayoutFor(std::uint16_t type, RdataLayout& layout) {
  switch (type) {
    case 2:  // NS
    case 5:  // CNAME
    case 12:  // PTR
      layout = {0, 1, 0, 0, true, false};
      return true;
    case 3: case 4: case 7: case 8: case 9:  // MD MF MB MG MR
      layout = {0, 1, -1, 0, true, false};
      return true;
    case 6:  // SOA: MNAME is mapped, RNAME (a mailbox) is not
      layout = {0, 2, 0, 20, true, false};
      return true;
    case 14:  // MINFO
      layout = {0, 2, -1, 0, true, false};
      return true;
    case 15:  // MX
      layout = {2, 1, 0, 0, true, false};
      return true;
    case 17:  // RP
      layout = {0, 2, -1, 0, false, false};
      return true;
    case 18: case 21: case 36:  // AFSDB RT KX
      layout = {2, 1, -1, 0, false, false};
      return true;
    case 26:  // PX
      layout = {2, 2, -1, 0, false, false};
      return true;
    case 33:  // SRV
      layout = {6, 1, 0, 0, false, false};
      return true;
    case 35:  // NAPTR
      layout = {4, 1, 0, 0, false, true};
      return true;
    case 39:  // DNAME
      layout = {0, 1, 0, 0, false, false};
      return true;
    default:
      return false;
  }
}

std::uint16_t Read16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t Read32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(Read16(p)) << 16 | Read16(p + 2);
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

CopyStatus CopyRdata(std::span<const std::uint8_t> message, std::size_t rdata, std::size_t rdata_end,
                     const RdataLayout& layout, const RecordMapping& mapping, MessageWriter& w) {
  std::size_t pos = rdata + layout.prefix;
  if (pos > rdata_end) return CopyStatus::kMalformed;
  if (layout.naptr) {  // FLAGS, SERVICES, REGEXP
    for (int i = 0; i < 3; ++i) {
      if (pos >= rdata_end) return CopyStatus::kMalformed;
      pos += 1u + message[pos];
      if (pos > rdata_end) return CopyStatus::kMalformed;
    }
  }
  w.Bytes(message.subspan(rdata, pos - rdata));
  for (int i = 0; i < layout.names; ++i) {
    wire::Name name;
    std::size_t next = 0;
    if (wire::Name::Parse(message, pos, name, &next) != wire::WireError::kOk || next > rdata_end) {
      return CopyStatus::kMalformed;
    }
    const CopyStatus status = PutName(name, i == layout.target ? NameRole::kTarget : NameRole::kOther,
                                      layout.compress, mapping, w);
    if (status != CopyStatus::kOk) return status;
    pos = next;
  }
  if (rdata_end - pos != layout.tail) return CopyStatus::kMalformed;
  w.Bytes(message.subspan(pos, layout.tail));
  return CopyStatus::kOk;
}

}  // namespace

CopyStatus CopyRecord(std::span<const std::uint8_t> message, std::size_t offset,
                      const RecordMapping& mapping, MessageWriter& w, std::size_t* end) {
  wire::Name owner;
  std::size_t pos = 0;
  if (wire::Name::Parse(message, offset, owner, &pos) != wire::WireError::kOk) {
    return CopyStatus::kMalformed;
  }
  if (message.size() - pos < 10) return CopyStatus::kMalformed;
  const std::uint8_t* head = message.data() + pos;
  const std::uint16_t type = Read16(head);
  const std::uint16_t rdlength = Read16(head + 8);
  const std::size_t rdata = pos + 10;
  if (message.size() - rdata < rdlength) return CopyStatus::kMalformed;
  const std::size_t rdata_end = rdata + rdlength;
  *end = rdata_end;
  if (type == wire::type::kOPT) return CopyStatus::kOpt;

  CopyStatus status = PutName(owner, NameRole::kOwner, true, mapping, w);
  if (status != CopyStatus::kOk) return status;
  std::uint32_t ttl = Read32(head + 4);
  for (const TtlClamp& clamp : mapping.ttl) {  // CoreDNS ttlResponseRule, in rule order
    if (ttl < clamp.min) {
      ttl = clamp.min;
    } else if (ttl > clamp.max) {
      ttl = clamp.max;
    }
  }
  w.Bytes(std::span<const std::uint8_t>(head, 4));  // TYPE, CLASS
  w.U32(ttl);
  const std::size_t rdlength_at = w.size();
  w.U16(0);
  RdataLayout layout;
  if (LayoutFor(type, layout)) {
    status = CopyRdata(message, rdata, rdata_end, layout, mapping, w);
    if (status != CopyStatus::kOk) return status;
  } else {
    w.Bytes(message.subspan(rdata, rdlength));
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
