// Test support for the rewriter/reverter tests: rules and outcomes built by hand (no parser or
// compiler needed), upstream responses built with ldns (which compresses names, like a real
// upstream), and our output parsed back with ldns, the oracle.
#pragma once

#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "packet.hpp"
#include "rules/ast.hpp"
#include "rules/question.hpp"
#include "rules/rewriter.hpp"

// ldns/common.h may #define bool/true/false for C: include it after every C++ header.
#include <stdbool.h>
#include <ldns/ldns.h>

namespace dnsd::rules::testing {

using Bytes = std::vector<std::uint8_t>;

inline Rule MakeRule(RuleBody body, Mode mode = Mode::kStop) {
  Rule rule;
  rule.mode = mode;
  rule.body = std::move(body);
  return rule;
}

inline NameRule Name(MatchKind kind, std::string pattern, std::string to,
                     std::vector<AnswerOption> answers = {}) {
  NameRule rule;
  rule.match = {kind, std::move(pattern)};
  rule.to = std::move(to);
  rule.answers = std::move(answers);
  return rule;
}
inline AnswerOption Auto() { return {AnswerOption::Kind::kAuto, {}, {}}; }
inline AnswerOption AnswerName(std::string from, std::string to) {
  return {AnswerOption::Kind::kName, std::move(from), std::move(to)};
}
inline AnswerOption AnswerValue(std::string from, std::string to) {
  return {AnswerOption::Kind::kValue, std::move(from), std::move(to)};
}

inline std::vector<Rule> Indexed(std::vector<Rule> rules) {
  for (std::size_t i = 0; i < rules.size(); ++i) rules[i].index = static_cast<std::uint32_t>(i);
  return rules;
}

// A preset-style legacy zone SOA (Mesos-DNS's names) with a TTL and MINIMUM the tests can tell apart.
inline std::shared_ptr<const SoaParams> MesosSoa() {
  auto soa = std::make_shared<SoaParams>();
  soa->zone = "mesos.";
  soa->mname = "ns1.mesos.";
  soa->rname = "root.ns1.mesos.";
  soa->serial = 1700000000;
  soa->minimum = 30;
  soa->ttl = 45;
  return soa;
}

// The Outcome the rule engine would produce: `question` after the rules, `applied` in order.
inline Outcome MakeOutcome(std::string_view question, std::uint16_t qtype, std::uint16_t qclass,
                           std::vector<std::uint32_t> applied) {
  Outcome outcome;
  outcome.status = applied.empty() ? Outcome::Status::kNoMatch : Outcome::Status::kRewritten;
  outcome.question.name.Assign(question);
  outcome.question.qtype = qtype;
  outcome.question.qclass = qclass;
  for (std::uint32_t index : applied) outcome.applied[outcome.applied_count++] = index;
  return outcome;
}

// A client query: RD set, optional OPT with options.
inline Bytes ClientQuery(std::string_view name, std::uint16_t qtype, std::uint16_t qclass = 1,
                         std::optional<Bytes> edns_options = std::nullopt, std::uint16_t id = 0x1234,
                         bool dnssec_ok = false) {
  wire::testing::Packet p;
  p.Head(id, 0x0100, 1, 0, 0, edns_options ? 1 : 0).Name(name).U16(qtype).U16(qclass);
  if (edns_options) {
    p.U8(0).U16(41).U16(1232).U32(dnssec_ok ? 0x8000 : 0).U16(static_cast<std::uint16_t>(edns_options->size()));
    for (std::uint8_t b : *edns_options) p.U8(b);
  }
  return p.bytes();
}

inline Bytes Option(std::uint16_t code, Bytes data) {
  Bytes out{static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code),
            static_cast<std::uint8_t>(data.size() >> 8), static_cast<std::uint8_t>(data.size())};
  for (std::uint8_t b : data) out.push_back(b);  // (insert() trips GCC 12's -Warray-bounds)
  return out;
}

struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using LdnsPkt = std::unique_ptr<ldns_pkt, PktFree>;

// What the upstream answers; records in presentation form ("a.b. 30 IN A 1.2.3.4").
struct Upstream {
  std::string question;
  std::uint16_t qtype = 1;
  std::uint16_t qclass = 1;
  std::vector<std::string> answer, authority, additional;
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  bool aa = true, ra = true, rd = true, tc = false;
  std::uint16_t id = 0x4242;
  std::optional<Bytes> edns_options;  // an OPT (4096, these options) when set
};

