// Helpers for the cache tests: a knot upstream of their own whose zone the test rewrites and reloads
// (so a cache hit shows as the old answer), which can be stopped (serve_stale), plus readers for TTLs
// and a pipelined UDP querier for the capacity test.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fixture/child_process.hpp"
#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/net.hpp"
#include "fixture/temp_dir.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it::cache {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The zone cache.test. at `version`: records whose data carries the version answer 10.V.x.y, so a
// test sees whether an answer came from the cache (old version) or the upstream (new version).
namespace czone {
inline constexpr const char* kApex = "cache.test.";
inline constexpr uint32_t kSoaMinimum = 3;   // negative answers live 3 s (RFC 2308: min(SOA TTL, minimum))
inline constexpr const char* kHit = "hit.cache.test.";          // TTL 300, 10.V.0.1
inline constexpr const char* kFlip = "flip.cache.test.";        // TTL 2,   10.V.0.2
inline constexpr const char* kStale = "stale.cache.test.";      // TTL 1,   10.V.0.3
inline constexpr const char* kPrefetch = "pre.cache.test.";     // TTL 5,   10.V.0.4
inline constexpr uint32_t kPrefetchTtl = 5;
inline constexpr const char* kCase = "case.cache.test.";        // TTL 300, 10.V.0.5
inline constexpr const char* kCd = "cd.cache.test.";            // TTL 300, 10.V.0.6
inline constexpr const char* kLater = "later.cache.test.";      // absent at version 1, 10.V.0.7 after
inline constexpr const char* kMedium1 = "medium1.cache.test.";  // 40 A 10.100.V.i, ~690 octets
inline constexpr const char* kMedium2 = "medium2.cache.test.";  // 40 A 10.101.V.i
inline constexpr int kMediumCount = 40;
inline constexpr const char* kSigned = "www.dnssec.test.";      // signed on the fly by knot
inline constexpr const char* kSignedNs = "ns.dnssec.test.";

inline std::string Address(int version, int last) {
  return "10." + std::to_string(version) + ".0." + std::to_string(last);
}
// NAME-I.many.cache.test. (wildcard, TTL 300, 10.V.9.9)
inline std::string Many(int i) { return "n" + std::to_string(i) + ".many.cache.test."; }
inline std::string MediumFirst(int version) { return "10.100." + std::to_string(version) + ".1"; }
inline std::string ManyAddress(int version) { return "10." + std::to_string(version) + ".9.9"; }

inline std::string Text(int version) {
  const std::string v = std::to_string(version);
  std::ostringstream z;
  z << "$ORIGIN cache.test.\n$TTL 300\n"
    << "@ 3600 IN SOA ns hostmaster " << version << " 7200 1800 86400 " << kSoaMinimum << "\n"
    << "@ IN NS ns\nns IN A 10.96.0.53\n"
    << "hit IN A " << Address(version, 1) << "\n"
    << "flip 2 IN A " << Address(version, 2) << "\n"
    << "stale 1 IN A " << Address(version, 3) << "\n"
    << "pre " << kPrefetchTtl << " IN A " << Address(version, 4) << "\n"
    << "case IN A " << Address(version, 5) << "\n"
    << "cd IN A " << Address(version, 6) << "\n"
    << "*.many IN A " << ManyAddress(version) << "\n";
  if (version > 1) z << "later IN A " << Address(version, 7) << "\n";
  for (int i = 1; i <= kMediumCount; ++i) {
    z << "medium1 IN A 10.100." << version << "." << i << "\n"
      << "medium2 IN A 10.101." << version << "." << i << "\n";
  }
  return z.str();
}

inline std::string SignedText() {
  return "$ORIGIN dnssec.test.\n$TTL 300\n@ IN SOA ns hostmaster 1 7200 1800 86400 30\n"
         "@ IN NS ns\nns IN A 10.96.0.53\nwww IN A 192.0.2.1\n";
}
}  // namespace czone

// knotd serving cache.test. (and, if asked, a signed dnssec.test.) from a temp dir, with a control
// socket so that the zone can be rewritten and reloaded while dnsd keeps its cache.
class CacheUpstream {
 public:
  explicit CacheUpstream(bool sign = false) : signed_(sign) {
    knotd_ = FindProgram("knotd");
    knotc_ = FindProgram("knotc");
    if (knotd_.empty() || knotc_.empty()) throw std::runtime_error("knotd/knotc not installed");
    std::filesystem::create_directories(dir_ / "zones");
    std::filesystem::create_directories(dir_ / "run");
    std::filesystem::create_directories(dir_ / "storage");
    WriteFile(dir_ / "zones/cache.test.zone", czone::Text(version_));
    if (sign) WriteFile(dir_ / "zones/dnssec.test.zone", czone::SignedText());
    std::string why;
    for (int attempt = 0; attempt < 3; ++attempt) {
      endpoint_ = {"127.0.0.1", FreePort()};
      if (Start(&why)) return;
    }
    throw std::runtime_error("knotd did not start: " + why);
  }
  ~CacheUpstream() { Stop(); }
  CacheUpstream(const CacheUpstream&) = delete;
  CacheUpstream& operator=(const CacheUpstream&) = delete;

