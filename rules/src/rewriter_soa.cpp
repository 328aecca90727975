#include "rewriter_soa.hpp"

#include "dnsd/wire/message.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::rules::detail {

bool PutSoa(MessageWriter& w, const SoaParams& soa, std::uint32_t ttl, std::uint32_t minimum) {
  // Parsed per use: three short names, into fixed-size wire::Names (no allocation), and the
  // SoaParams stay plain text for the tool and the report.
  wire::Name zone, mname, rname;
  if (wire::Name::FromString(soa.zone, zone) != wire::WireError::kOk ||
      wire::Name::FromString(soa.mname, mname) != wire::WireError::kOk ||
      wire::Name::FromString(soa.rname, rname) != wire::WireError::kOk) {
    w.Fail();
    return false;
  }
  w.Name(zone.Wire(), true);
  w.U16(wire::type::kSOA);
  w.U16(wire::klass::kIN);
  w.U32(ttl);
  const std::size_t rdlength_at = w.size();
  w.U16(0);
  w.Name(mname.Wire(), true);
  w.Name(rname.Wire(), true);
  w.U32(soa.serial);
  w.U32(soa.refresh);
  w.U32(soa.retry);
  w.U32(soa.expire);
  w.U32(minimum);
  w.PatchU16(rdlength_at, static_cast<std::uint16_t>(w.size() - rdlength_at - 2));
  return w.ok();
}

}  // namespace dnsd::rules::detail
