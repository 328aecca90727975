#include "dnsd/plugins/cache/key.hpp"

#include <cstring>

#include "dnsd/wire/octets.hpp"

namespace dnsd::plugins::cache {

std::uint64_t HashBytes(std::span<const std::uint8_t> bytes) {
  // 8 octets per step, multiply-xorshift mixing, then a splitmix64 finaliser: cheap for the
  // 10-60 octet keys DNS names make, and the low 8 bits (the shard) are well mixed.
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ (bytes.size() * 0xFF51AFD7ED558CCDull);
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    h = (h ^ word) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 29;
  }
  std::uint64_t tail = 0;
  for (std::size_t shift = 0; i < bytes.size(); ++i, shift += 8) tail |= std::uint64_t{bytes[i]} << shift;
  h = (h ^ tail) * 0x94D049BB133111EBull;
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 27;
  return h;
}

void MakeKey(const wire::MessageView& view, CacheKey& out) {
  auto name = view.qname.Wire();
  std::size_t n = 0;
  // Length octets are at most 63, below 'A' (65): lower-casing every octet leaves them alone.
  for (std::uint8_t c : name) out.bytes[n++] = (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + 32) : c;
  wire::Write16(&out.bytes[n], view.qtype);
  wire::Write16(&out.bytes[n + 2], view.qclass);
  n += 4;
  std::uint8_t flags = 0;
  if (view.edns && view.edns->dnssec_ok) flags |= kKeyDo;
  if (view.header.cd()) flags |= kKeyCd;
  out.bytes[n++] = flags;
  out.length = static_cast<std::uint16_t>(n);
  out.hash = HashBytes(out.View());
}

}  // namespace dnsd::plugins::cache
