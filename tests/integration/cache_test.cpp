// The `cache` plugin through the daemon, against a knot upstream whose zone the test rewrites: an
// answer that still carries the old zone version came from the cache. Covers hits (TTL counting down,
// ID and question case the client's), expiry, negative caching for the SOA minimum, serve_stale, the
// capacity bound, DO/CD separation, prefetch and truncation of a big hit over UDP.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cache_util.hpp"

namespace dnsd::it::cache {
namespace {

using Strings = std::vector<std::string>;

double SecondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The helper itself, against knot alone: a bumped zone is served, a stopped upstream is silent.
TEST(CacheFixture, KnotServesTheBumpedZoneAndStops) {
  CacheUpstream up;
  auto r = Query(up.endpoint(), czone::kHit, LDNS_RR_TYPE_A);
  ASSERT_TRUE(r) << up.log();
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(1, 1)});
  auto nx = Query(up.endpoint(), czone::kLater, LDNS_RR_TYPE_A);
  ASSERT_TRUE(nx);
  EXPECT_EQ(nx->rcode(), LDNS_RCODE_NXDOMAIN);
  ASSERT_TRUE(nx->AuthoritySoaMinimum());
  EXPECT_LE(MaxTtl(AuthorityTtls(*nx)), czone::kSoaMinimum) << nx->ToString();
  auto many = Query(up.endpoint(), czone::Many(77), LDNS_RR_TYPE_A);
  ASSERT_TRUE(many);
  EXPECT_EQ(many->AnswerData(LDNS_RR_TYPE_A), Strings{czone::ManyAddress(1)});
  auto medium = Query(up.endpoint(), czone::kMedium1, LDNS_RR_TYPE_A, QueryOptions{}.Edns(1232));
  ASSERT_TRUE(medium);
  EXPECT_EQ(medium->CountAnswers(LDNS_RR_TYPE_A), size_t{czone::kMediumCount});
  EXPECT_GT(medium->wire_size(), 512u);

  up.Bump();
  r = Query(up.endpoint(), czone::kLater, LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(2, 7)});
  up.Stop();
  EXPECT_FALSE(Query(up.endpoint(), czone::kHit, LDNS_RR_TYPE_A, QueryOptions{}.Timeout(300ms)));
}

class CacheHit : public CacheThroughDaemon {};

TEST_F(CacheHit, SecondQueryWithinTheTtlIsAHitWithALowerTtl) {
  Start("cache");
  auto first = Ask(czone::kHit, LDNS_RR_TYPE_A, QueryOptions{}.Id(0x1111));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(1, 1)}) << first->ToString();
  const uint32_t ttl1 = MaxTtl(AnswerTtls(*first));
  EXPECT_EQ(ttl1, 300u) << first->ToString();

  upstream().Bump();  // from now on the upstream says 10.2.0.1
  std::this_thread::sleep_for(1100ms);
  auto second = Ask(czone::kHit, LDNS_RR_TYPE_A, QueryOptions{}.Id(0x2222));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id(), 0x2222);
  EXPECT_EQ(second->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(second->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(1, 1)}) << "not a cache hit\n"
                                                                                << second->ToString();
  for (uint32_t ttl : AnswerTtls(*second)) {
    EXPECT_LT(ttl, ttl1) << "the TTL did not count down\n" << second->ToString();
    EXPECT_GE(ttl, ttl1 - 3) << second->ToString();
  }

  // The same entry over TCP.
  auto tcp = Ask(czone::kHit, LDNS_RR_TYPE_A, QueryOptions{}.Tcp());
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(1, 1)}) << tcp->ToString();
}

TEST_F(CacheHit, CacheTtlCapsWhatAHitSays) {
  Start("cache 30");
  ASSERT_TRUE(Ask(czone::kHit));
  upstream().Bump();
  auto hit = Ask(czone::kHit);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(1, 1)}) << hit->ToString();
  EXPECT_LE(MaxTtl(AnswerTtls(*hit)), 30u) << hit->ToString();
}

