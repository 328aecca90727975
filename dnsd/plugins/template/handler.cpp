#include "dnsd/plugins/template/handler.hpp"

#include <arpa/inet.h>

#include "dnsd/metrics/responder.hpp"
#include "dnsd/plugins/template/names.hpp"
#include "dnsd/plugins/template/rr_text.hpp"
#include "dnsd/wire/answer_builder.hpp"

namespace dnsd::plugins::tmpl {
namespace {

constexpr std::size_t kMaxAnswer = 65535;

// CoreDNS's state.IP(): the client's address without brackets or zone, IPv4 for mapped clients
// too (Go's net.IP.String()); written without a temporary string.
void RemoteText(const boost::asio::ip::address& address, std::string& out) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.is_v4() || (address.is_v6() && address.to_v6().is_v4_mapped())) {
    const auto v4 = address.is_v4() ? address.to_v4()
                                    : boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
    const auto bytes = v4.to_bytes();
    inet_ntop(AF_INET, bytes.data(), text, sizeof text);
  } else {
    const auto bytes = address.to_v6().to_bytes();
    inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
  }
  out.assign(text);
}

}  // namespace

TemplateHandler::TemplateHandler(std::shared_ptr<const Template> t, unsigned worker)
    : t_(std::move(t)), groups_(t_->max_groups + 1), match_(t_->max_groups + 1), buffer_(kMaxAnswer),
      counters_(&t_->zone_texts, worker) {
  name_.reserve(1024);
  remote_.reserve(64);
  rendered_.reserve(1024);
}

int TemplateHandler::ZoneOf(const wire::Name& qname) const {
  int best = -1;
  for (std::size_t i = 0; i < t_->zones.size(); ++i) {
    if (!qname.IsSubdomainOf(t_->zones[i])) continue;
    if (best < 0 || t_->zones[i].WireLength() > t_->zones[best].WireLength()) best = static_cast<int>(i);
  }
  return best;
}

bool TemplateHandler::FallsThrough(const wire::Name& qname) const {
  for (const wire::Name& zone : t_->fallthrough) {
    if (qname.IsSubdomainOf(zone)) return true;
  }
  return false;
}

void TemplateHandler::Serve(pipeline::Transaction& tx) {
  const wire::MessageView& view = tx.View();
  const int zone = ZoneOf(view.qname);
  const Template& t = *t_;
  const bool class_matches = t.qclass == wire::klass::kANY || view.qclass == wire::klass::kANY ||
                             view.qclass == t.qclass;
  const bool type_matches = t.qtype == wire::type::kANY || view.qtype == wire::type::kANY ||
                            view.qtype == t.qtype;
  if (zone < 0 || !class_matches || !type_matches) {
    Next(tx);
    return;
  }
  wire::Name lower = view.qname;
  lower.ToLower();
  name_.clear();
  lower.AppendTo(name_);
  for (const Pattern& pattern : t.patterns) {
    const int groups = pattern.regex->NumberOfCapturingGroups() + 1;
    // Go's MatchString / FindStringSubmatch: the leftmost match anywhere in the name.
    if (!pattern.regex->Match(name_, 0, name_.size(), RE2::UNANCHORED, groups_.data(), groups)) continue;
    for (int i = 0; i < groups; ++i) match_[i] = std::string_view(groups_[i].data(), groups_[i].size());
    RemoteText(tx.ClientAddress(), remote_);
    QueryData data;
    data.name = name_;
    data.zone = t.zone_texts[static_cast<std::size_t>(zone)];
    // CoreDNS names the query's class and type, or the template's when the query asks for ANY.
    const std::uint16_t klass = view.qclass != wire::klass::kANY ? view.qclass : t.qclass;
    const std::uint16_t type = view.qtype != wire::type::kANY ? view.qtype : t.qtype;
    data.klass = ClassName(klass);
    data.type = TypeName(type);
    data.regex = pattern.regex->pattern();
    data.remote = remote_;
    data.match = {match_.data(), static_cast<std::size_t>(groups)};
    data.group_names = &pattern.group_names;
    TemplateCounters::Labels labels{Count::kMatch, tx.ServerPort(), static_cast<std::uint16_t>(zone), klass, type};
    counters_.Add(labels);
    Answer(tx, data, labels);
    return;
  }
  if (FallsThrough(view.qname)) Next(tx);
  else tx.RespondError(wire::Rcode::kServFail);
}

void TemplateHandler::Answer(pipeline::Transaction& tx, const QueryData& data,
                             TemplateCounters::Labels labels) {
  const Template& t = *t_;
  if (t.rcode == static_cast<std::uint8_t>(wire::Rcode::kServFail)) {
    tx.RespondError(wire::Rcode::kServFail);  // CoreDNS returns the rcode unwritten
    return;
  }
  wire::AnswerBuilder answer(tx.Query(), tx.View(), buffer_, t.rcode, true);
  const std::pair<wire::Section, const std::vector<GoTemplate>*> sections[] = {
      {wire::Section::kAnswer, &t.answer},
      {wire::Section::kAuthority, &t.authority},
      {wire::Section::kAdditional, &t.additional}};
  for (const auto& [section, templates] : sections) {
    for (const GoTemplate& rr : *templates) {
      rendered_.clear();
      const bool rendered = rr.Render(data, rendered_);
      if (!rendered || !WriteRecord(rendered_, section, answer)) {
        labels.count = rendered ? Count::kRrFailure : Count::kTemplateFailure;
        labels.section = section;
        labels.source = &rr.source();
        counters_.Add(labels);
        tx.RespondError(wire::Rcode::kServFail);
        return;
      }
    }
  }
  if (t.ederror) answer.SetExtendedError(t.ederror->code, t.ederror->reason);
  const std::size_t length = answer.Finish();
  if (length == 0) {
    tx.RespondError(wire::Rcode::kServFail);
    return;
  }
  metrics::NoteResponder(metrics::Responder::kTemplate);
  tx.Respond({buffer_.data(), length});
}

}  // namespace dnsd::plugins::tmpl
