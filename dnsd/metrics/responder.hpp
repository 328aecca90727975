// Which plugin wrote the response now travelling back up the chain: CoreDNS's `plugin` label of
// coredns_dns_responses_total. A plugin that writes a response to the transaction it was handed
// (an answer, or its wrapper's answer: cache, rewrite's reverter) notes itself just before
// Respond(); the prometheus handler reads the note when the response reaches it. The note is a
// small enum in a thread_local (each worker answers on its own thread, synchronously up the chain),
// so it costs a store, with no allocation or string copy, and wrappers that only observe (log,
// errors) stay transparent as in CoreDNS.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dnsd::metrics {

// kServer: no plugin noted (the end of the chain's SERVFAIL), label "". Add a plugin before kCount.
enum class Responder : std::uint8_t {
  kServer = 0, kCache, kForward, kRewrite, kLoadbalance, kTemplate, kWhoami, kHosts, kCount
};
inline constexpr std::size_t kResponderSlots = static_cast<std::size_t>(Responder::kCount);

inline constexpr std::string_view ResponderLabel(std::size_t slot) {
  constexpr std::string_view kLabels[kResponderSlots] = {"",            "cache",    "forward", "rewrite",
                                                          "loadbalance", "template", "whoami",  "hosts"};
  return slot < kResponderSlots ? kLabels[slot] : std::string_view();
}

namespace detail {
inline constinit thread_local Responder noted_responder = Responder::kServer;
}  // namespace detail

inline void NoteResponder(Responder plugin) { detail::noted_responder = plugin; }
// The noted plugin, cleared for the next response.
inline Responder TakeResponder() {
  const Responder noted = detail::noted_responder;
  detail::noted_responder = Responder::kServer;
  return noted;
}

}  // namespace dnsd::metrics
