// The process_* families Go's client library exports from every CoreDNS (its process collector):
// CPU seconds, resident and virtual memory, open and maximum descriptors, start time, read from
// /proc/self at scrape time. Dashboards chart them per instance; nothing is counted per query.
#pragma once

namespace dnsd::plugins::prometheus {

// Puts the process_* families on every exporter. Called by Exporter.
void RegisterProcessStats();

}  // namespace dnsd::plugins::prometheus
