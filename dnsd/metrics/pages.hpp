// Pages other than /metrics that every metrics listener serves (the legacy-name report's /legacy,
// /legacy.json): a process-wide registry by path, as ProcessMetrics is for metric families. The
// owner keeps the source alive; a page whose source is gone is not served (404).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace dnsd::metrics {

struct Page {
  std::string content_type;  // "application/json", "text/html; charset=utf-8", ...
  std::string body;
};

class PageSource {
 public:
  virtual ~PageSource() = default;
  // `path` is the registered path; `query` the URL's query string without '?' ("" if none).
  // Called from the HTTP server's threads: must be thread-safe.
  virtual Page Render(std::string_view path, std::string_view query) const = 0;
};

class Pages {
 public:
  static Pages& Shared();

  // Serves `path` ("/legacy") from `source` for as long as it lives; a later registration of the
  // same path replaces the earlier one (a reload's new config takes over its pages).
  void Register(std::string path, std::weak_ptr<const PageSource> source);
  // The registered paths whose source is alive, sorted.
  std::vector<std::string> Paths() const;
  // False when nothing live is registered at `path`.
  bool Render(std::string_view path, std::string_view query, Page& out) const;

 private:
  struct Entry {
    std::string path;
    std::weak_ptr<const PageSource> source;
  };
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace dnsd::metrics
