// Go's time.ParseDuration syntax ("500ms", "1m30s", "1.5h", "-2s"), as CoreDNS's Corefile uses.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace dnsd::config {

// Returns nullopt for text Go would reject (missing unit, unknown unit, empty, overflow).
std::optional<std::chrono::nanoseconds> ParseGoDuration(std::string_view text);

}  // namespace dnsd::config
