// A client's query for handler unit tests: its bytes parsed as the server parses them, and the
// responses a handler gives it (a test asserts there is exactly one).
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "dnsd/pipeline/transaction.hpp"
#include "dnsd/wire/message.hpp"

namespace dnsd::testing {

class ClientTransaction : public pipeline::Transaction {
 public:
  explicit ClientTransaction(std::vector<std::uint8_t> query,
                             pipeline::Transport transport = pipeline::Transport::kUdp)
      : bytes_(std::move(query)) {
    query_ = bytes_;
    transport_ = transport;
    wire::ParseMessage(query_, view_);
    response_.reserve(65535);
  }
  void Respond(std::span<const std::uint8_t> response) override {
    ++responses;
    response_.assign(response.begin(), response.end());
  }
  int responses = 0;
  const std::vector<std::uint8_t>& response() const { return response_; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::vector<std::uint8_t> response_;
};

}  // namespace dnsd::testing
