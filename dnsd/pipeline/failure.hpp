// Why a plugin could not answer a query (CoreDNS's `err` returned down the chain), as plain values:
// the plugin that failed sets it just before it responds, `errors` turns it into Go's error text
// only when it logs. Noting a failure therefore costs a few stores, never an allocation.
#pragma once

#include <cstdint>

#include <boost/asio/ip/address.hpp>

namespace dnsd::pipeline {

enum class FailureKind : std::uint8_t {
  kNone,
  kNetwork,        // a socket operation failed: `op proto [local->]remote: [syscall: ]reason`
  kNoHealthy,      // forward tried no upstream: "no healthy proxies"
  kLimitExceeded,  // forward's max_concurrent: "concurrent queries exceeded maximum N"
  kInFlightCap,    // dnsd's own: the worker's in-flight cap made the oldest query give way
};

// Go's net.OpError.Op.
enum class NetOp : std::uint8_t { kDial, kRead, kWrite };

struct FailureNote {
  FailureKind kind = FailureKind::kNone;
  NetOp op = NetOp::kRead;
  bool tcp = false;
  // kNetwork: an errno, or 0 for a deadline ("i/o timeout"), or -1 for a peer that closed ("EOF").
  // kLimitExceeded: the limit.
  int code = 0;
  boost::asio::ip::address local, remote;  // local unspecified: Go prints no "local->" (dial)
  std::uint16_t local_port = 0, remote_port = 0;
};

inline constexpr int kFailureTimeout = 0;
inline constexpr int kFailureEof = -1;

}  // namespace dnsd::pipeline
