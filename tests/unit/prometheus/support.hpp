// Test support for the prometheus plugin: a client transaction built from hand-made query bytes, a
// chain end that answers with a chosen rcode, and lookups into collected metric families.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/metric_family.h>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::prometheus::testing {

using Bytes = std::vector<std::uint8_t>;

inline Bytes Query(std::string_view name, std::uint16_t qtype) {
  Bytes out = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  wire::Name qname;
  wire::Name::FromString(name, qname);
  auto w = qname.Wire();
  out.insert(out.end(), w.begin(), w.end());
  out.push_back(static_cast<std::uint8_t>(qtype >> 8));
  out.push_back(static_cast<std::uint8_t>(qtype));
  out.push_back(0);
  out.push_back(1);
  return out;
}

class ClientTransaction : public pipeline::Transaction {
 public:
  ClientTransaction(Bytes bytes, pipeline::Transport transport, std::string client, std::uint16_t port)
      : bytes_(std::move(bytes)) {
    query_ = bytes_;
    wire::ParseMessage(query_, view_);
    transport_ = transport;
    client_address_ = boost::asio::ip::make_address(client);
    client_port_ = 40000;
    server_address_ = boost::asio::ip::make_address("127.0.0.1");
    server_port_ = port;
  }
  void Respond(std::span<const std::uint8_t> response) override {
    responses.emplace_back(response.begin(), response.end());
  }
  std::vector<Bytes> responses;

 private:
  Bytes bytes_;
};

// The rest of the chain: answers the query (header copied, QR set) with `rcode`, `padding` extra
// octets after the question, or keeps it to answer later (`hold`).
class AnsweringHandler : public pipeline::Handler {
 public:
  void Serve(pipeline::Transaction& tx) override {
    if (hold) {
      held.push_back(&tx);
      return;
    }
    Answer(tx);
  }
  void Answer(pipeline::Transaction& tx) {
    Bytes reply(tx.Query().begin(), tx.Query().end());
    reply[2] |= 0x80;
    reply[3] = static_cast<std::uint8_t>((reply[3] & 0xF0) | rcode);
    reply.resize(reply.size() + padding, 0);
    tx.Respond(reply);
  }
  std::uint8_t rcode = 0;
  std::size_t padding = 0;
  bool hold = false;
  std::vector<pipeline::Transaction*> held;
};

inline const ::prometheus::MetricFamily* FindFamily(const std::vector<::prometheus::MetricFamily>& families,
                                                    std::string_view name) {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// The metric of `family` whose labels include every (name, value) of `want`.
inline const ::prometheus::ClientMetric* FindMetric(
    const ::prometheus::MetricFamily* family,
    const std::vector<::prometheus::ClientMetric::Label>& want) {
  if (family == nullptr) return nullptr;
  for (const auto& m : family->metric) {
    bool all = true;
    for (const auto& w : want) {
      bool found = false;
      for (const auto& l : m.label) found = found || l == w;
      all = all && found;
    }
    if (all) return &m;
  }
  return nullptr;
}

}  // namespace dnsd::plugins::prometheus::testing
