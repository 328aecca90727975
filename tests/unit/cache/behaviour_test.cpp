// The cache handler end to end with a scripted upstream and a manual clock: what is cached, for
// how long, under which key, and what the client gets.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "dnsd/plugins/cache/handler.hpp"
#include "support.hpp"
#include "../../support/metric_value.hpp"

namespace dnsd::plugins::cache {
namespace {

using namespace std::chrono_literals;
using testing::Answer;
using testing::Bytes;
using testing::ClientTransaction;
using testing::Parsed;
using testing::Query;
using testing::Reply;
using testing::Rig;
using Ttls = std::vector<std::uint32_t>;

constexpr std::uint16_t kA = 1, kAAAA = 28, kTXT = 16;

Reply A(const std::string& name, std::uint32_t ttl, const std::string& ip = "10.0.0.1") {
  Reply r;
  r.answer = {name + " " + std::to_string(ttl) + " IN A " + ip};
  return r;
}
Reply Rcode(std::uint8_t rcode) {
  Reply r;
  r.rcode = rcode;
  return r;
}
Reply Negative(std::uint8_t rcode, std::uint32_t soa_ttl, std::uint32_t minimum) {
  Reply r;
  r.rcode = rcode;
  r.authority = {"example.org. " + std::to_string(soa_ttl) + " IN SOA ns.example.org. host.example.org. 1 7200 3600 1209600 " +
                 std::to_string(minimum)};
  return r;
}
// The cache's own metrics as scraped, counted from the start of a test.
using Counted = dnsd::testing::MetricsSince;

TEST(CacheHit, ASecondQueryIsAnsweredFromTheCacheWithItsTtlCountingDown) {
  Rig rig;
  Parsed first(rig.Ask(Query("www.example.org", kA), A("www.example.org.", 300)));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.Ttls(), Ttls{300});
  rig.clock->Advance(10s);
  Parsed second(rig.Ask(Query("www.example.org", kA, {.id = 0x4321})));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(rig.upstream.answered, 1);
  EXPECT_EQ(second.id(), 0x4321);
  EXPECT_EQ(second.Ttls(), Ttls{290});
  EXPECT_EQ(second.FirstAnswer(), "www.example.org.\t290\tIN\tA\t10.0.0.1");
  rig.clock->Advance(289s);
  EXPECT_EQ(Parsed(rig.Ask(Query("www.example.org", kA))).Ttls(), Ttls{1});
  EXPECT_EQ(rig.upstream.answered, 1);
}

TEST(CacheHit, AnEntryExpiresAfterItsTtlAndTheUpstreamIsAskedAgain) {
  Rig rig;
  rig.Ask(Query("www.example.org", kA), A("www.example.org.", 30));
  rig.clock->Advance(30s);
  Parsed again(rig.Ask(Query("www.example.org", kA), A("www.example.org.", 30, "10.0.0.2")));
  EXPECT_EQ(rig.upstream.answered, 2);
  EXPECT_EQ(again.FirstAnswer(), "www.example.org.\t30\tIN\tA\t10.0.0.2");
}

TEST(CacheHit, EveryRecordGetsTheMinimalTtlOfTheAnswer) {
  Rig rig;
  Reply r;
  r.answer = {"www.example.org. 300 IN CNAME web.example.org.", "web.example.org. 100 IN A 10.0.0.1"};
  r.additional = {"ns.example.org. 900 IN A 10.0.0.53"};
  EXPECT_EQ(Parsed(rig.Ask(Query("www.example.org", kA), r)).Ttls(), (Ttls{100, 100, 100}));
  rig.clock->Advance(40s);
  EXPECT_EQ(Parsed(rig.Ask(Query("www.example.org", kA))).Ttls(), (Ttls{60, 60, 60}));
}

TEST(CacheTtl, AShortTtlIsRaisedToMinTtlAndALongOneCappedAtMaxTtl) {
  Rig rig;
  EXPECT_EQ(Parsed(rig.Ask(Query("short.example.org", kA), A("short.example.org.", 1))).Ttls(), Ttls{5});
  EXPECT_EQ(Parsed(rig.Ask(Query("long.example.org", kA), A("long.example.org.", 86400))).Ttls(), Ttls{3600});
  rig.clock->Advance(4s);
  EXPECT_EQ(Parsed(rig.Ask(Query("short.example.org", kA))).Ttls(), Ttls{1});
  EXPECT_EQ(rig.upstream.answered, 2);
}

TEST(CacheTtl, TheDirectiveTtlCapsBothKinds) {
  Rig rig("cache 10");
  EXPECT_EQ(Parsed(rig.Ask(Query("a.example.org", kA), A("a.example.org.", 300))).Ttls(), Ttls{10});
  EXPECT_EQ(Parsed(rig.Ask(Query("b.example.org", kA), Negative(3, 300, 300))).Ttls(), Ttls{10});
}

TEST(CacheTtl, MinTtlZeroWithAZeroTtlAnswerCachesNothing) {
  Rig rig("cache {\n success 1024 60 0\n}");
  rig.Ask(Query("a.example.org", kA), A("a.example.org.", 0));
  rig.Ask(Query("a.example.org", kA), A("a.example.org.", 0));
  EXPECT_EQ(rig.upstream.answered, 2);
}

TEST(CacheKeepTtl, KeepttlServesTheOriginalTtlsUntilExpiry) {
  Rig rig("cache {\n keepttl\n}");
  Reply r;
  r.answer = {"www.example.org. 300 IN A 10.0.0.1", "www.example.org. 100 IN A 10.0.0.2"};
  EXPECT_EQ(Parsed(rig.Ask(Query("www.example.org", kA), r)).Ttls(), (Ttls{300, 100}));
  rig.clock->Advance(50s);
  EXPECT_EQ(Parsed(rig.Ask(Query("www.example.org", kA))).Ttls(), (Ttls{300, 100}));
  rig.clock->Advance(50s);
  rig.Ask(Query("www.example.org", kA), r);
  EXPECT_EQ(rig.upstream.answered, 2);  // still expires after the minimal TTL
}

TEST(CacheKey, DoAndCdBitsTypeAndClassAreSeparateEntries) {
  Rig rig;
  const std::string name = "www.example.org";
  rig.Ask(Query(name, kA), A(name + ".", 300));
  rig.Ask(Query(name, kA, {.edns = true, .dnssec_ok = true}), A(name + ".", 300));
  rig.Ask(Query(name, kA, {.cd = true}), A(name + ".", 300));
  rig.Ask(Query(name, kA, {.edns = true, .dnssec_ok = true, .cd = true}), A(name + ".", 300));
  rig.Ask(Query(name, kAAAA), A(name + ".", 300));
  rig.Ask(Query(name, kA, {.qclass = 3}), A(name + ".", 300));
  EXPECT_EQ(rig.upstream.answered, 6);
  rig.Ask(Query(name, kA));
  rig.Ask(Query(name, kA, {.edns = true, .dnssec_ok = true}));
  rig.Ask(Query(name, kA, {.cd = true}));
  rig.Ask(Query(name, kA, {.edns = true, .dnssec_ok = true, .cd = true}));
  rig.Ask(Query(name, kAAAA));
  rig.Ask(Query(name, kA, {.qclass = 3}));
  EXPECT_EQ(rig.upstream.answered, 6);
  EXPECT_EQ(rig.Entries(Kind::kSuccess), 6u);
}

TEST(CacheKey, NamesMatchCaseInsensitivelyAndTheQuestionKeepsTheClientsCase) {
  Rig rig;
  rig.Ask(Query("www.example.org", kA), A("www.example.org.", 300));
  Parsed hit(rig.Ask(Query("WwW.ExAmple.ORG", kA)));
  EXPECT_EQ(rig.upstream.answered, 1);
  EXPECT_EQ(hit.Question(), "WwW.ExAmple.ORG.");
  // ldns compresses the owner name to the question: it follows the client's case too.
  EXPECT_EQ(hit.FirstAnswer(), "WwW.ExAmple.ORG.\t300\tIN\tA\t10.0.0.1");
}

TEST(CacheEdns, TheOptRecordFollowsTheClientNotTheStoredAnswer) {
  Rig rig;
  Reply r = A("www.example.org.", 300);
  r.edns = true;
  Parsed first(rig.Ask(Query("www.example.org", kA, {.edns = true}), r));
  EXPECT_TRUE(first.has_edns());
  Parsed plain(rig.Ask(Query("www.example.org", kA)));
  EXPECT_FALSE(plain.has_edns());
  EXPECT_EQ(plain.Ttls(), Ttls{300});
  Parsed with_edns(rig.Ask(Query("www.example.org", kA, {.edns = true})));
  EXPECT_TRUE(with_edns.has_edns());
  EXPECT_FALSE(with_edns.edns_do());
  EXPECT_EQ(rig.upstream.answered, 1);
  // DO is part of the key; its answer echoes DO.
  Parsed secure(rig.Ask(Query("www.example.org", kA, {.edns = true, .dnssec_ok = true}), r));
  EXPECT_TRUE(secure.edns_do());
}

TEST(CacheFlags, AHitIsAuthoritativeAndKeepsAdOnlyForClientsAskingForIt) {
  Rig rig;
  Reply r = A("www.example.org.", 300);
  r.ad = true;
  rig.Ask(Query("www.example.org", kA, {.ad = true}), r);
  Parsed no_ad(rig.Ask(Query("www.example.org", kA)));
  EXPECT_TRUE(ldns_pkt_aa(no_ad.pkt()));
  EXPECT_FALSE(ldns_pkt_ad(no_ad.pkt()));
  Parsed ad(rig.Ask(Query("www.example.org", kA, {.ad = true})));
  EXPECT_TRUE(ldns_pkt_ad(ad.pkt()));
  EXPECT_TRUE(ldns_pkt_rd(ad.pkt()));
}

TEST(CacheNegative, NxdomainIsCachedForTheSoaMinimumWhenItIsBelowTheSoaTtl) {
  Rig rig;
  Parsed first(rig.Ask(Query("nope.example.org", kA), Negative(3, 3600, 60)));
  EXPECT_EQ(first.rcode(), 3);
  EXPECT_EQ(first.Ttls(), Ttls{60});
  EXPECT_EQ(rig.Entries(Kind::kDenial), 1u);
  rig.clock->Advance(59s);
  Parsed hit(rig.Ask(Query("nope.example.org", kA)));
  EXPECT_EQ(hit.rcode(), 3);
  EXPECT_EQ(hit.Ttls(), Ttls{1});
  rig.clock->Advance(1s);
  rig.Ask(Query("nope.example.org", kA), Negative(3, 3600, 60));
  EXPECT_EQ(rig.upstream.answered, 2);
}

TEST(CacheNegative, NxdomainIsCachedForTheSoaTtlWhenItIsBelowTheMinimum) {
  Rig rig;
  EXPECT_EQ(Parsed(rig.Ask(Query("nope.example.org", kA), Negative(3, 30, 600))).Ttls(), Ttls{30});
}

TEST(CacheNegative, NodataIsCachedAsDenialUpToTheDenialMaxTtl) {
  Rig rig;
  Parsed first(rig.Ask(Query("www.example.org", kTXT), Negative(0, 86400, 86400)));
  EXPECT_EQ(first.Ttls(), Ttls{1800});
  EXPECT_EQ(rig.Entries(Kind::kDenial), 1u);
  EXPECT_EQ(rig.Entries(Kind::kSuccess), 0u);
}

TEST(CacheNegative, NxdomainWithoutSoaIsNotCached) {
  Rig rig;
  rig.Ask(Query("nope.example.org", kA), Rcode(3));
  rig.Ask(Query("nope.example.org", kA), Rcode(3));
  EXPECT_EQ(rig.upstream.answered, 2);
}

TEST(CacheRcodes, TruncatedAnswersPassThroughUncached) {
  Counted counted;
  Rig rig;
  Reply r = A("www.example.org.", 300);
  r.tc = true;
  Bytes query = Query("www.example.org", kA);
  Bytes response = rig.Ask(query, r);
  EXPECT_EQ(response, Answer(query, r));  // untouched
  rig.Ask(query, r);
  EXPECT_EQ(rig.upstream.answered, 2);
  // Not stored: the second query was a miss too, and nothing is in the cache.
  EXPECT_EQ(counted("coredns_cache_misses_total"), 2);
  EXPECT_EQ(rig.Entries(Kind::kSuccess), 0u);
}

TEST(CacheRcodes, RefusedAndNotImpAreNotCached) {
  Rig rig;
  for (std::uint8_t rcode : {5, 4, 1}) {
    rig.Ask(Query("x.example.org", kA), Rcode(rcode));
    rig.Ask(Query("x.example.org", kA), Rcode(rcode));
  }
  EXPECT_EQ(rig.upstream.answered, 6);
}

TEST(CacheRcodes, ServfailIsCachedForFiveSecondsByDefault) {
  Rig rig;
  EXPECT_EQ(Parsed(rig.Ask(Query("x.example.org", kA), Rcode(2))).rcode(), 2);
  rig.clock->Advance(4s);
  EXPECT_EQ(Parsed(rig.Ask(Query("x.example.org", kA))).rcode(), 2);
  EXPECT_EQ(rig.upstream.answered, 1);
  rig.clock->Advance(1s);
  rig.Ask(Query("x.example.org", kA), Rcode(2));
  EXPECT_EQ(rig.upstream.answered, 2);
}

TEST(CacheRcodes, ServfailZeroTurnsServfailCachingOff) {
  Rig rig("cache {\n servfail 0\n}");
  rig.Ask(Query("x.example.org", kA), Rcode(2));
  rig.Ask(Query("x.example.org", kA), Rcode(2));
  EXPECT_EQ(rig.upstream.answered, 2);
}

TEST(CacheZones, NamesOutsideTheZonesPassThroughUncached) {
  Counted counted;
  Rig rig("cache example.org");
  rig.Ask(Query("www.other.net", kA), A("www.other.net.", 300));
  rig.Ask(Query("www.other.net", kA), A("www.other.net.", 300));
  EXPECT_EQ(rig.upstream.answered, 2);
  EXPECT_EQ(counted("coredns_cache_requests_total"), 0);  // passed on: not a cache request (CoreDNS)
  rig.Ask(Query("www.Example.org", kA), A("www.example.org.", 300));
  rig.Ask(Query("www.example.org", kA));
  EXPECT_EQ(rig.upstream.answered, 3);
}

TEST(CacheZones, TheServerBlockZonesAreTheDefault) {
  Counted counted;
  Rig rig("cache", {"example.org."});
  rig.Ask(Query("www.other.net", kA), A("www.other.net.", 300));
  EXPECT_EQ(rig.upstream.answered, 1);
  EXPECT_EQ(counted("coredns_cache_requests_total"), 0);  // passed on
}

TEST(CacheZones, DisableSuccessKeepsCachingDenialsAndViceVersa) {
  Rig rig("cache {\n disable success example.org\n}");
  rig.Ask(Query("www.example.org", kA), A("www.example.org.", 300));
  rig.Ask(Query("www.example.org", kA), A("www.example.org.", 300));
  EXPECT_EQ(rig.upstream.answered, 2);
  rig.Ask(Query("nope.example.org", kA), Negative(3, 300, 300));
  rig.Ask(Query("nope.example.org", kA));
  EXPECT_EQ(rig.upstream.answered, 3);
  rig.Ask(Query("www.other.net", kA), A("www.other.net.", 300));
  rig.Ask(Query("www.other.net", kA));
  EXPECT_EQ(rig.upstream.answered, 4);
}

TEST(CacheCapacity, TheBoundHoldsUnderTenTimesMoreNamesThanCapacity) {
  Rig rig("cache {\n success 1024\n denial 1024\n}");
  for (int i = 0; i < 10240; ++i) {
    const std::string name = "host" + std::to_string(i) + ".example.org";
    rig.Ask(Query(name, kA), A(name + ".", 300));
  }
  const StoreCounters counters = rig.store().Counters();
  EXPECT_LE(counters.entries[0], 1024u);
  EXPECT_GT(counters.entries[0], 900u);  // shards fill unevenly, but nearly all of it is used
  EXPECT_GE(counters.evictions[0], 10240u - 1024u);
  EXPECT_EQ(counters.entries[1], 0u);
  // The newest name is always there.
  rig.Ask(Query("host10239.example.org", kA));
  EXPECT_EQ(rig.upstream.answered, 10240);
}

TEST(CacheStale, ImmediateAnswersAnExpiredEntryWithTtlZeroAndRefreshesItOnce) {
  Counted counted;
  Rig rig("cache {\n serve_stale\n}");
  rig.Ask(Query("www.example.org", kA), A("www.example.org.", 30));
  rig.clock->Advance(40s);
  Parsed stale(rig.Ask(Query("www.example.org", kA)));
  EXPECT_EQ(stale.Ttls(), Ttls{0});
  EXPECT_EQ(stale.FirstAnswer(), "www.example.org.\t0\tIN\tA\t10.0.0.1");
  ASSERT_EQ(rig.upstream.pending.size(), 1u);  // the refresh
  rig.Ask(Query("www.example.org", kA));      // one refresh in flight per key
  EXPECT_EQ(rig.upstream.pending.size(), 1u);
  rig.upstream.AnswerNext(A("www.example.org.", 30, "10.0.0.2"));
  Parsed fresh(rig.Ask(Query("www.example.org", kA)));
  EXPECT_EQ(fresh.FirstAnswer(), "www.example.org.\t30\tIN\tA\t10.0.0.2");
  EXPECT_EQ(counted("coredns_cache_served_stale_total"), 2);
  EXPECT_EQ(counted("coredns_cache_prefetch_total"), 1);  // CoreDNS counts stale refreshes as prefetches
}

TEST(CacheStale, AFailedRefreshKeepsTheStaleEntry) {
  Rig rig("cache {\n serve_stale 1h immediate\n}");
  rig.Ask(Query("www.example.org", kA), A("www.example.org.", 30));
  rig.clock->Advance(40s);
  rig.Ask(Query("www.example.org", kA));
  rig.upstream.AnswerNext(Rcode(2));
  Parsed again(rig.Ask(Query("www.example.org", kA)));
  EXPECT_EQ(again.rcode(), 0);
  EXPECT_EQ(again.FirstAnswer(), "www.example.org.\t0\tIN\tA\t10.0.0.1");
  EXPECT_EQ(rig.upstream.pending.size(), 1u);  // a new refresh may start
}

TEST(CacheStale, EntriesOlderThanTheStaleWindowAreMisses) {
  Counted counted;
  Rig rig("cache {\n serve_stale 10m\n}");
  rig.Ask(Query("www.example.org", kA), A("www.example.org.", 30));
  rig.clock->Advance(30s + 10min);
  rig.Ask(Query("www.example.org", kA), A("www.example.org.", 30));
  EXPECT_EQ(rig.upstream.answered, 2);
  EXPECT_EQ(counted("coredns_cache_served_stale_total"), 0);
}

TEST(CacheStale, VerifyAsksUpstreamFirstAndServesStaleOnlyOnFailure) {
  Rig rig("cache {\n serve_stale 1h verify\n}");
  rig.Ask(Query("www.example.org", kA), A("www.example.org.", 30));
  rig.clock->Advance(40s);
  {
    ClientTransaction tx(Query("www.example.org", kA));
    rig.handler->Serve(tx);
    EXPECT_EQ(tx.responses, 0);
    rig.upstream.AnswerNext(Rcode(2));
    ASSERT_EQ(tx.responses, 1);
    Parsed stale(tx.response());
    EXPECT_EQ(stale.rcode(), 0);
    EXPECT_EQ(stale.FirstAnswer(), "www.example.org.\t0\tIN\tA\t10.0.0.1");
  }
  {
    ClientTransaction tx(Query("www.example.org", kA));
    rig.handler->Serve(tx);
    EXPECT_EQ(tx.responses, 0);
    rig.upstream.AnswerNext(A("www.example.org.", 30, "10.0.0.2"));
    Parsed fresh(tx.response());
    EXPECT_EQ(fresh.FirstAnswer(), "www.example.org.\t30\tIN\tA\t10.0.0.2");
  }
  EXPECT_EQ(Parsed(rig.Ask(Query("www.example.org", kA))).Ttls(), Ttls{30});
  EXPECT_EQ(rig.upstream.answered, 3);
}

TEST(CachePrefetch, APopularEntryIsRefreshedWhenItsTtlFallsBelowThePercentage) {
  Counted counted;
  Rig rig("cache {\n prefetch 2 1m 50%\n}");
  rig.Ask(Query("www.example.org", kA), A("www.example.org.", 100));
  rig.clock->Advance(10s);
  rig.Ask(Query("www.example.org", kA));  // hit 1, 90s left: not yet
  EXPECT_TRUE(rig.upstream.pending.empty());
  rig.clock->Advance(45s);
  Parsed hit(rig.Ask(Query("www.example.org", kA)));  // hit 2, 45s left <= 50
  EXPECT_EQ(hit.Ttls(), Ttls{45});  // the client is answered from the cache at once
  ASSERT_EQ(rig.upstream.pending.size(), 1u);
  rig.Ask(Query("www.example.org", kA));  // no second prefetch while one is in flight
  EXPECT_EQ(rig.upstream.pending.size(), 1u);
  rig.upstream.AnswerNext(A("www.example.org.", 100, "10.0.0.2"));
  Parsed fresh(rig.Ask(Query("www.example.org", kA)));
  EXPECT_EQ(fresh.FirstAnswer(), "www.example.org.\t100\tIN\tA\t10.0.0.2");
  EXPECT_EQ(counted("coredns_cache_prefetch_total"), 1);
}

TEST(CachePrefetch, HitsSpreadWiderThanTheDurationDoNotCount) {
  Rig rig("cache {\n prefetch 2 10s 50%\n}");
  rig.Ask(Query("www.example.org", kA), A("www.example.org.", 100));
  rig.clock->Advance(30s);
  rig.Ask(Query("www.example.org", kA));  // hit 1
  rig.clock->Advance(30s);
  rig.Ask(Query("www.example.org", kA));  // gap of 30s > 10s: the count starts again
  EXPECT_TRUE(rig.upstream.pending.empty());
  rig.clock->Advance(5s);
  rig.Ask(Query("www.example.org", kA));  // hit 2 within 10s, 35s left
  EXPECT_EQ(rig.upstream.pending.size(), 1u);
}

TEST(CachePrefetch, NoPrefetchWithoutThePrefetchOption) {
  Rig rig;
  rig.Ask(Query("www.example.org", kA), A("www.example.org.", 100));
  for (int i = 0; i < 99; ++i) {
    rig.clock->Advance(1s);
    rig.Ask(Query("www.example.org", kA));
  }
  EXPECT_TRUE(rig.upstream.pending.empty());
}

TEST(CacheQueries, ZoneTransfersAndNonQueryOpcodesPassThrough) {
  Counted counted;
  Rig rig;
  rig.Ask(Query("example.org", 252), Rcode(5));
  Bytes notify = Query("example.org", 6);
  notify[2] |= 0x20;  // opcode NOTIFY
  rig.Ask(notify, Rcode(4));
  EXPECT_EQ(rig.upstream.answered, 2);
  EXPECT_EQ(counted("coredns_cache_requests_total"), 0);  // passed on
}

}  // namespace
}  // namespace dnsd::plugins::cache
