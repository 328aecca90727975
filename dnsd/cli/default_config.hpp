// The Corefile dnsd runs when given no -conf and no ./Corefile exists (CoreDNS runs `whoami`;
// dnsd does something useful instead: a 30 s answer cache in front of the host's resolvers).
#pragma once

#include <cstdint>

namespace dnsd::cli {

inline constexpr std::uint16_t kBuiltInPort = 1053;
inline constexpr const char* kBuiltInCorefile = R"(. {
    cache 30
    forward . /etc/resolv.conf
}
)";

}  // namespace dnsd::cli
