// Helpers for forward's tests: directives from text, DNS messages by hand, a recording transaction.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "dnsd/pipeline/handler.hpp"
#include "dnsd/pipeline/transaction.hpp"
#include "dnsd/plugins/forward/options.hpp"
#include "dnsd/wire/message.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::forward::testing {

// "forward . 1.2.3.4 {\n max_fails 3\n}" -> Directive with file "Corefile" and 1-based positions.
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
    std::size_t i = 0;
    while (i < line.size()) {
      if (line[i] == ' ' || line[i] == '\t') {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
      tokens.push_back(
          {std::string(line.substr(i, j - i)), {"Corefile", line_number, int(i) + 1}, false});
      i = j;
    }
    if (!tokens.empty()) lines.push_back(std::move(tokens));
    start = end + 1;
  }
  config::Directive directive;
  auto to_directive = [](std::vector<config::Token> tokens) {
    config::Directive d;
    d.name = tokens[0];
    d.args.assign(tokens.begin() + 1, tokens.end());
    return d;
  };
  std::vector<config::Token> head = lines[0];
  bool block = head.back().text == "{";
  if (block) head.pop_back();
  directive = to_directive(head);
  directive.has_block = block;
  for (std::size_t l = 1; l < lines.size(); ++l) {
    if (lines[l][0].text == "}") break;
    directive.block.push_back(to_directive(lines[l]));
  }
  return directive;
}

// Options for protocol tests: upstreams tried in order, short timeouts, no health checks.
inline Options FastOptions(std::vector<boost::asio::ip::udp::endpoint> upstreams) {
  Options o;
  o.upstreams = std::move(upstreams);
  o.policy = Policy::kSequential;
  o.attempt_timeout = std::chrono::milliseconds(150);
  o.overall_timeout = std::chrono::milliseconds(400);
  o.health_check = Duration(0);
  return o;
}

// The end of a chain: counts what reaches it and answers NXDOMAIN.
class EndOfChain : public pipeline::Handler {
 public:
  void Serve(pipeline::Transaction& tx) override {
    ++calls;
    tx.RespondError(wire::Rcode::kNxDomain);
  }
  int calls = 0;
};

inline void Put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

inline std::vector<std::uint8_t> MakeQuery(std::string_view name, std::uint16_t type,
                                           std::uint16_t id, bool rd = true) {
  std::vector<std::uint8_t> out;
  Put16(out, id);
  Put16(out, rd ? 0x0100 : 0);
  Put16(out, 1);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, 0);
  wire::Name qname;
  wire::Name::FromString(name, qname);
  auto w = qname.Wire();
  out.insert(out.end(), w.begin(), w.end());
  Put16(out, type);
  Put16(out, wire::klass::kIN);
  return out;
}

// A reply to `query` (its ID and question) with one A record pointing at the question name,
// carrying `a` (4 octets), and extra flags OR-ed in.
inline std::vector<std::uint8_t> MakeReply(const std::vector<std::uint8_t>& query,
                                           std::uint32_t a = 0x01020304, std::uint16_t flags = 0,
                                           bool with_answer = true) {
  std::vector<std::uint8_t> out(query.begin(), query.end());
  std::uint16_t f = static_cast<std::uint16_t>(out[2] << 8 | out[3]);
  f |= 0x8000 | 0x0080 | flags;  // QR, RA
  out[2] = static_cast<std::uint8_t>(f >> 8);
  out[3] = static_cast<std::uint8_t>(f);
  if (!with_answer) return out;
  out[7] = 1;  // ANCOUNT
  Put16(out, 0xC00C);
  Put16(out, wire::type::kA);
  Put16(out, wire::klass::kIN);
  Put16(out, 0);
  Put16(out, 300);
  Put16(out, 4);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(a >> shift));
  return out;
}

// The A record's address in a MakeReply message, or nullopt.
inline std::optional<std::uint32_t> AnswerAddress(const std::vector<std::uint8_t>& m) {
  if (m.size() < 16 || m[7] != 1) return std::nullopt;
  std::size_t n = m.size();
  return std::uint32_t{m[n - 4]} << 24 | std::uint32_t{m[n - 3]} << 16 |
         std::uint32_t{m[n - 2]} << 8 | m[n - 1];
}

class RecordingTransaction : public pipeline::Transaction {
 public:
  explicit RecordingTransaction(std::vector<std::uint8_t> query,
                                pipeline::Transport transport = pipeline::Transport::kUdp)
      : bytes_(std::move(query)) {
    query_ = bytes_;
    transport_ = transport;
    wire::ParseMessage(query_, view_);
  }
  void Respond(std::span<const std::uint8_t> response) override {
    ++responses;
    response_.assign(response.begin(), response.end());
  }
  int responses = 0;
  const std::vector<std::uint8_t>& response() const { return response_; }
  std::uint8_t rcode() const { return response_.size() > 3 ? response_[3] & 0xF : 0xFF; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::vector<std::uint8_t> response_;
};

}  // namespace dnsd::plugins::forward::testing
