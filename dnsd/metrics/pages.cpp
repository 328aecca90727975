#include "dnsd/metrics/pages.hpp"

#include <algorithm>

namespace dnsd::metrics {

Pages& Pages::Shared() {
  static Pages pages;
  return pages;
}

void Pages::Register(std::string path, std::weak_ptr<const PageSource> source) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const Entry& e) { return e.path == path || e.source.expired(); });
  entries_.push_back({std::move(path), std::move(source)});
}

std::vector<std::string> Pages::Paths() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> paths;
  for (const Entry& e : entries_) {
    if (!e.source.expired()) paths.push_back(e.path);
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

bool Pages::Render(std::string_view path, std::string_view query, Page& out) const {
  std::shared_ptr<const PageSource> source;
  {
    std::lock_guard lock(mutex_);
    for (const Entry& e : entries_) {
      if (e.path == path) source = e.source.lock();
    }
  }
  if (!source) return false;
  out = source->Render(path, query);  // outside the lock: rendering may take a while
  return true;
}

}  // namespace dnsd::metrics
