// Test support for hosts: directives parsed from real Corefile text, queries built by hand, a
// recording client transaction, a "rest of the chain" that records what reached it, and a hosts
// handler built from a Corefile directive.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "dnsd/config/corefile.hpp"
#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/hosts/factory.hpp"
#include "dnsd/plugins/hosts/setup.hpp"
#include "dnsd/wire/message.hpp"
#include "../../support/client_transaction.hpp"

// ldns/common.h may #define bool/true/false for C: include it after every C++ header.
#include <stdbool.h>
#include <ldns/ldns.h>

namespace dnsd::plugins::hosts::testing {

using Bytes = std::vector<std::uint8_t>;

// The first directive of the first server block of `corefile` (file name "Corefile").
inline config::Parsed<Options> ParseFirst(const std::string& corefile, std::vector<std::string> zones = {"."}) {
  auto parsed = config::ParseCorefile(corefile, "Corefile");
  if (!parsed.ok()) return {std::nullopt, parsed.error};
  pipeline::SetupContext ctx;
  ctx.zones = std::move(zones);
  return ParseOptions(parsed.value->blocks.at(0).directives.at(0), ctx);
}

inline Bytes Query(std::string_view name, std::uint16_t qtype, bool edns = false) {
  Bytes out = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(edns ? 1 : 0)};
  wire::Name qname;
  if (wire::Name::FromString(name, qname) != wire::WireError::kOk) std::abort();
  auto w = qname.Wire();
  out.insert(out.end(), w.begin(), w.end());
  out.insert(out.end(), {static_cast<std::uint8_t>(qtype >> 8), static_cast<std::uint8_t>(qtype), 0, 1});
  if (edns) out.insert(out.end(), {0, 0, 41, 0x10, 0, 0, 0, 0x80, 0, 0, 0});  // 4096, DO
  return out;
}

using dnsd::testing::ClientTransaction;

// The next plugin: counts what reaches it and answers REFUSED, so a test can tell it apart.
class NextPlugin : public pipeline::Handler {
 public:
  void Serve(pipeline::Transaction& tx) override {
    ++reached;
    tx.RespondError(wire::Rcode::kRefused);
  }
  int reached = 0;
};

// What a test checks in a response, read with ldns (the oracle).
struct Answer {
  bool passed_on = false;  // the next plugin answered
  int rcode = -1;
  bool aa = false;
  bool has_opt = false;
  std::vector<std::string> records;  // answer section, presentation form without the trailing newline
};

class Rig {
 public:
  explicit Rig(const std::string& corefile, std::vector<std::string> zones = {"."}) {
    auto options = ParseFirst(corefile, std::move(zones));
    if (!options.ok()) throw std::runtime_error(options.error.ToString());
    factory = std::make_unique<HostsFactory>(std::move(*options.value));
    pipeline::WorkerContext worker{io, 0};
    handler = factory->CreateHandler(worker);
    handler->SetNext(&next);
  }

  Answer Ask(std::string_view name, std::uint16_t qtype, bool edns = false) {
    const int before = next.reached;
    ClientTransaction tx(Query(name, qtype, edns));
    handler->Serve(tx);
    Answer answer;
    answer.passed_on = next.reached != before;
    ldns_pkt* pkt = nullptr;
    if (tx.responses != 1 || ldns_wire2pkt(&pkt, tx.response().data(), tx.response().size()) != LDNS_STATUS_OK) {
      return answer;
    }
    answer.rcode = ldns_pkt_get_rcode(pkt);
    answer.aa = ldns_pkt_aa(pkt);
    answer.has_opt = ldns_pkt_edns(pkt);
    ldns_rr_list* list = ldns_pkt_answer(pkt);
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
      char* text = ldns_rr2str(ldns_rr_list_rr(list, i));
      std::string line(text);
      free(text);
      while (!line.empty() && line.back() == '\n') line.pop_back();
      answer.records.push_back(line);
    }
    ldns_pkt_free(pkt);
    return answer;
  }

  boost::asio::io_context io;
  std::unique_ptr<HostsFactory> factory;
  std::unique_ptr<pipeline::Handler> handler;
  NextPlugin next;
};

inline void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// A private folder under the temp dir, removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dnsd-hosts-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace dnsd::plugins::hosts::testing
