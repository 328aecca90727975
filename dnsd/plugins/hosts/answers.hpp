// The hosts data in force, immutable once built: for each lower-case wire name, the A, AAAA and
// PTR records ready to copy into a response (owner name a pointer to the question). Built off the
// query path from the file's records followed by the inline ones; looked up without allocating.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dnsd/plugins/hosts/hosts_text.hpp"

namespace dnsd::plugins::hosts {

// Records of one type for one name, in wire form, back to back.
struct RecordSet {
  std::string wire;
  std::uint16_t count = 0;
  std::span<const std::uint8_t> bytes() const {
    return {reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size()};
  }
};

struct NameAnswers {
  RecordSet a, aaaa, ptr;
  bool HasAddresses() const { return a.count > 0 || aaaa.count > 0; }
};

class Answers {
 public:
  // `records` in precedence order (file first, then inline, as CoreDNS concatenates them).
  Answers(std::span<const HostRecord> records, std::uint32_t ttl, bool auto_reverse);

  // `name`: an uncompressed, lower-case wire name.
  const NameAnswers* Find(std::span<const std::uint8_t> name) const {
    auto found = map_.find(std::string_view(reinterpret_cast<const char*>(name.data()), name.size()));
    return found == map_.end() ? nullptr : &found->second;
  }
  // CoreDNS's coredns_hosts_entries: addresses per name plus names per address (reverse).
  std::size_t entries() const { return entries_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  std::unordered_map<std::string, NameAnswers, Hash, std::equal_to<>> map_;
  std::size_t entries_ = 0;
};

// The reverse-tree name ("1.0.0.10.in-addr.arpa.", "…ip6.arpa.") of an address, in wire form.
std::string ReverseName(const Address& address);

}  // namespace dnsd::plugins::hosts