  const Endpoint& endpoint() const { return endpoint_; }
  int version() const { return version_; }
  std::string log() const { return ReadFile(dir_ / "knot.stderr"); }

  // Rewrites the zone at the next version and waits until knot serves it.
  void Bump() {
    ++version_;
    WriteFile(dir_ / "zones/cache.test.zone", czone::Text(version_));
    RunResult r = RunToCompletion({knotc_, "-s", (dir_ / "run/knot.sock").string(), "-b", "zone-reload",
                                   czone::kApex},
                                  5000ms);
    if (!r.status.exited || r.status.code != 0)
      throw std::runtime_error("knotc zone-reload failed: " + r.out + r.err);
    auto deadline = Clock::now() + 5s;
    while (Clock::now() < deadline) {
      auto reply = Query(endpoint_, czone::kHit, LDNS_RR_TYPE_A, QueryOptions{}.Timeout(200ms));
      if (reply && reply->AnswerData(LDNS_RR_TYPE_A) == std::vector<std::string>{czone::Address(version_, 1)})
        return;
      std::this_thread::sleep_for(20ms);
    }
    throw std::runtime_error("knot did not serve zone version " + std::to_string(version_) + ": " + log());
  }

  void Stop() { process_.Stop(SIGTERM, 5000ms); }

 private:
  bool Start(std::string* why) {
    std::ostringstream conf;
    conf << "server:\n"
         << "    rundir: \"" << (dir_ / "run").string() << "\"\n"
         << "    pidfile: \"" << (dir_ / "run/knot.pid").string() << "\"\n"
         << "    listen: " << endpoint_.address << "@" << endpoint_.port << "\n"
         << "    udp-max-payload: 1232\n"
         << "    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n"
         << "database:\n    storage: \"" << (dir_ / "storage").string() << "\"\n"
         << "control:\n    listen: \"" << (dir_ / "run/knot.sock").string() << "\"\n"
         << "log:\n  - target: stderr\n    any: warning\n"
         << "template:\n  - id: default\n"
         << "    storage: \"" << (dir_ / "zones").string() << "\"\n"
         << "    zonefile-sync: -1\n    zonefile-load: whole\n    journal-content: none\n"
         << "zone:\n  - domain: cache.test.\n    file: cache.test.zone\n";
    if (signed_)
      conf << "  - domain: dnssec.test.\n    file: dnssec.test.zone\n"
           << "    dnssec-signing: on\n    journal-content: changes\n";
    WriteFile(dir_ / "knot.conf", conf.str());
    process_ = ChildProcess({knotd_, "-c", (dir_ / "knot.conf").string()}, dir_ / "knot.stdout",
                            dir_ / "knot.stderr");
    auto deadline = Clock::now() + 10s;
    while (Clock::now() < deadline) {
      if (!process_.Running()) {
        *why = "knotd exited: " + log();
        return false;
      }
      auto r = Query(endpoint_, czone::kHit, LDNS_RR_TYPE_A, QueryOptions{}.Timeout(200ms));
      bool ready = r && r->answer_count() > 0;
      if (ready && signed_) {
        auto s = Query(endpoint_, czone::kSigned, LDNS_RR_TYPE_A, QueryOptions{}.Do().Timeout(200ms));
        ready = s && s->CountAnswers(LDNS_RR_TYPE_RRSIG) > 0;
      }
      if (ready) return true;
      std::this_thread::sleep_for(20ms);
    }
    *why = "knotd did not answer within 10 s: " + log();
    process_.Stop(SIGKILL, 2000ms);
    return false;
  }

  TempDir dir_{"dnsd-cache-upstream"};
  bool signed_;
  std::string knotd_, knotc_;
  Endpoint endpoint_;
  int version_ = 1;
  ChildProcess process_;
};

// ".:PORT { cache ... ; forward . UPSTREAM }"; `cache_lines` are the cache plugin's line(s) as written.
inline std::string CacheCorefile(const std::string& cache_lines, const Endpoint& upstream) {
  return ".:@PORT@ {\n    " + cache_lines + "\n    forward . " + upstream.ToString() + "\n}\n";
}

inline std::vector<uint32_t> SectionTtls(const ldns_rr_list* section) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) out.push_back(ldns_rr_ttl(ldns_rr_list_rr(section, i)));
  return out;
}
inline std::vector<uint32_t> AnswerTtls(const Reply& r) { return SectionTtls(ldns_pkt_answer(r.pkt())); }
inline std::vector<uint32_t> AuthorityTtls(const Reply& r) { return SectionTtls(ldns_pkt_authority(r.pkt())); }
inline uint32_t MaxTtl(const std::vector<uint32_t>& ttls) {
  uint32_t m = 0;
  for (uint32_t t : ttls) m = std::max(m, t);
  return m;
}

