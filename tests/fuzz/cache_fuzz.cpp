// Fuzzes the cache's key and patch path (dnsd/plugins/cache): the input is a client query and a
// response (fuzz_support.hpp's two-message form). The query's key is built, the response is
// analysed, stored (with neighbours in the same shard, so eviction and replacement run), looked
// up and patched into the client's reply, as CacheHandler does. Checks: the key ignores the
// name's letter case; a patched reply parses and carries the client's ID, RD/CD, question (its
// letter case included) and EDNS presence, and every TTL but OPT's is the one asked for.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "dnsd/plugins/cache/answer.hpp"
#include "dnsd/plugins/cache/key.hpp"
#include "dnsd/plugins/cache/store.hpp"
#include "dnsd/wire/message.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace dnsd::plugins::cache;
namespace wire = dnsd::wire;

constexpr std::size_t kMaxMessage = 65535;

std::uint32_t Read32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

// The key of the same query with its name lower-cased equals the key of the query.
void CheckKeyIgnoresCase(const wire::MessageView& view, const CacheKey& key) {
  wire::MessageView lower = view;
  lower.qname.ToLower();
  CacheKey other;
  MakeKey(lower, other);
  FUZZ_CHECK(other.length == key.length && other.hash == key.hash);
  FUZZ_CHECK(std::equal(key.View().begin(), key.View().end(), other.View().begin()));
}

void CheckPatched(std::span<const std::uint8_t> reply, const wire::MessageView& client,
                  std::span<const std::uint8_t> stored, std::span<const std::uint16_t> offsets,
                  std::uint32_t ttl) {
  wire::MessageView view;
  FUZZ_CHECK(wire::ParseMessage(reply, view) == wire::WireError::kOk);
  FUZZ_CHECK(view.header.id == client.header.id);
  FUZZ_CHECK(view.header.rd() == client.header.rd() && view.header.cd() == client.header.cd());
  FUZZ_CHECK(view.header.aa() && !view.header.tc());
  FUZZ_CHECK(view.qname.IdenticalTo(client.qname));
  FUZZ_CHECK(view.qtype == client.qtype && view.qclass == client.qclass);
  FUZZ_CHECK(view.edns.has_value() == client.edns.has_value());
  FUZZ_CHECK(reply.size() == stored.size() + (client.edns ? kBareOptSize : 0));
  for (std::uint16_t offset : offsets) {
    FUZZ_CHECK(offset + 4u <= stored.size());
    FUZZ_CHECK(Read32(reply.data() + offset) == ttl);
  }
}

StorePolicy SmallPolicy() {
  StorePolicy policy;
  policy.per_shard[0] = policy.per_shard[1] = 4;  // kMinShardCapacity: a few inserts evict
  policy.stale_nanos = 3'600'000'000'000;
  policy.prefetch_amount = 2;
  return policy;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [query, response] = dnsd::fuzz::SplitTwo({data, size});
  wire::MessageView client;
  if (wire::ParseMessage(query, client) != wire::WireError::kOk) return 0;
  CacheKey key;
  MakeKey(client, key);
  CheckKeyIgnoresCase(client, key);

  static std::vector<std::uint16_t> offsets(kMaxRecords);
  const Analysis analysis = Analyse(response, client, offsets);
  if (!analysis.cacheable) return 0;
  FUZZ_CHECK(analysis.stored_length <= response.size() && analysis.stored_length >= wire::kHeaderSize);
  FUZZ_CHECK(analysis.ttl_count <= kMaxRecords);
  static std::vector<std::uint8_t> stored(kMaxMessage + kBareOptSize);
  const std::size_t length = BuildStoredForm(response, analysis, stored);
  FUZZ_CHECK(length == analysis.stored_length);
  const std::span<const std::uint16_t> ttls(offsets.data(), analysis.ttl_count);

  // A fresh store per input keeps runs reproducible. Neighbours share the key's shard: same
  // low hash octet, other slots, other key octets.
  CacheStore store(SmallPolicy());
  const std::size_t neighbours = response.empty() ? 0 : response.back() % 8;
  for (std::size_t i = 0; i <= neighbours; ++i) {
    CacheKey k = key;
    if (i > 0) {
      k.bytes[k.length - 1] = static_cast<std::uint8_t>(k.bytes[k.length - 1] ^ (0x80 | i));
      k.hash ^= static_cast<std::uint64_t>(i) << 8;
    }
    InsertRequest request;
    request.key = &k;
    request.kind = analysis.type == AnswerType::kNoError || analysis.type == AnswerType::kDelegation
                       ? Kind::kSuccess
                       : Kind::kDenial;
    request.message = {stored.data(), length};
    request.ttl_offsets = ttls;
    request.ttl = analysis.minimal_ttl == 0 ? 1 : analysis.minimal_ttl;
    request.now = 1'000'000'000;
    store.Insert(request);
  }
  const StoreCounters counters = store.Counters();
  FUZZ_CHECK(counters.entries[0] <= 4 * kShards && counters.entries[1] <= 4 * kShards);

  static std::vector<std::uint8_t> hit(kMaxMessage + kBareOptSize);
  static std::vector<std::uint16_t> hit_offsets(kMaxRecords);
  for (std::int64_t now : {std::int64_t{1'000'000'000}, std::int64_t{9'000'000'000'000}}) {
    const LookupResult result = store.Lookup(key, now, LookupMode::kServe, hit, hit_offsets);
    if (result.status == LookupStatus::kMiss) continue;  // evicted by a neighbour, or expired
    FUZZ_CHECK(result.length == length && result.ttl_count == analysis.ttl_count);
    FUZZ_CHECK(std::equal(stored.begin(), stored.begin() + static_cast<std::ptrdiff_t>(length), hit.begin()));
    ReplyPatch patch;
    patch.client_query = query;
    patch.client_view = &client;
    patch.ttl_offsets = {hit_offsets.data(), result.ttl_count};
    patch.ttl = result.remaining > 0 ? static_cast<std::uint32_t>(result.remaining) : 0;
    patch.from_cache = true;
    const std::size_t reply_length = PatchReply(hit, result.length, patch);
    CheckPatched({hit.data(), reply_length}, client, {stored.data(), length}, patch.ttl_offsets, patch.ttl);
  }
  store.EndRefresh(key);
  return 0;
}
