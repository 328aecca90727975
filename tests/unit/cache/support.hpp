// Test support for the cache: directives from text, queries built by hand, upstream answers built
// with ldns from RR strings (compressed like a real upstream's), a recording client transaction,
// a scripted "rest of the chain" handler and a cache handler wired to a manual clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "dnsd/config/corefile.hpp"
#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/cache/clock.hpp"
#include "dnsd/plugins/cache/factory.hpp"
#include "dnsd/plugins/cache/setup.hpp"
#include "dnsd/wire/message.hpp"
#include "../../support/client_transaction.hpp"

// ldns/common.h may #define bool/true/false for C: include it after every C++ header.
#include <stdbool.h>
#include <ldns/ldns.h>

namespace dnsd::plugins::cache::testing {

using Bytes = std::vector<std::uint8_t>;

// "cache 30 {\n success 100\n}" -> Directive, file "Corefile", 1-based line and column.
inline config::Directive DirectiveFromText(std::string_view text) {
  std::vector<std::vector<config::Token>> lines;
  int line_number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line_number;
    std::string_view line = text.substr(start, end - start);
    std::vector<config::Token> tokens;
    for (std::size_t i = 0; i < line.size();) {
      if (line[i] == ' ') {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < line.size() && line[j] != ' ') ++j;
      tokens.push_back({std::string(line.substr(i, j - i)), {"Corefile", line_number, int(i) + 1}, false});
      i = j;
    }
    if (!tokens.empty()) lines.push_back(std::move(tokens));
    start = end + 1;
  }
  auto to_directive = [](std::vector<config::Token> tokens) {
    config::Directive d;
    d.name = tokens[0];
    d.args.assign(tokens.begin() + 1, tokens.end());
    return d;
  };
  std::vector<config::Token> head = lines[0];
  const bool block = head.back().text == "{";
  if (block) head.pop_back();
  config::Directive directive = to_directive(head);
  directive.has_block = block;
  for (std::size_t l = 1; l < lines.size(); ++l) {
    if (lines[l][0].text == "}") break;
    directive.block.push_back(to_directive(lines[l]));
  }
  return directive;
}

inline void Put16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

struct QueryOptions {
  std::uint16_t id = 0x1234;
  std::uint16_t qclass = 1;
  bool edns = false;
  bool dnssec_ok = false;
  bool cd = false;
  bool ad = false;
};

inline Bytes Query(std::string_view name, std::uint16_t qtype, QueryOptions o = {}) {
  Bytes out;
  Put16(out, o.id);
  Put16(out, static_cast<std::uint16_t>(0x0100 | (o.cd ? 0x0010 : 0) | (o.ad ? 0x0020 : 0)));
  Put16(out, 1);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, o.edns ? 1 : 0);
  wire::Name qname;
  wire::Name::FromString(name, qname);
  auto w = qname.Wire();
  out.insert(out.end(), w.begin(), w.end());
  Put16(out, qtype);
  Put16(out, o.qclass);
  if (o.edns) {
    out.push_back(0);
    Put16(out, 41);
    Put16(out, 4096);
    Put16(out, 0);
    Put16(out, o.dnssec_ok ? 0x8000 : 0);
    Put16(out, 0);
  }
  return out;
}

struct Reply {
  std::uint8_t rcode = 0;
  std::vector<std::string> answer, authority, additional;
  bool tc = false;
  bool aa = false;
  bool ad = false;
  bool edns = false;  // an OPT record (4096, no options) at the end
};

// The upstream's answer to `query` (its ID and question, as written by ldns with compression).
inline Bytes Answer(const Bytes& query, const Reply& r) {
  ldns_pkt* q = nullptr;
  if (ldns_wire2pkt(&q, query.data(), query.size()) != LDNS_STATUS_OK) std::abort();
  ldns_pkt* p = ldns_pkt_new();
  ldns_pkt_set_id(p, ldns_pkt_id(q));
  ldns_pkt_set_qr(p, true);
  ldns_pkt_set_rd(p, ldns_pkt_rd(q));
  ldns_pkt_set_ra(p, true);
  ldns_pkt_set_tc(p, r.tc);
  ldns_pkt_set_aa(p, r.aa);
  ldns_pkt_set_ad(p, r.ad);
  ldns_pkt_set_cd(p, ldns_pkt_cd(q));
  ldns_pkt_set_rcode(p, r.rcode);
  ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(q), 0)));
  auto push = [p](ldns_pkt_section section, const std::vector<std::string>& rrs) {
    for (const std::string& text : rrs) {
      ldns_rr* rr = nullptr;
      if (ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) std::abort();
      ldns_pkt_push_rr(p, section, rr);
    }
  };
  push(LDNS_SECTION_ANSWER, r.answer);
  push(LDNS_SECTION_AUTHORITY, r.authority);
  push(LDNS_SECTION_ADDITIONAL, r.additional);
  if (r.edns) {
    ldns_pkt_set_edns_udp_size(p, 4096);
    ldns_pkt_set_edns_do(p, ldns_pkt_edns_do(q));
  }
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  if (ldns_pkt2wire(&wire, p, &size) != LDNS_STATUS_OK) std::abort();
  Bytes out(wire, wire + size);
  free(wire);
  ldns_pkt_free(p);
  ldns_pkt_free(q);
  return out;
}

