// Test support for log and errors: directives parsed from real Corefile text, a client
// transaction that records its answer, a chain end that answers with given bytes, and a LogSink
// writing to a temporary file that tests read back.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dnsd/config/corefile.hpp"
#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/log/sink.hpp"
#include "../cache/support.hpp"  // Query() and Answer(): hand-built queries, ldns-built replies

namespace dnsd::plugins::log::testing {

using cache::testing::Answer;
using cache::testing::Bytes;
using cache::testing::Query;
using cache::testing::QueryOptions;
using cache::testing::Reply;

// The directives of the first server block of `corefile`.
inline std::vector<config::Directive> Directives(const std::string& corefile) {
  auto parsed = config::ParseCorefile(corefile, "Corefile");
  if (!parsed.ok()) ADD_FAILURE() << parsed.error.ToString();
  return parsed.ok() ? parsed.value->blocks.at(0).directives : std::vector<config::Directive>{};
}

inline std::vector<const config::Directive*> Pointers(const std::vector<config::Directive>& directives) {
  std::vector<const config::Directive*> out;
  for (const auto& d : directives) out.push_back(&d);
  return out;
}

class ClientTransaction final : public pipeline::Transaction {
 public:
  explicit ClientTransaction(Bytes query, bool tcp = false,
                             boost::asio::ip::address remote = boost::asio::ip::make_address("127.0.0.1"),
                             std::uint16_t port = 40212)
      : bytes_(std::move(query)) {
    query_ = bytes_;
    if (wire::ParseMessage(query_, view_) != wire::WireError::kOk) ADD_FAILURE() << "bad query";
    transport_ = tcp ? pipeline::Transport::kTcp : pipeline::Transport::kUdp;
    client_address_ = remote;
    client_port_ = port;
    server_address_ = boost::asio::ip::make_address("127.0.0.53");
    server_port_ = 53;
  }
  void Respond(std::span<const std::uint8_t> response) override {
    answer.assign(response.begin(), response.end());
    ++responses;
  }
  Bytes answer;
  int responses = 0;

 private:
  Bytes bytes_;
};

// The rest of the chain: answers with `reply` built for the query (or nothing when unset).
class ChainEnd final : public pipeline::Handler {
 public:
  void Serve(pipeline::Transaction& tx) override {
    Bytes query(tx.Query().begin(), tx.Query().end());
    Bytes response = Answer(query, reply);
    tx.Respond(response);
  }
  Reply reply;
};

// A LogSink writing to a temporary file.
class CapturedSink {
 public:
  CapturedSink() : file_(std::tmpfile()), sink(std::make_shared<LogSink>(fileno(file_))) {}
  ~CapturedSink() {
    sink.reset();
    std::fclose(file_);
  }
  std::string Text() {
    sink->Flush();
    std::string text;
    char buffer[4096];
    ssize_t n;
    off_t at = 0;
    while ((n = ::pread(fileno(file_), buffer, sizeof buffer, at)) > 0) {
      text.append(buffer, static_cast<std::size_t>(n));
      at += n;
    }
    return text;
  }

 private:
  std::FILE* file_;

 public:
  std::shared_ptr<LogSink> sink;
};

// A clock tests move by hand: NowFunction is a plain function pointer.
inline std::atomic<std::int64_t> fake_now{1'000'000'000};
inline std::int64_t FakeNow() { return fake_now.load(); }

}  // namespace dnsd::plugins::log::testing
