#include "dnsd/plugins/cache/store.hpp"

#include <bit>
#include <cstring>
#include <limits>
#include <new>

namespace dnsd::plugins::cache {

// One cached answer, followed in the same allocation by its TTL offsets, its key and its message.
struct CacheStore::Entry {
  std::uint64_t hash;
  std::int64_t stored;           // clock nanoseconds at insert
  std::int64_t last_hit;         // prefetch frequency: time of the last counted hit
  std::int64_t refresh_started;  // 0: no refresh in flight
  std::uint32_t ttl;             // seconds the entry is fresh for
  std::uint32_t hits;            // hits with no gap of the prefetch window between them
  std::uint32_t kind_pos;        // index in its shard's kind list
  std::uint16_t key_len, msg_len, ttl_count;
  Kind kind;

  std::uint16_t* offsets() { return reinterpret_cast<std::uint16_t*>(this + 1); }
  std::uint8_t* key() { return reinterpret_cast<std::uint8_t*>(offsets() + ttl_count); }
  std::uint8_t* message() { return key() + key_len; }
  std::size_t AllocationSize() const { return Size(key_len, msg_len, ttl_count); }
  static std::size_t Size(std::size_t key, std::size_t msg, std::size_t offsets) {
    return sizeof(Entry) + offsets * sizeof(std::uint16_t) + key + msg;
  }
  std::int64_t Remaining(std::int64_t now) const {
    return std::int64_t{ttl} - (now - stored) / 1'000'000'000;
  }
};

namespace {
constexpr std::size_t kNotFound = std::numeric_limits<std::size_t>::max();

std::uint64_t NextRandom(std::uint64_t& state) {  // xorshift64*
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1Dull;
}
}  // namespace

StorePolicy StorePolicy::From(const Options& options) {
  StorePolicy policy;
  policy.per_shard[0] = options.success.PerShard();
  policy.per_shard[1] = options.denial.PerShard();
  policy.stale_nanos = options.stale_for.count();
  policy.stale_refresh = options.stale_mode == StaleMode::kImmediate;
  policy.prefetch_amount = options.prefetch_amount;
  policy.prefetch_window_nanos = options.prefetch_window.count();
  policy.prefetch_percentage = options.prefetch_percentage;
  return policy;
}

CacheStore::CacheStore(const StorePolicy& policy) : policy_(policy), shards_(kShards) {
  const std::size_t per_shard = std::size_t{policy.per_shard[0]} + policy.per_shard[1];
  const std::size_t slots = std::bit_ceil(per_shard + per_shard / 2 + 1);
  std::uint64_t seed = 0x853C49E6748FEA9Bull;
  for (Shard& shard : shards_) {
    shard.slots.resize(slots);
    shard.mask = slots - 1;
    shard.rng = (seed += 0x9E3779B97F4A7C15ull) | 1;
    shard.kinds[0].reserve(policy.per_shard[0]);
    shard.kinds[1].reserve(policy.per_shard[1]);
  }
}

CacheStore::~CacheStore() {
  for (Shard& shard : shards_) {
    for (auto& list : shard.kinds) {
      for (Entry* entry : list) ::operator delete(entry);
    }
  }
}

std::size_t CacheStore::Find(Shard& shard, const CacheKey& key) const {
  for (std::size_t i = (key.hash >> 8) & shard.mask;; i = (i + 1) & shard.mask) {
    const Slot& slot = shard.slots[i];
    if (slot.entry == nullptr) return kNotFound;
    if (slot.hash == key.hash && slot.entry->key_len == key.length &&
        std::memcmp(slot.entry->key(), key.bytes.data(), key.length) == 0) {
      return i;
    }
  }
}

// Backward-shift deletion keeps every probe sequence unbroken without tombstones. The entry is
// unlinked, not freed: the caller frees it after unlocking.
void CacheStore::Erase(Shard& shard, std::size_t i) {
  Entry* entry = shard.slots[i].entry;
  auto& list = shard.kinds[static_cast<int>(entry->kind)];
  list[entry->kind_pos] = list.back();
  list[entry->kind_pos]->kind_pos = entry->kind_pos;
  list.pop_back();
  shard.entry_bytes -= entry->AllocationSize();
  for (std::size_t j = (i + 1) & shard.mask; shard.slots[j].entry != nullptr; j = (j + 1) & shard.mask) {
    const std::size_t home = (shard.slots[j].hash >> 8) & shard.mask;
    // Move slot j back to i when i lies cyclically in [home, j).
    const bool movable = (i <= j) ? (home <= i || home > j) : (home <= i && home > j);
    if (movable) {
      shard.slots[i] = shard.slots[j];
      i = j;
    }
  }
  shard.slots[i] = Slot{};
}

LookupResult CacheStore::Lookup(const CacheKey& key, std::int64_t now, LookupMode mode,
                                std::span<std::uint8_t> message_out,
                                std::span<std::uint16_t> offsets_out) {
  LookupResult result;
  Shard& shard = ShardOf(shards_, key.hash);
  Entry* expired = nullptr;
  {
    std::lock_guard lock(shard.mutex);
    const std::size_t i = Find(shard, key);
    if (i == kNotFound) return result;
    Entry* entry = shard.slots[i].entry;
    const std::int64_t remaining = entry->Remaining(now);
    if (remaining > 0) {
      result.status = LookupStatus::kFresh;
    } else if (policy_.stale_nanos > 0 && -remaining < policy_.stale_nanos / 1'000'000'000) {
      result.status = LookupStatus::kStale;
    } else {
      expired = entry;
      Erase(shard, i);
    }
    if (!expired) {
      result.kind = entry->kind;
      result.remaining = remaining;
      result.length = entry->msg_len;
      result.ttl_count = entry->ttl_count;
      std::memcpy(message_out.data(), entry->message(), entry->msg_len);
      std::memcpy(offsets_out.data(), entry->offsets(), entry->ttl_count * sizeof(std::uint16_t));
      if (mode == LookupMode::kServe) {
        const bool refreshing = entry->refresh_started != 0 &&
                                now - entry->refresh_started < policy_.refresh_timeout_nanos;
        bool refresh = false;
        if (result.status == LookupStatus::kStale) {
          refresh = policy_.stale_refresh;
        } else if (policy_.prefetch_amount > 0) {
          // CoreDNS's freq: a gap of the window or more starts the count again.
          if (entry->hits == 0 || now - entry->last_hit > policy_.prefetch_window_nanos) entry->hits = 1;
          else ++entry->hits;
          entry->last_hit = now;
          const std::uint64_t threshold = (std::uint64_t{policy_.prefetch_percentage} * entry->ttl + 99) / 100;
          refresh = entry->hits >= policy_.prefetch_amount &&
                    static_cast<std::uint64_t>(remaining) <= threshold;
        }
        if (refresh && !refreshing) {
          entry->refresh_started = now;
          result.start_refresh = true;
        }
      }
    }
  }
  if (expired) ::operator delete(expired);
  return result;
}

void CacheStore::EvictOne(Shard& shard, Kind kind) {
  auto& list = shard.kinds[static_cast<int>(kind)];
  // CoreDNS evicts at random; of two random entries dnsd evicts the one that expires first, so
  // expired and short-lived entries tend to go before popular long-lived ones.
  Entry* a = list[NextRandom(shard.rng) % list.size()];
  Entry* b = list[NextRandom(shard.rng) % list.size()];
  auto expiry = [](const Entry* e) { return e->stored + std::int64_t{e->ttl} * 1'000'000'000; };
  Entry* victim = expiry(a) <= expiry(b) ? a : b;
  std::size_t i = (victim->hash >> 8) & shard.mask;
  while (shard.slots[i].entry != victim) i = (i + 1) & shard.mask;
  Erase(shard, i);
  ++shard.evictions[static_cast<int>(kind)];
  ::operator delete(victim);  // under the lock, but eviction is on the insert path only
}

bool CacheStore::Insert(const InsertRequest& request) {
  const CacheKey& key = *request.key;
  const std::size_t size = Entry::Size(key.length, request.message.size(), request.ttl_offsets.size());
  // Allocated and filled before locking: the critical section only links it in.
  auto* entry = static_cast<Entry*>(::operator new(size));
  entry->hash = key.hash;
  entry->stored = request.now;
  entry->last_hit = 0;
  entry->refresh_started = 0;
  entry->ttl = request.ttl;
  entry->hits = 0;
  entry->kind_pos = 0;
  entry->key_len = key.length;
  entry->msg_len = static_cast<std::uint16_t>(request.message.size());
  entry->ttl_count = static_cast<std::uint16_t>(request.ttl_offsets.size());
  entry->kind = request.kind;
  std::memcpy(entry->offsets(), request.ttl_offsets.data(), request.ttl_offsets.size_bytes());
  std::memcpy(entry->key(), key.bytes.data(), key.length);
  std::memcpy(entry->message(), request.message.data(), request.message.size());

  Shard& shard = ShardOf(shards_, key.hash);
  Entry* replaced = nullptr;
  bool evicted = false;
  {
    std::lock_guard lock(shard.mutex);
    if (std::size_t i = Find(shard, key); i != kNotFound) {
      replaced = shard.slots[i].entry;
      entry->hits = replaced->hits;  // popularity survives a refresh (CoreDNS copies it too)
      entry->last_hit = replaced->last_hit;
      Erase(shard, i);
    }
    auto& list = shard.kinds[static_cast<int>(request.kind)];
    if (list.size() >= policy_.per_shard[static_cast<int>(request.kind)]) {
      EvictOne(shard, request.kind);
      evicted = true;
    }
    entry->kind_pos = static_cast<std::uint32_t>(list.size());
    list.push_back(entry);  // reserved to the shard's capacity: no reallocation
    shard.entry_bytes += size;
    std::size_t i = (key.hash >> 8) & shard.mask;
    while (shard.slots[i].entry != nullptr) i = (i + 1) & shard.mask;
    shard.slots[i] = Slot{key.hash, entry};
  }
  if (replaced) ::operator delete(replaced);
  return evicted;
}

void CacheStore::EndRefresh(const CacheKey& key) {
  Shard& shard = ShardOf(shards_, key.hash);
  std::lock_guard lock(shard.mutex);
  if (std::size_t i = Find(shard, key); i != kNotFound) shard.slots[i].entry->refresh_started = 0;
}

StoreCounters CacheStore::Counters() const {
  StoreCounters counters;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (int kind = 0; kind < 2; ++kind) {
      counters.entries[kind] += shard.kinds[kind].size();
      counters.evictions[kind] += shard.evictions[kind];
    }
    counters.bytes += shard.entry_bytes + shard.slots.size() * sizeof(Slot) +
                      (shard.kinds[0].capacity() + shard.kinds[1].capacity()) * sizeof(Entry*);
  }
  return counters;
}

}  // namespace dnsd::plugins::cache
