// CoreDNS's reload plugin metrics, for whoever reloads the Corefile: coredns_reload_failed_total and
// coredns_reload_version_info{hash="sha512",value}. Process-wide; every exporter serves them.
// Callable from any thread, at any time (before any exporter exists too).
#pragma once

#include <string>

namespace dnsd::plugins::prometheus {

// One failed reload attempt (the new Corefile did not load; the old one keeps serving).
void CountReloadFailure();
// The SHA-512 (hex) of the Corefile now in force; replaces the previous value's series.
void SetReloadVersion(const std::string& sha512_hex);

// Puts the reload metrics on every exporter (failed_total 0 until a failure). Called by Exporter.
void RegisterReloadMetrics();

}  // namespace dnsd::plugins::prometheus