// A parsed reply, for checking with ldns (the oracle).
class Parsed {
 public:
  explicit Parsed(const Bytes& wire) {
    if (ldns_wire2pkt(&pkt_, wire.data(), wire.size()) != LDNS_STATUS_OK) pkt_ = nullptr;
  }
  ~Parsed() { if (pkt_) ldns_pkt_free(pkt_); }
  Parsed(const Parsed&) = delete;
  bool ok() const { return pkt_ != nullptr; }
  ldns_pkt* pkt() const { return pkt_; }
  std::uint16_t id() const { return ldns_pkt_id(pkt_); }
  std::uint8_t rcode() const { return static_cast<std::uint8_t>(ldns_pkt_get_rcode(pkt_)); }
  std::size_t answers() const { return ldns_pkt_ancount(pkt_); }
  // TTLs of every record of the three sections, in order.
  std::vector<std::uint32_t> Ttls() const {
    std::vector<std::uint32_t> out;
    for (ldns_rr_list* list : {ldns_pkt_answer(pkt_), ldns_pkt_authority(pkt_), ldns_pkt_additional(pkt_)}) {
      for (std::size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) out.push_back(ldns_rr_ttl(ldns_rr_list_rr(list, i)));
    }
    return out;
  }
  std::string Question() const {
    char* text = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(pkt_), 0)));
    std::string out(text);
    free(text);
    return out;
  }
  std::string FirstAnswer() const {
    if (answers() == 0) return "";
    char* text = ldns_rr2str(ldns_rr_list_rr(ldns_pkt_answer(pkt_), 0));
    std::string out(text);
    free(text);
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  bool has_edns() const { return ldns_pkt_edns(pkt_); }
  bool edns_do() const { return ldns_pkt_edns_do(pkt_); }

 private:
  ldns_pkt* pkt_ = nullptr;
};

using dnsd::testing::ClientTransaction;

// The rest of the chain: keeps every transaction it is given until the test answers it.
class Upstream : public pipeline::Handler {
 public:
  void Serve(pipeline::Transaction& tx) override { pending.push_back(&tx); }
  // Answers the oldest pending transaction with `reply` built for its query.
  void AnswerNext(const Reply& reply) {
    pipeline::Transaction* tx = pending.front();
    pending.erase(pending.begin());
    ++answered;
    Bytes query(tx->Query().begin(), tx->Query().end());
    Bytes answer = Answer(query, reply);
    tx->Respond(answer);
  }
  std::vector<pipeline::Transaction*> pending;
  int answered = 0;
};

// A cache handler with a manual clock and a scripted upstream behind it.
struct Rig {
  explicit Rig(std::string_view corefile = "cache", std::vector<std::string> zones = {"."}) {
    pipeline::SetupContext ctx;
    ctx.zones = std::move(zones);
    auto options = ParseOptions(DirectiveFromText(corefile), ctx);
    if (!options.ok()) std::abort();
    factory = std::make_unique<CacheFactory>(std::move(*options.value), clock);
    pipeline::WorkerContext worker{io, 0};
    handler = factory->CreateHandler(worker);
    handler->SetNext(&upstream);
  }
  // Refreshes still in flight end as SERVFAIL, so that nothing leaks.
  ~Rig() {
    Reply servfail;
    servfail.rcode = 2;
    while (!upstream.pending.empty()) upstream.AnswerNext(servfail);
  }
  Rig(const Rig&) = delete;
  // Sends `query` through the cache; when it misses, the upstream answers with `reply`.
  Bytes Ask(const Bytes& query, const std::optional<Reply>& reply = std::nullopt) {
    ClientTransaction tx(query);
    handler->Serve(tx);
    if (tx.responses == 0 && reply && !upstream.pending.empty()) upstream.AnswerNext(*reply);
    return tx.response();
  }
  CacheStore& store() { return factory->store(); }
  std::uint64_t Entries(Kind kind) { return store().Counters().entries[static_cast<int>(kind)]; }

  boost::asio::io_context io;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
  std::unique_ptr<CacheFactory> factory;
  std::unique_ptr<pipeline::Handler> handler;
  Upstream upstream;
};

}  // namespace dnsd::plugins::cache::testing
