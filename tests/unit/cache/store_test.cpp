// The sharded store on its own: probing and backward-shift deletion keep every entry findable,
// capacity holds per kind, expiry and the stale window.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "dnsd/plugins/cache/store.hpp"

namespace dnsd::plugins::cache {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

CacheKey KeyOf(const std::string& name) {
  wire::MessageView view;
  wire::Name::FromString(name, view.qname);
  view.qtype = 1;
  view.qclass = 1;
  CacheKey key;
  MakeKey(view, key);
  return key;
}

// A message-shaped blob whose bytes say which name it is for.
std::vector<std::uint8_t> Blob(int i) {
  std::vector<std::uint8_t> blob(24, 0);
  blob[20] = static_cast<std::uint8_t>(i >> 8);
  blob[21] = static_cast<std::uint8_t>(i);
  return blob;
}

struct Buffers {
  std::vector<std::uint8_t> message = std::vector<std::uint8_t>(65535);
  std::vector<std::uint16_t> offsets = std::vector<std::uint16_t>(kMaxRecords);
};

void Put(CacheStore& store, const CacheKey& key, int i, std::uint32_t ttl, std::int64_t now,
         Kind kind = Kind::kSuccess) {
  auto blob = Blob(i);
  std::uint16_t offsets[1] = {14};
  InsertRequest request;
  request.key = &key;
  request.kind = kind;
  request.message = blob;
  request.ttl_offsets = offsets;
  request.ttl = ttl;
  request.now = now;
  store.Insert(request);
}

TEST(CacheStore, EveryFoundEntryIsTheOneStoredUnderItsKeyAcrossEvictions) {
  StorePolicy policy;
  policy.per_shard[0] = policy.per_shard[1] = 4;
  CacheStore store(policy);
  Buffers buffers;
  std::mt19937 random(7);
  std::map<int, bool> inserted;
  for (int round = 0; round < 20000; ++round) {
    const int i = static_cast<int>(random() % 3000);
    CacheKey key = KeyOf("n" + std::to_string(i) + ".example.");
    if (random() % 2) {
      Put(store, key, i, 100, 0);
      inserted[i] = true;
      LookupResult found = store.Lookup(key, kSecond, LookupMode::kServe, buffers.message, buffers.offsets);
      ASSERT_EQ(found.status, LookupStatus::kFresh);  // the newest entry is never its own victim
    }
    LookupResult found = store.Lookup(key, kSecond, LookupMode::kServe, buffers.message, buffers.offsets);
    if (found.status != LookupStatus::kMiss) {
      ASSERT_TRUE(inserted[i]);
      ASSERT_EQ(found.length, 24u);
      ASSERT_EQ(buffers.message[20] << 8 | buffers.message[21], i);
      ASSERT_EQ(found.ttl_count, 1u);
      ASSERT_EQ(buffers.offsets[0], 14);
      ASSERT_EQ(found.remaining, 99);
    }
  }
  EXPECT_LE(store.Counters().entries[0], 1024u);
}

TEST(CacheStore, EachKindHasItsOwnHardBound) {
  StorePolicy policy;
  policy.per_shard[0] = 4;
  policy.per_shard[1] = 8;
  CacheStore store(policy);
  for (int i = 0; i < 5000; ++i) {
    Put(store, KeyOf("s" + std::to_string(i) + "."), i, 100, 0, Kind::kSuccess);
    Put(store, KeyOf("d" + std::to_string(i) + "."), i, 100, 0, Kind::kDenial);
  }
  StoreCounters counters = store.Counters();
  EXPECT_EQ(counters.entries[0], 1024u);
  EXPECT_EQ(counters.entries[1], 2048u);
}

TEST(CacheStore, ReplacingAnEntryMayChangeItsKind) {
  CacheStore store(StorePolicy{});
  CacheKey key = KeyOf("a.example.");
  Put(store, key, 1, 100, 0, Kind::kSuccess);
  Put(store, key, 2, 100, 0, Kind::kDenial);
  StoreCounters counters = store.Counters();
  EXPECT_EQ(counters.entries[0], 0u);
  EXPECT_EQ(counters.entries[1], 1u);
}

TEST(CacheStore, AnExpiredEntryIsRemovedOnLookupWithoutServeStale) {
  CacheStore store(StorePolicy{});
  Buffers buffers;
  CacheKey key = KeyOf("a.example.");
  Put(store, key, 1, 10, 0);
  EXPECT_EQ(store.Lookup(key, 9 * kSecond, LookupMode::kServe, buffers.message, buffers.offsets).status,
            LookupStatus::kFresh);
  EXPECT_EQ(store.Lookup(key, 10 * kSecond, LookupMode::kServe, buffers.message, buffers.offsets).status,
            LookupStatus::kMiss);
  EXPECT_EQ(store.Counters().entries[0], 0u);
}

TEST(CacheStore, StaleEntriesAreServedWithinTheWindowOnly) {
  StorePolicy policy;
  policy.stale_nanos = 60 * kSecond;
  CacheStore store(policy);
  Buffers buffers;
  CacheKey key = KeyOf("a.example.");
  Put(store, key, 1, 10, 0);
  LookupResult stale = store.Lookup(key, 69 * kSecond, LookupMode::kStaleFallback, buffers.message, buffers.offsets);
  EXPECT_EQ(stale.status, LookupStatus::kStale);
  EXPECT_FALSE(stale.start_refresh);
  EXPECT_EQ(store.Lookup(key, 70 * kSecond, LookupMode::kServe, buffers.message, buffers.offsets).status,
            LookupStatus::kMiss);
}

}  // namespace
}  // namespace dnsd::plugins::cache