TEST_F(CacheHit, QuestionLetterCaseIsTheClientsOnAHit) {
  Start("cache");
  auto lower = Ask(czone::kCase);
  ASSERT_TRUE(lower);
  upstream().Bump();
  for (const std::string name : {"CaSe.CACHE.tEsT.", "CASE.CACHE.TEST.", "case.cache.test."}) {
    auto r = Ask(name);
    ASSERT_TRUE(r) << name;
    EXPECT_EQ(r->question_name(), name) << r->ToString();
    EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(1, 5)}) << "not a hit for " << name << "\n"
                                                                            << r->ToString();
  }
}

TEST_F(CacheHit, UdpHitLargerThanTheClientsLimitIsTruncated) {
  Start("cache");
  // Cached from an EDNS client (the whole RRset fits 1232), then asked without EDNS (limit 512).
  auto big = Ask(czone::kMedium1, LDNS_RR_TYPE_A, QueryOptions{}.Edns(1232));
  ASSERT_TRUE(big);
  ASSERT_EQ(big->CountAnswers(LDNS_RR_TYPE_A), size_t{czone::kMediumCount}) << big->ToString();
  upstream().Bump();  // from now on the RRset reads 10.100.2.*: 10.100.1.* is the cached one
  auto small = Ask(czone::kMedium1, LDNS_RR_TYPE_A);
  ASSERT_TRUE(small);
  EXPECT_TRUE(small->tc()) << small->ToString();
  EXPECT_LE(small->wire_size(), 512u);
  auto tcp = Ask(czone::kMedium1, LDNS_RR_TYPE_A, QueryOptions{}.Tcp());
  ASSERT_TRUE(tcp);
  EXPECT_FALSE(tcp->tc());
  EXPECT_EQ(tcp->CountAnswers(LDNS_RR_TYPE_A), size_t{czone::kMediumCount});
  auto tcp_data = tcp->AnswerData(LDNS_RR_TYPE_A);
  EXPECT_TRUE(std::find(tcp_data.begin(), tcp_data.end(), czone::MediumFirst(1)) != tcp_data.end())
      << "the TCP query was not a hit\n" << tcp->ToString();
  auto again = Ask(czone::kMedium1, LDNS_RR_TYPE_A, QueryOptions{}.Edns(1232));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->tc());
  EXPECT_EQ(again->CountAnswers(LDNS_RR_TYPE_A), size_t{czone::kMediumCount}) << again->ToString();
  auto again_data = again->AnswerData(LDNS_RR_TYPE_A);
  EXPECT_TRUE(std::find(again_data.begin(), again_data.end(), czone::MediumFirst(1)) != again_data.end())
      << "the full answer was not kept in the cache\n" << again->ToString();
}

TEST_F(CacheHit, TruncatedAnswerIsNotServedToALargerClient) {
  Start("cache");
  auto small = Ask(czone::kMedium2, LDNS_RR_TYPE_A);  // no EDNS: 512 octets, TC
  ASSERT_TRUE(small);
  EXPECT_TRUE(small->tc()) << small->ToString();
  EXPECT_LE(small->wire_size(), 512u);
  for (int i = 0; i < 2; ++i) {
    auto big = Ask(czone::kMedium2, LDNS_RR_TYPE_A, QueryOptions{}.Edns(1232));
    ASSERT_TRUE(big);
    EXPECT_FALSE(big->tc()) << big->ToString();
    EXPECT_EQ(big->CountAnswers(LDNS_RR_TYPE_A), size_t{czone::kMediumCount}) << big->ToString();
  }
}

class CacheExpiry : public CacheThroughDaemon {};

