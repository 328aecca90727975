// The Corefile dnsd runs when given no -conf and no ./Corefile exists (CoreDNS runs `whoami`;
// dnsd does something useful instead): the DC/OS preset answering the legacy names, a 30 s cache
// in front of the host's resolvers, and health, readiness and metrics on CoreDNS's usual ports
// (docs/compatibility.md#command-line).
#pragma once

#include <cstdint>

namespace dnsd::cli {

inline constexpr std::uint16_t kBuiltInPort = 1053;
inline constexpr const char* kBuiltInCorefile = R"(. {
    errors
    health :8080
    ready :8181
    prometheus :9153
    cache 30
    rewrite dnsd_dcos
    forward . /etc/resolv.conf
}
)";

}  // namespace dnsd::cli
