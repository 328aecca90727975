// The text CoreDNS's errors plugin prints for a plugin's error (Go's err.Error()), from the
// FailureNote the failing plugin left: "read udp 127.0.0.1:41234->127.0.0.1:53: i/o timeout",
// "dial tcp 127.0.0.1:53: connect: connection refused", "no healthy proxies". Only when logging.
#pragma once

#include "dnsd/pipeline/failure.hpp"
#include "dnsd/plugins/log/text.hpp"

namespace dnsd::plugins::errors {

void AppendFailure(log::LineWriter& out, const pipeline::FailureNote& note);

}  // namespace dnsd::plugins::errors
