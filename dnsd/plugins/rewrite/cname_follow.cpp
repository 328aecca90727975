#include "dnsd/plugins/rewrite/cname_follow.hpp"

// <stdbool.h> first: without it ldns/common.h #defines bool/true/false.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#include <ldns/ldns.h>

#include <cctype>
#include <string>

#include "rules/rule_set.hpp"

namespace dnsd::plugins::rewrite {
namespace {

std::string LowerText(const ldns_rdf* rdf) {
  char* text = ldns_rdf2str(rdf);
  std::string out = text ? text : "";
  LDNS_FREE(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The CNAME target after the first cname rule that matches it (CoreDNS semantics, which are the
// name rule's string operations on the target), or "" when none does.
std::string NewTarget(std::span<const rules::CnameRule* const> cname_rules, const std::string& target) {
  for (const rules::CnameRule* cname : cname_rules) {
    rules::Rule rule;
    rule.body = rules::NameRule{cname->match, cname->to, {}};
    rules::Question q;
    if (!q.name.Assign(target)) return "";
    rules::Outcome::Status status = rules::Outcome::Status::kRewritten;
    if (!rules::ApplyRule(rule, q, status)) continue;
    if (status == rules::Outcome::Status::kBadName) return "";
    return std::string(q.name.view());
  }
  return "";
}

}  // namespace

CnameFollowUp::~CnameFollowUp() { Reset(); }

void CnameFollowUp::Reset() {
  if (first_) ldns_pkt_free(first_);
  first_ = nullptr;
  done_ = nullptr;
}

bool CnameFollowUp::Prepare(const pipeline::Transaction& parent,
                            std::span<const rules::CnameRule* const> cname_rules,
                            std::span<const std::uint8_t> response) {
  Reset();
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, response.data(), response.size()) != LDNS_STATUS_OK) return false;
  ldns_rr_list* answer = ldns_pkt_answer(pkt);
  std::string to;
  std::size_t at = 0;
  for (; at < ldns_rr_list_rr_count(answer); ++at) {
    ldns_rr* rr = ldns_rr_list_rr(answer, at);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_CNAME || ldns_rr_rd_count(rr) != 1) continue;
    to = NewTarget(cname_rules, LowerText(ldns_rr_rdf(rr, 0)));
    if (!to.empty()) break;
  }
  ldns_rdf* target = to.empty() ? nullptr : ldns_dname_new_frm_str(to.c_str());
  if (target == nullptr) {
    ldns_pkt_free(pkt);
    return false;
  }
  // Keep the chain up to the rewritten CNAME; its answer comes from the follow-up.
  ldns_rr* cname = ldns_rr_list_rr(answer, at);
  ldns_rdf_deep_free(ldns_rr_set_rdf(cname, target, 0));
  while (ldns_rr_list_rr_count(answer) > at + 1) ldns_rr_free(ldns_rr_list_pop_rr(answer));
  ldns_pkt_set_ancount(pkt, static_cast<std::uint16_t>(at + 1));
  first_ = pkt;
  original_.assign(response.begin(), response.end());

  const wire::MessageView& view = parent.View();
  ldns_pkt* query = ldns_pkt_query_new(ldns_dname_new_frm_str(to.c_str()), static_cast<ldns_rr_type>(view.qtype),
                                       static_cast<ldns_rr_class>(view.qclass), view.header.rd() ? LDNS_RD : 0);
  ldns_pkt_set_id(query, view.header.id);
  ldns_pkt_set_cd(query, view.header.cd());
  if (view.edns) {
    ldns_pkt_set_edns_udp_size(query, view.edns->udp_size);
    ldns_pkt_set_edns_do(query, view.edns->dnssec_ok);
  }
  std::uint8_t* wire_bytes = nullptr;
  std::size_t size = 0;
  const bool built = ldns_pkt2wire(&wire_bytes, query, &size) == LDNS_STATUS_OK;
  ldns_pkt_free(query);
  if (!built) {
    Reset();
    return false;
  }
  query_bytes_.assign(wire_bytes, wire_bytes + size);
  LDNS_FREE(wire_bytes);
  query_ = query_bytes_;
  if (wire::ParseMessage(query_, view_) != wire::WireError::kOk) {
    Reset();
    return false;
  }
  transport_ = parent.transport();
  client_address_ = parent.ClientAddress();
  client_port_ = parent.ClientPort();
  server_address_ = parent.ServerAddress();
  server_port_ = parent.ServerPort();
  return true;
}

void CnameFollowUp::Respond(std::span<const std::uint8_t> response) {
  Done done = std::move(done_);
  ldns_pkt* follow = nullptr;
  bool merged = false;
  if (first_ && ldns_wire2pkt(&follow, response.data(), response.size()) == LDNS_STATUS_OK &&
      ldns_pkt_get_rcode(follow) == LDNS_RCODE_NOERROR) {
    ldns_rr_list* answer = ldns_pkt_answer(follow);
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
      ldns_pkt_push_rr(first_, LDNS_SECTION_ANSWER, ldns_rr_clone(ldns_rr_list_rr(answer, i)));
    }
    std::uint8_t* wire_bytes = nullptr;
    std::size_t size = 0;
    if (ldns_pkt2wire(&wire_bytes, first_, &size) == LDNS_STATUS_OK) {
      merged_.assign(wire_bytes, wire_bytes + size);
      LDNS_FREE(wire_bytes);
      merged = true;
    }
  }
  if (follow) ldns_pkt_free(follow);
  if (first_) ldns_pkt_free(first_);
  first_ = nullptr;
  // CoreDNS keeps the first answer unchanged when the follow-up lookup fails.
  if (done) done(merged ? std::span<const std::uint8_t>(merged_) : std::span<const std::uint8_t>(original_));
}

}  // namespace dnsd::plugins::rewrite
