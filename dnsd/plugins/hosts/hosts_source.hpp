// Where the answers come from: the hosts file (read again when its modification time or size
// changed, as CoreDNS checks) and the inline lines of the Corefile (parsed once). A file that
// cannot be read keeps what was read before, as CoreDNS does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/plugins/hosts/answers.hpp"
#include "dnsd/plugins/hosts/options.hpp"

namespace dnsd::plugins::hosts {

class HostsSource {
 public:
  explicit HostsSource(const Options& options);

  // New answers when the file changed since the last call (the first call reads it), else null.
  std::shared_ptr<const Answers> Refresh();
  // The answers from the inline lines alone (the file not read yet, or missing).
  std::shared_ptr<const Answers> InlineOnly() const;
  const std::string& path() const { return path_; }
  const std::vector<wire::Name>& zones() const { return zones_; }

 private:
  std::string path_;
  std::vector<wire::Name> zones_;
  std::uint32_t ttl_;
  bool auto_reverse_;
  std::vector<HostRecord> inline_records_;
  bool read_ = false;
  std::int64_t mtime_ns_ = 0;
  std::uint64_t size_ = 0;
};

}  // namespace dnsd::plugins::hosts
