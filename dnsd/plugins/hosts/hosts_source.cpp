#include "dnsd/plugins/hosts/hosts_source.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "dnsd/plugins/hosts/metrics.hpp"

namespace dnsd::plugins::hosts {
namespace {

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text.append(line).push_back('\n');
  return text;
}

}  // namespace

HostsSource::HostsSource(const Options& options)
    : path_(options.path), ttl_(options.ttl), auto_reverse_(options.auto_reverse) {
  for (const std::string& zone : options.zones) {
    wire::Name name;
    if (wire::Name::FromString(zone, name) == wire::WireError::kOk) zones_.push_back(name);
  }
  inline_records_ = ParseHostsText(JoinLines(options.inline_lines), zones_);
}

std::shared_ptr<const Answers> HostsSource::InlineOnly() const {
  return std::make_shared<const Answers>(inline_records_, ttl_, auto_reverse_);
}

std::shared_ptr<const Answers> HostsSource::Refresh() {
  std::ifstream file(path_, std::ios::binary);
  struct stat st {};
  if (!file || ::stat(path_.c_str(), &st) != 0) return nullptr;
  const std::int64_t mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (read_ && mtime_ns == mtime_ns_ && size == size_) return nullptr;
  std::ostringstream text;
  if (!S_ISDIR(st.st_mode)) text << file.rdbuf();  // a directory reads as empty, as in Go
  std::vector<HostRecord> records = ParseHostsText(text.str(), zones_);
  records.insert(records.end(), inline_records_.begin(), inline_records_.end());
  auto answers = std::make_shared<const Answers>(records, ttl_, auto_reverse_);
  read_ = true;
  mtime_ns_ = mtime_ns;
  size_ = size;
  HostsMetrics::Get().Loaded(path_, answers->entries(), static_cast<double>(mtime_ns) / 1e9);
  return answers;
}

}  // namespace dnsd::plugins::hosts