TEST_F(CacheExpiry, UpstreamChangeIsVisibleOnlyAfterTheTtl) {
  Start("cache {\n        success 9984 3600 1\n    }");
  const Clock::time_point t0 = Clock::now();
  ASSERT_EQ(AddressesOf(czone::kFlip), Strings{czone::Address(1, 2)});  // TTL 2
  upstream().Bump();
  EXPECT_EQ(AddressesOf(czone::kFlip), Strings{czone::Address(1, 2)}) << "the change showed within the TTL";
  double seen = -1;
  while (SecondsSince(t0) < 5) {
    if (AddressesOf(czone::kFlip) == Strings{czone::Address(2, 2)}) {
      seen = SecondsSince(t0);
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_GE(seen, 0) << "the change never showed (TTL 2 s)";
  EXPECT_GE(seen, 0.9) << "the entry expired too early";  // a whole-second clock may expire up to 1 s early
  EXPECT_LE(seen, 3.5);
}

TEST_F(CacheExpiry, NxdomainIsCachedForTheSoaMinimum) {
  Start("cache {\n        denial 9984 3600 1\n    }");
  const Clock::time_point t0 = Clock::now();
  auto nx = Ask(czone::kLater);
  ASSERT_TRUE(nx);
  ASSERT_EQ(nx->rcode(), LDNS_RCODE_NXDOMAIN) << nx->ToString();
  upstream().Bump();  // now `later` exists
  auto hit = Ask(czone::kLater);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->rcode(), LDNS_RCODE_NXDOMAIN) << "the negative answer was not cached\n" << hit->ToString();
  EXPECT_TRUE(hit->AuthoritySoa()) << hit->ToString();
  EXPECT_LE(MaxTtl(AuthorityTtls(*hit)), czone::kSoaMinimum) << hit->ToString();
  double seen = -1;
  while (SecondsSince(t0) < 7) {
    auto r = Ask(czone::kLater);
    if (r && r->rcode() == LDNS_RCODE_NOERROR && r->AnswerData(LDNS_RR_TYPE_A) == Strings{czone::Address(2, 7)}) {
      seen = SecondsSince(t0);
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_GE(seen, 0) << "NXDOMAIN outlived the SOA minimum of " << czone::kSoaMinimum << " s by far";
  EXPECT_GE(seen, czone::kSoaMinimum - 1.1);
  EXPECT_LE(seen, czone::kSoaMinimum + 1.5) << "cached longer than the SOA minimum";
}

TEST_F(CacheExpiry, DenialTtlCapsTheNegativeEntry) {
  Start("cache {\n        denial 9984 1 1\n    }");
  auto nx = Ask(czone::kLater);
  ASSERT_TRUE(nx);
  ASSERT_EQ(nx->rcode(), LDNS_RCODE_NXDOMAIN);
  upstream().Bump();
  auto hit = Ask(czone::kLater);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->rcode(), LDNS_RCODE_NXDOMAIN) << "not cached at all\n" << hit->ToString();
  EXPECT_LE(MaxTtl(AuthorityTtls(*hit)), 1u) << hit->ToString();
  std::this_thread::sleep_for(2100ms);  // past the 1 s cap, within the SOA minimum of 3
  auto r = Ask(czone::kLater);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(2, 7)}) << r->ToString();
}

class ServeStale : public CacheThroughDaemon {};

TEST_F(ServeStale, ExpiredEntryIsServedWhenTheUpstreamIsDown) {
  Start("cache {\n        success 9984 3600 1\n        serve_stale\n    }");
  ASSERT_EQ(AddressesOf(czone::kStale), Strings{czone::Address(1, 3)});  // TTL 1
  std::this_thread::sleep_for(2100ms);
  upstream().Stop();
  const Clock::time_point t0 = Clock::now();
  auto r = Ask(czone::kStale, LDNS_RR_TYPE_A, QueryOptions{}.Timeout(6000ms));
  ASSERT_TRUE(r) << "no answer with the upstream down";
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << r->ToString();
  EXPECT_EQ(r->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(1, 3)}) << r->ToString();
  EXPECT_EQ(MaxTtl(AnswerTtls(*r)), 0u) << "CoreDNS serves stale answers with TTL 0\n" << r->ToString();
  std::cerr << "stale answer after " << SecondsSince(t0) << " s\n";
  // Still served on the next ask (the failed refresh must not drop the entry).
  auto again = Ask(czone::kStale, LDNS_RR_TYPE_A, QueryOptions{}.Timeout(6000ms));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(1, 3)}) << again->ToString();
}

