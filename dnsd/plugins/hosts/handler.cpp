#include "dnsd/plugins/hosts/handler.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "dnsd/metrics/responder.hpp"
#include "dnsd/wire/builder.hpp"
#include "dnsd/wire/octets.hpp"

namespace dnsd::plugins::hosts {
namespace {

constexpr std::size_t kOptSize = 11;  // the OPT record BuildErrorResponse writes last
constexpr std::uint8_t kAaBit = 0x04;  // in the first flags octet

}  // namespace

bool ZoneList::Contains(const wire::Name& name) const {
  return std::any_of(zones.begin(), zones.end(), [&](const wire::Name& zone) { return name.IsSubdomainOf(zone); });
}

HostsHandler::HostsHandler(std::shared_ptr<const PublishedAnswers> published,
                           std::shared_ptr<const HandlerConfig> config)
    : published_(std::move(published)), config_(std::move(config)), response_(65535) {
  current_ = published_->Get(&generation_);
}

void HostsHandler::Serve(pipeline::Transaction& tx) {
  const wire::MessageView& view = tx.View();
  const bool ptr = view.qtype == wire::type::kPTR;
  // PTR names need not be in the zones: the reverse tree is answered wherever the addresses are.
  if (!ptr && !config_->zones.Contains(view.qname)) return Next(tx);
  if (published_->generation() != generation_) current_ = published_->Get(&generation_);

  wire::Name key = view.qname;
  key.ToLower();
  const NameAnswers* found = current_->Find(key.Wire());
  if (ptr) {
    if (!found || found->ptr.count == 0) return Next(tx);  // whatever fallthrough says
    return Answer(tx, &found->ptr);
  }
  const RecordSet* records = nullptr;
  if (found && view.qtype == wire::type::kA) records = &found->a;
  if (found && view.qtype == wire::type::kAAAA) records = &found->aaaa;
  if (records && records->count > 0) return Answer(tx, records);
  if (found && found->HasAddresses()) return Answer(tx, nullptr);  // NODATA
  if (config_->fallthrough.Contains(view.qname)) return Next(tx);
  metrics::NoteResponder(metrics::Responder::kServer);  // CoreDNS: the server writes the SERVFAIL
  tx.RespondError(wire::Rcode::kServFail);
}

// NOERROR, authoritative, the question as asked, then `records` (none: NODATA), then the OPT the
// query asked for.
void HostsHandler::Answer(pipeline::Transaction& tx, const RecordSet* records) {
  std::span<std::uint8_t> out(response_);
  std::size_t length = wire::BuildErrorResponse(tx.Query(), tx.View(), wire::Rcode::kNoError, out);
  if (length == 0) return tx.RespondError(wire::Rcode::kServFail);  // cannot happen: 64 KiB of room
  out[2] |= kAaBit;
  if (records && records->count > 0) {
    auto rrs = records->bytes();
    const bool edns = tx.View().edns.has_value();
    const std::size_t at = edns ? length - kOptSize : length;
    if (length + rrs.size() > out.size()) return tx.RespondError(wire::Rcode::kServFail);
    std::array<std::uint8_t, kOptSize> opt{};
    if (edns) std::memcpy(opt.data(), out.data() + at, kOptSize);
    std::memcpy(out.data() + at, rrs.data(), rrs.size());
    if (edns) std::memcpy(out.data() + at + rrs.size(), opt.data(), kOptSize);
    length += rrs.size();
    wire::Write16(out.data() + 6, records->count);  // ANCOUNT
  }
  metrics::NoteResponder(metrics::Responder::kHosts);
  tx.Respond(out.first(length));
}

}  // namespace dnsd::plugins::hosts
