// One client query in flight: its bytes, the parsed view, who asked and how, and the way back.
// The server owns it; a handler answers it exactly once with Respond() (now or later, always on
// the worker thread that received it). After Respond() the transaction must not be touched.
#pragma once

#include <cstdint>
#include <span>

#include <boost/asio/ip/address.hpp>

#include "dnsd/pipeline/failure.hpp"
#include "dnsd/wire/message.hpp"

namespace dnsd::pipeline {

enum class Transport : std::uint8_t { kUdp, kTcp };

class Transaction {
 public:
  Transaction() = default;
  // A copy is a root of its own: it keeps its own note (a copy of the other's), never a pointer
  // into the transaction it was copied from.
  Transaction(const Transaction& other) { *this = other; }
  Transaction& operator=(const Transaction& other) {
    CopyRequestFrom(other);
    own_failure_ = *other.failure_;
    failure_ = &own_failure_;
    return *this;
  }
  virtual ~Transaction() = default;

  std::span<const std::uint8_t> Query() const { return query_; }
  const wire::MessageView& View() const { return view_; }
  Transport transport() const { return transport_; }
  const boost::asio::ip::address& ClientAddress() const { return client_address_; }
  std::uint16_t ClientPort() const { return client_port_; }
  const boost::asio::ip::address& ServerAddress() const { return server_address_; }
  std::uint16_t ServerPort() const { return server_port_; }

  // Largest response the client accepts on this transport: UDP 512 or its EDNS size; TCP 65535.
  std::uint16_t MaxResponseSize() const {
    return transport_ == Transport::kTcp ? 65535 : view_.MaxUdpPayload();
  }

  // Sends `response` (the server truncates UDP answers that exceed MaxResponseSize) and ends the
  // transaction. The response's ID must already be the client's.
  virtual void Respond(std::span<const std::uint8_t> response) = 0;
  // Sends a built error response (question copied, EDNS echoed) and ends the transaction.
  void RespondError(wire::Rcode rcode);

  // The client query's failure note, shared by every wrapper of it (the root transaction owns it):
  // a plugin that fails writes it before responding, `errors` reads it.
  FailureNote& Failure() const { return *failure_; }

 protected:
  // For wrappers that observe or store the answer of a client's query (cache, log, prometheus...):
  // take over its bytes, view, transport and addresses. The bytes stay the client's.
  void CopyRequestFrom(const Transaction& client) {
    query_ = client.query_;
    view_ = client.view_;
    transport_ = client.transport_;
    client_address_ = client.client_address_;
    client_port_ = client.client_port_;
    server_address_ = client.server_address_;
    server_port_ = client.server_port_;
    ShareFailureOf(client);
  }
  // For wrappers that build their own query but answer for the client's.
  void ShareFailureOf(const Transaction& client) { failure_ = client.failure_; }

  std::span<const std::uint8_t> query_;
  wire::MessageView view_;
  Transport transport_ = Transport::kUdp;
  boost::asio::ip::address client_address_;
  std::uint16_t client_port_ = 0;
  boost::asio::ip::address server_address_;
  std::uint16_t server_port_ = 0;

 private:
  FailureNote own_failure_;
  FailureNote* failure_ = &own_failure_;
};

}  // namespace dnsd::pipeline