class CacheCapacity : public CacheThroughDaemon {};

TEST_F(CacheCapacity, BoundHoldsUnderTenTimesMoreNames) {
  // 1024: CoreDNS's smallest cache (256 shards of at least 4), so the bound is the same either way.
  constexpr size_t kCapacity = 1024, kNames = 10 * kCapacity;
  Start("cache {\n        success " + std::to_string(kCapacity) + "\n    }");
  std::vector<std::string> names;
  for (size_t i = 0; i < kNames; ++i) names.push_back(czone::Many(static_cast<int>(i)));
  auto filled = QueryMany(daemon().endpoint(), names);
  ASSERT_EQ(static_cast<size_t>(std::count(filled.begin(), filled.end(), czone::ManyAddress(1))), kNames)
      << "not every name answered while filling";
  upstream().Bump();
  std::reverse(names.begin(), names.end());  // the newest first: those are most likely still cached
  auto after = QueryMany(daemon().endpoint(), names);
  size_t hits = std::count(after.begin(), after.end(), czone::ManyAddress(1));
  size_t misses = std::count(after.begin(), after.end(), czone::ManyAddress(2));
  std::cerr << kNames << " names through a cache of " << kCapacity << ": " << hits << " still cached\n";
  EXPECT_EQ(hits + misses, kNames) << "some names got no answer";
  EXPECT_LE(hits, kCapacity) << "the cache holds more than its capacity";
  EXPECT_GT(hits, 0u) << "nothing was cached at all";
}

class DnssecBits : public CacheThroughDaemon {};

TEST_F(DnssecBits, DoAndNonDoAnswersAreKeptApart) {
  Start("cache", /*sign=*/true);
  auto rrsigs = [](const std::optional<Reply>& r) { return r ? r->CountAnswers(LDNS_RR_TYPE_RRSIG) : 0; };
  // DO first, then without: the second must not be the DO answer.
  auto with_do = Ask(czone::kSigned, LDNS_RR_TYPE_A, QueryOptions{}.Do());
  ASSERT_TRUE(with_do);
  ASSERT_GT(rrsigs(with_do), 0u) << with_do->ToString();
  auto plain = Ask(czone::kSigned, LDNS_RR_TYPE_A, QueryOptions{}.Edns(1232));
  ASSERT_TRUE(plain);
  EXPECT_EQ(rrsigs(plain), 0u) << "a DO answer went to a client without DO\n" << plain->ToString();
  auto no_edns = Ask(czone::kSigned, LDNS_RR_TYPE_A);
  ASSERT_TRUE(no_edns);
  EXPECT_EQ(rrsigs(no_edns), 0u) << no_edns->ToString();
  // Without DO first, then with: the DO client gets its signatures.
  auto plain_ns = Ask(czone::kSignedNs, LDNS_RR_TYPE_A, QueryOptions{}.Edns(1232));
  ASSERT_TRUE(plain_ns);
  EXPECT_EQ(rrsigs(plain_ns), 0u) << plain_ns->ToString();
  auto do_ns = Ask(czone::kSignedNs, LDNS_RR_TYPE_A, QueryOptions{}.Do());
  ASSERT_TRUE(do_ns);
  EXPECT_GT(rrsigs(do_ns), 0u) << "a non-DO answer went to a DO client\n" << do_ns->ToString();

  // Both kinds are really cached: a second later each comes back with a lower TTL, still apart.
  std::this_thread::sleep_for(1100ms);
  auto do_hit = Ask(czone::kSigned, LDNS_RR_TYPE_A, QueryOptions{}.Do());
  auto plain_hit = Ask(czone::kSigned, LDNS_RR_TYPE_A, QueryOptions{}.Edns(1232));
  ASSERT_TRUE(do_hit && plain_hit);
  EXPECT_GT(rrsigs(do_hit), 0u) << do_hit->ToString();
  EXPECT_TRUE(do_hit->dnssec_ok()) << do_hit->ToString();
  EXPECT_EQ(rrsigs(plain_hit), 0u) << plain_hit->ToString();
  EXPECT_LT(MaxTtl(AnswerTtls(*do_hit)), MaxTtl(AnswerTtls(*with_do))) << do_hit->ToString();
  EXPECT_LT(MaxTtl(AnswerTtls(*plain_hit)), MaxTtl(AnswerTtls(*plain))) << plain_hit->ToString();
}

