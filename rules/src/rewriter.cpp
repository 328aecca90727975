// The upstream query and the reverted response, written by hand into the caller's buffer (see
// rewriter_writer.hpp for why not ldns). Both decode every record and write it again: names are
// decompressed on the way in, and the output compresses only towards the question name (the
// pointer target nearly every answer uses).
#include "rules/rewriter.hpp"

#include <algorithm>
#include <optional>
#include <variant>

#include "dnsd/wire/message.hpp"
#include "dnsd/wire/name.hpp"
#include "dnsd/wire/octets.hpp"
#include "dnsd/wire/record_cursor.hpp"
#include "reverter_names.hpp"
#include "rewriter_edns.hpp"
#include "rewriter_records.hpp"
#include "rewriter_soa.hpp"
#include "rewriter_writer.hpp"

namespace dnsd::rules {
namespace {

using detail::CopyStatus;
using detail::MessageWriter;

// Writes the question and remembers it as the compression target.
void PutQuestion(MessageWriter& w, std::span<const std::uint8_t> qname, std::uint16_t qtype,
                 std::uint16_t qclass) {
  w.SetCompressionTarget(w.size(), qname);
  w.Bytes(qname);
  w.U16(qtype);
  w.U16(qclass);
}

// The OPT record's fields this code rewrites.
struct OptRecord {
  std::uint16_t udp_size = 0;
  std::uint32_t ttl = 0;  // extended RCODE, VERSION, flags
  std::span<const std::uint8_t> rdata;
};

bool ReadOpt(std::span<const std::uint8_t> m, const wire::Record& record, OptRecord& opt) {
  if (m[record.offset] != 0) return false;  // owner must be the root
  opt.udp_size = record.klass;
  opt.ttl = record.ttl;
  opt.rdata = record.rdata(m);
  return true;
}

void PutOpt(MessageWriter& w, std::uint16_t udp_size, std::uint32_t ttl,
            const detail::OptionList& options) {
  w.U8(0);
  w.U16(wire::type::kOPT);
  w.U16(udp_size);
  w.U32(ttl);
  const std::size_t length = options.WireLength();
  if (length > 0xFFFF) {
    w.Fail();
    return;
  }
  w.U16(static_cast<std::uint16_t>(length));
  options.Write(w);
}

}  // namespace

std::size_t BuildUpstreamQuery(std::span<const Rule> rules, const Outcome& outcome,
                               std::span<const std::uint8_t> query, const RequestContext& context,
                               std::span<std::uint8_t> out) {
  if (outcome.status == Outcome::Status::kBadName || outcome.status == Outcome::Status::kTooManyRules) {
    return 0;
  }
  wire::MessageView view;
  if (wire::ParseMessage(query, view) != wire::WireError::kOk) return 0;

  // The question as the rules left it; without a match, the client's, lower-cased as CoreDNS
  // matches (and sends) it.
  wire::Name qname = view.qname;
  std::uint16_t qtype = view.qtype, qclass = view.qclass;
  if (outcome.question.name.size() > 0) {
    if (wire::Name::FromString(outcome.question.name.view(), qname) != wire::WireError::kOk) return 0;
    qtype = outcome.question.qtype;
    qclass = outcome.question.qclass;
  }
  qname.ToLower();

  // EDNS0 rules edit the query's options (or a new OPT's: 4096 octets, no DO, as CoreDNS's
  // setupEdns0Opt).
  detail::OptionList options;
  detail::EdnsScratch scratch;
  OptRecord opt{4096, 0, {}};
  if (view.edns) {
    wire::Record record;
    if (wire::ReadRecord(query, view.edns->record_offset, record) != wire::WireError::kOk ||
        !ReadOpt(query, record, opt) || !options.Parse(opt.rdata)) {
      return 0;
    }
  }
  bool edns_rules = false;
  for (std::size_t i = 0; i < outcome.applied_count && i < kMaxAppliedRules; ++i) {
    if (outcome.applied[i] >= rules.size()) return 0;
    if (const auto* rule = std::get_if<Edns0Rule>(&rules[outcome.applied[i]].body)) {
      edns_rules = true;
      if (!detail::ApplyEdns0Rule(*rule, context, outcome.question, options, scratch)) return 0;
    }
  }

  MessageWriter w(out);
  const wire::Header& h = view.header;
  w.U16(h.id);
  w.U16(h.flags);
  w.U16(1);
  w.U16(h.ancount);
  w.U16(h.nscount);
  w.U16(h.arcount);
  PutQuestion(w, qname.Wire(), qtype, qclass);

  const detail::RecordMapping copy_as_is;
  wire::RecordCursor records(query, view);
  wire::Name owner;
  while (records.Next(&owner)) {
    const wire::Record& record = records.record();
    if (record.type == wire::type::kOPT) {
      if (record.section != wire::Section::kAdditional) return 0;
      PutOpt(w, opt.udp_size, opt.ttl, options);
    } else if (detail::CopyRecord(query, record, owner, copy_as_is, w) != CopyStatus::kOk) {
      return 0;
    }
  }
  if (records.error() != wire::WireError::kOk) return 0;
  if (!view.edns && edns_rules) {
    PutOpt(w, opt.udp_size, opt.ttl, options);
    w.PatchU16(10, static_cast<std::uint16_t>(h.arcount + 1));
  }
  return w.ok() ? w.size() : 0;
}

Reverter::Reverter(std::span<const Rule> rules, const Outcome& outcome,
                   std::span<const std::uint8_t> client_query)
    : rules_(rules), outcome_(outcome) {
  wire::MessageView view;
  if (wire::ParseMessage(client_query, view) != wire::WireError::kOk) return;  // Revert fails
  const auto name = view.qname.Wire();
  std::copy(name.begin(), name.end(), client_qname_.begin());
  client_qname_length_ = static_cast<std::uint8_t>(name.size());
  client_id_ = view.header.id;
  client_qtype_ = view.qtype;
  client_qclass_ = view.qclass;
  client_had_edns_ = view.edns.has_value();
}

std::size_t Reverter::Revert(std::span<const std::uint8_t> upstream_response,
                             std::span<std::uint8_t> out) const {
  if (client_qname_length_ == 0) return 0;
  const std::span<const std::uint8_t> client_qname(client_qname_.data(), client_qname_length_);
  wire::MessageView view;
  if (wire::ParseHead(upstream_response, view) != wire::WireError::kOk) return 0;

  // What the applied rules ask of the response, in application order.
  std::array<detail::TtlClamp, kMaxAppliedRules> ttl{};
  std::size_t ttl_count = 0;
  std::array<std::uint16_t, kMaxAppliedRules> reverted_options{};
  std::size_t reverted_count = 0;
  std::uint16_t rcode = view.header.rcode();  // extended with the OPT's upper bits below
  std::array<const RcodeRule*, kMaxAppliedRules> rcode_rules{};
  std::size_t rcode_count = 0;
  bool has_name_rules = false;
  const SoaParams* soa = nullptr;  // of the last applied name rule that has one
  for (std::size_t i = 0; i < outcome_.applied_count && i < kMaxAppliedRules; ++i) {
    if (outcome_.applied[i] >= rules_.size()) return 0;
    const Rule& rule = rules_[outcome_.applied[i]];
    const RuleBody& body = rule.body;
    if (const auto* t = std::get_if<TtlRule>(&body)) {
      ttl[ttl_count++] = {t->min, t->max};
    } else if (const auto* r = std::get_if<RcodeRule>(&body)) {
      rcode_rules[rcode_count++] = r;
    } else if (const auto* e = std::get_if<Edns0Rule>(&body)) {
      if (const std::uint16_t code = detail::RevertedOptionCode(*e)) {
        reverted_options[reverted_count++] = code;
      }
    } else if (std::holds_alternative<NameRule>(body)) {
      has_name_rules = true;
      if (rule.soa != nullptr) soa = rule.soa.get();
    }
  }
  // A negative answer (NXDOMAIN, or NOERROR without answers; extended RCODEs excluded) for a name
  // a preset rule rewrote: the client gets the legacy zone's SOA in place of the upstream's, so the
  // negative answer is cached under the zone the client asked about (RFC 2308 section 3).
  bool negative = false;
  if (soa != nullptr && (view.header.rcode() == 3 || (view.header.rcode() == 0 && view.header.ancount == 0))) {
    wire::MessageView full;  // the OPT's upper RCODE bits: one more pass, for these answers only
    negative = wire::ParseMessage(upstream_response, full) == wire::WireError::kOk &&
               (!full.edns || full.edns->extended_rcode == 0);
  }
  bool soa_written = false;
  std::optional<detail::NamePlan> names;  // a few KB: only set up when there is something to map
  char client_text[detail::kNameTextCapacity];  // `names` refers to it
  if (has_name_rules) {
    const std::size_t n = detail::WireToLowerText(client_qname, client_text, sizeof client_text);
    if (n == 0 || !names.emplace().Build(rules_, outcome_, std::string_view(client_text, n))) return 0;
  }
  const detail::RecordMapping mapping{names ? &*names : nullptr, client_qname,
                                      std::span(ttl.data(), ttl_count)};

  MessageWriter w(out);
  const wire::Header& h = view.header;
  w.U16(client_id_);
  w.U16(h.flags);  // patched below for the RCODE
  w.U16(1);
  w.U16(0);  // ANCOUNT, NSCOUNT, ARCOUNT patched below
  w.U16(0);
  w.U16(0);
  PutQuestion(w, client_qname, client_qtype_, client_qclass_);

  std::array<std::uint16_t, 3> written{};
  bool seen_opt = false;
  OptRecord opt;
  wire::RecordCursor records(upstream_response, view);
  wire::Name owner;
  const auto put_soa = [&](std::uint32_t upstream_ttl, std::uint32_t upstream_minimum) {
    soa_written = true;
    ++written[1];
    return detail::PutSoa(w, *soa, detail::ClampTtl(std::min(soa->ttl, upstream_ttl), mapping.ttl),
                          std::min(soa->minimum, upstream_minimum));
  };
  while (records.Next(&owner)) {
    const wire::Record& record = records.record();
    if (negative && !soa_written && record.section == wire::Section::kAdditional) {
      if (!put_soa(soa->ttl, soa->minimum)) return 0;  // the upstream sent no SOA: ours alone
    }
    if (negative && record.section == wire::Section::kAuthority && record.type == wire::type::kSOA) {
      // The first SOA is replaced; a second one (never in a well-formed negative answer) is dropped.
      if (soa_written) continue;
      if (record.rdata_length < 22) return 0;  // two names and five 32-bit fields at least
      const std::uint32_t minimum = wire::Read32(upstream_response.data() + record.end() - 4);
      if (!put_soa(record.ttl, minimum)) return 0;
    } else if (record.type == wire::type::kOPT) {
      if (record.section != wire::Section::kAdditional || seen_opt ||
          !ReadOpt(upstream_response, record, opt)) {
        return 0;
      }
      seen_opt = true;
    } else if (detail::CopyRecord(upstream_response, record, owner, mapping, w) == CopyStatus::kOk) {
      ++written[static_cast<std::size_t>(record.section)];
    } else {
      return 0;
    }
  }
  if (records.error() != wire::WireError::kOk) return 0;
  if (negative && !soa_written && !put_soa(soa->ttl, soa->minimum)) return 0;
  if (seen_opt) rcode = static_cast<std::uint16_t>(rcode | (opt.ttl >> 24) << 4);
  for (std::size_t i = 0; i < rcode_count; ++i) {  // CoreDNS rcodeResponseRule, in rule order
    if (rcode == rcode_rules[i]->from) rcode = rcode_rules[i]->to;
  }

  // The OPT goes back only to a client that sent one (RFC 6891 7): when a rule added it for the
  // upstream, the client never asked for EDNS.
  if (seen_opt && client_had_edns_) {
    detail::OptionList options;
    if (!options.Parse(opt.rdata)) return 0;
    for (std::size_t i = 0; i < reverted_count; ++i) options.RemoveAll(reverted_options[i]);
    const std::uint32_t ttl_field = (opt.ttl & 0x00FFFFFFu) | static_cast<std::uint32_t>(rcode >> 4) << 24;
    // Written last, after the other additional records (their order carries no meaning).
    PutOpt(w, opt.udp_size, ttl_field, options);
    ++written[2];
  } else if (rcode > 0xF) {
    return 0;  // an extended RCODE needs an OPT the client cannot get
  }
  w.PatchU16(2, static_cast<std::uint16_t>((h.flags & 0xFFF0) | (rcode & 0xF)));
  w.PatchU16(6, written[0]);
  w.PatchU16(8, written[1]);
  w.PatchU16(10, written[2]);
  return w.ok() ? w.size() : 0;
}

}  // namespace dnsd::rules
