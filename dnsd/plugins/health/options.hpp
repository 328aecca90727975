// What a `health` directive configures (CoreDNS 1.11: `health [ADDRESS] { lameduck DURATION }`).
#pragma once

#include <chrono>
#include <string>

namespace dnsd::plugins::health {

struct Options {
  std::string address = ":8080";  // HOST:PORT; an empty host listens on every interface
  std::chrono::nanoseconds lameduck{0};  // on SIGTERM: keep serving this long, /health says 503
};

}  // namespace dnsd::plugins::health