TEST_F(DnssecBits, CdAndNonCdAnswersAreKeptApart) {
  Start("cache");
  auto cd1 = QueryCd(daemon().endpoint(), czone::kCd, LDNS_RR_TYPE_A, true, 0x0cd1);
  ASSERT_TRUE(cd1);
  ASSERT_EQ(cd1->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(1, 6)});
  upstream().Bump();
  auto plain = QueryCd(daemon().endpoint(), czone::kCd, LDNS_RR_TYPE_A, false, 0x0cd2);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(2, 6)})
      << "the CD=1 entry answered a CD=0 query\n" << plain->ToString();
  EXPECT_FALSE(CdFlag(*plain)) << plain->ToString();
  auto cd2 = QueryCd(daemon().endpoint(), czone::kCd, LDNS_RR_TYPE_A, true, 0x0cd3);
  ASSERT_TRUE(cd2);
  EXPECT_EQ(cd2->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(1, 6)}) << "the CD=1 entry was lost\n"
                                                                            << cd2->ToString();
  auto plain2 = QueryCd(daemon().endpoint(), czone::kCd, LDNS_RR_TYPE_A, false, 0x0cd4);
  ASSERT_TRUE(plain2);
  EXPECT_EQ(plain2->AnswerData(LDNS_RR_TYPE_A), Strings{czone::Address(2, 6)}) << plain2->ToString();
}

class Prefetch : public CacheThroughDaemon {};

TEST_F(Prefetch, PopularEntryIsRefreshedBeforeItExpires) {
  Start("cache {\n        success 9984 3600 1\n        prefetch 1 1m 50%\n    }");
  const Clock::time_point t0 = Clock::now();
  ASSERT_EQ(AddressesOf(czone::kPrefetch), Strings{czone::Address(1, 4)});  // TTL 5, cached
  upstream().Bump();
  // Without prefetch version 1 is served until the entry expires (t0 + 5 s; t0 + 4 s with a
  // whole-second clock). With it, a hit once less than half the TTL is left refreshes the entry.
  const double expiry_bound = czone::kPrefetchTtl - 1.2;
  double seen = -1;
  uint32_t seen_ttl = 0;
  while (SecondsSince(t0) < expiry_bound) {
    auto r = Ask(czone::kPrefetch);
    if (r && r->AnswerData(LDNS_RR_TYPE_A) == Strings{czone::Address(2, 4)}) {
      seen = SecondsSince(t0);
      seen_ttl = MaxTtl(AnswerTtls(*r));
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_GE(seen, 0) << "no refresh before " << expiry_bound << " s (the entry's TTL is " << czone::kPrefetchTtl
                     << " s)";
  std::cerr << "refreshed answer seen after " << seen << " s with TTL " << seen_ttl << "\n";
  EXPECT_GE(seen, 0.9) << "refreshed far too early: was it cached at all?";
  EXPECT_GE(seen_ttl, czone::kPrefetchTtl - 2) << "the refreshed entry's TTL did not jump back up";
}

}  // namespace
}  // namespace dnsd::it::cache