inline std::string TypeText(std::uint16_t qtype) {
  char* text = ldns_rr_type2str(static_cast<ldns_rr_type>(qtype));
  std::string s(text);
  free(text);
  return s;
}
inline std::string ClassText(std::uint16_t qclass) {
  char* text = ldns_rr_class2str(static_cast<ldns_rr_class>(qclass));
  std::string s(text);
  free(text);
  return s;
}

// Builds the upstream's wire response with ldns (ldns_pkt2wire compresses names).
inline Bytes UpstreamWire(const Upstream& u) {
  LdnsPkt pkt(ldns_pkt_new());
  ldns_pkt_set_id(pkt.get(), u.id);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_aa(pkt.get(), u.aa);
  ldns_pkt_set_ra(pkt.get(), u.ra);
  ldns_pkt_set_rd(pkt.get(), u.rd);
  ldns_pkt_set_tc(pkt.get(), u.tc);
  ldns_pkt_set_rcode(pkt.get(), u.rcode);
  ldns_rr* q = nullptr;
  const std::string qtext = u.question + " " + ClassText(u.qclass) + " " + TypeText(u.qtype);
  if (ldns_rr_new_question_frm_str(&q, qtext.c_str(), nullptr, nullptr) != LDNS_STATUS_OK) std::abort();
  ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_QUESTION, q);
  const auto push = [&](const std::vector<std::string>& rrs, ldns_pkt_section section) {
    for (const std::string& text : rrs) {
      ldns_rr* rr = nullptr;
      if (ldns_rr_new_frm_str(&rr, text.c_str(), 3600, nullptr, nullptr) != LDNS_STATUS_OK) std::abort();
      ldns_pkt_push_rr(pkt.get(), section, rr);
    }
  };
  push(u.answer, LDNS_SECTION_ANSWER);
  push(u.authority, LDNS_SECTION_AUTHORITY);
  push(u.additional, LDNS_SECTION_ADDITIONAL);
  if (u.edns_options) {
    ldns_pkt_set_edns_udp_size(pkt.get(), 4096);
    if (!u.edns_options->empty()) {
      ldns_pkt_set_edns_data(pkt.get(), ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN, u.edns_options->size(),
                                                              u.edns_options->data()));
    }
  }
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  if (ldns_pkt2wire(&wire, pkt.get(), &size) != LDNS_STATUS_OK) std::abort();
  Bytes out(wire, wire + size);
  free(wire);
  return out;
}

inline LdnsPkt Parse(std::span<const std::uint8_t> wire) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, wire.data(), wire.size()) != LDNS_STATUS_OK) return nullptr;
  return LdnsPkt(pkt);
}

// One record as ldns prints it, tabs as single spaces, no newline.
inline std::string RrText(const ldns_rr* rr) {
  char* text = ldns_rr2str(rr);
  std::string s(text);
  free(text);
  for (char& c : s) {
    if (c == '\t') c = ' ';
  }
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

inline std::vector<std::string> Section(ldns_pkt* pkt, ldns_pkt_section section) {
  std::vector<std::string> out;
  ldns_rr_list* list = ldns_pkt_get_section_clone(pkt, section);
  for (std::size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) out.push_back(RrText(ldns_rr_list_rr(list, i)));
  ldns_rr_list_deep_free(list);
  return out;
}

// "name. CLASS TYPE" of the question (ldns keeps the octets' case).
inline std::string QuestionText(ldns_pkt* pkt) {
  const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
  char* owner = ldns_rdf2str(ldns_rr_owner(q));
  std::string s = std::string(owner) + " " + ClassText(ldns_rr_get_class(q)) + " " + TypeText(ldns_rr_get_type(q));
  free(owner);
  return s;
}

// The response's EDNS options, raw.
inline Bytes EdnsOptions(ldns_pkt* pkt) {
  const ldns_rdf* data = ldns_pkt_edns_data(pkt);
  if (data == nullptr) return {};
  return Bytes(ldns_rdf_data(data), ldns_rdf_data(data) + ldns_rdf_size(data));
}

}  // namespace dnsd::rules::testing