// A UDP query with the CD bit set or not (the fixture's QueryOptions has no CD).
inline std::optional<Reply> QueryCd(const Endpoint& server, const std::string& name, ldns_rr_type type, bool cd,
                                    uint16_t id) {
  Bytes q = BuildQuery(name, type, QueryOptions{}.Edns(1232).Id(id));
  if (cd) q[3] |= 0x10;
  auto wire = SendRawUdp(server, q, 3000ms);
  if (!wire) return std::nullopt;
  auto reply = ParseReply(*wire);
  if (!reply || reply->id() != id) return std::nullopt;
  return reply;
}
inline bool CdFlag(const Reply& r) { return ldns_pkt_cd(r.pkt()); }

// Asks for `names` (type A) over one UDP socket with up to `window` queries in flight; returns the
// first A address of each reply ("" when none, "TIMEOUT" when no reply even after a retry).
inline std::vector<std::string> QueryMany(const Endpoint& server, const std::vector<std::string>& names,
                                          size_t window = 50) {
  std::vector<std::string> out(names.size(), "TIMEOUT");
  std::vector<bool> done(names.size(), false);
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server.port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) ::close(fd);
    return out;
  }
  auto first_a = [](const Reply& r) {
    auto a = r.AnswerData(LDNS_RR_TYPE_A);
    return a.empty() ? std::string() : a.front();
  };
  Bytes buf(65535);
  for (size_t begin = 0; begin < names.size(); begin += window) {
    size_t end = std::min(names.size(), begin + window);
    std::map<uint16_t, size_t> pending;
    for (size_t i = begin; i < end; ++i) {
      uint16_t id = static_cast<uint16_t>(i);  // unique within one call (< 65536 names)
      Bytes q = BuildQuery(names[i], LDNS_RR_TYPE_A, QueryOptions{}.Id(id));
      if (::send(fd, q.data(), q.size(), 0) == static_cast<ssize_t>(q.size())) pending[id] = i;
    }
    auto deadline = Clock::now() + 2s;
    while (!pending.empty() && Clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
      if (n < 12) continue;
      auto reply = ParseReply(Bytes(buf.begin(), buf.begin() + n));
      if (!reply) continue;
      auto it = pending.find(reply->id());
      if (it == pending.end()) continue;
      out[it->second] = first_a(*reply);
      done[it->second] = true;
      pending.erase(it);
    }
  }
  ::close(fd);
  for (size_t i = 0; i < names.size(); ++i) {  // lost datagrams: one sequential retry
    if (done[i]) continue;
    if (auto r = Query(server, names[i], LDNS_RR_TYPE_A)) out[i] = first_a(*r);
  }
  return out;
}

// One CacheUpstream and one dnsd per test: each case has its own cache settings and zone history.
class CacheThroughDaemon : public ::testing::Test {
 protected:
  void TearDown() override {
    if (daemon_ && HasFailure()) std::cerr << "dnsd stderr:\n" << daemon_->stderr_text() << "\n";
    if (daemon_) {
      ExitStatus st = daemon_->Stop();
      EXPECT_TRUE(st.exited && st.code == 0) << "dnsd did not exit 0 on SIGTERM: " << st.Describe() << "\n"
                                             << daemon_->stderr_text();
    }
    daemon_.reset();
    if (upstream_ && HasFailure()) std::cerr << "knot log:\n" << upstream_->log() << "\n";
    upstream_.reset();
  }

  // Starts knot (signing dnssec.test. if asked) and dnsd with `cache_lines` in front of forward.
  void Start(const std::string& cache_lines, bool sign = false) {
    upstream_ = std::make_unique<CacheUpstream>(sign);
    daemon_ = std::make_unique<Daemon>(CacheCorefile(cache_lines, upstream_->endpoint()));
  }
  std::optional<Reply> Ask(const std::string& name, ldns_rr_type type = LDNS_RR_TYPE_A, QueryOptions options = {}) {
    return Query(daemon_->endpoint(), name, type, options);
  }
  // The A addresses dnsd answers for `name` (empty on no reply).
  std::vector<std::string> AddressesOf(const std::string& name) {
    auto r = Ask(name);
    return r ? r->AnswerData(LDNS_RR_TYPE_A) : std::vector<std::string>{};
  }

  CacheUpstream& upstream() { return *upstream_; }
  Daemon& daemon() { return *daemon_; }

 private:
  std::unique_ptr<CacheUpstream> upstream_;
  std::unique_ptr<Daemon> daemon_;
};

}  // namespace dnsd::it::cache
