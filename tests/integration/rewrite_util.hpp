// Helpers for the rewrite tests through the daemon: a knot upstream shared by a suite, a dnsd per
// case with its own rewrite lines, and readers for what the client got (owners, TTLs, question).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it::rewrite {

// The Corefile of one case: the rewrite lines, then forward to `upstream`.
inline std::string RewriteCorefile(const std::vector<std::string>& lines, const Endpoint& upstream) {
  std::string text = ".:@PORT@ {\n";
  for (const std::string& line : lines) text += "    " + line + "\n";
  return text + "    forward . " + upstream.ToString() + "\n}\n";
}

inline std::string Str(const ldns_rdf* rdf) {
  char* s = ldns_rdf2str(rdf);
  std::string out = s ? s : "";
  LDNS_FREE(s);
  return out;
}

// Owner names of a section's records (of `type`, or all when LDNS_RR_TYPE_ANY).
inline std::vector<std::string> Owners(const ldns_rr_list* section, ldns_rr_type type = LDNS_RR_TYPE_ANY) {
  std::vector<std::string> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(section, i);
    if (type == LDNS_RR_TYPE_ANY || ldns_rr_get_type(rr) == type) out.push_back(Str(ldns_rr_owner(rr)));
  }
  return out;
}
inline std::vector<std::string> AnswerOwners(const Reply& r, ldns_rr_type type = LDNS_RR_TYPE_ANY) {
  return Owners(ldns_pkt_answer(r.pkt()), type);
}

inline std::vector<uint32_t> Ttls(const ldns_rr_list* section) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) out.push_back(ldns_rr_ttl(ldns_rr_list_rr(section, i)));
  return out;
}

inline ldns_rr_type QuestionType(const Reply& r) {
  return ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(r.pkt()), 0));
}
inline ldns_rr_class QuestionClass(const Reply& r) {
  return ldns_rr_get_class(ldns_rr_list_rr(ldns_pkt_question(r.pkt()), 0));
}

// A query with another class than IN (BuildQuery always writes IN): QCLASS patched in the wire.
inline Bytes BuildQueryWithClass(const std::string& name, ldns_rr_type type, uint16_t klass) {
  Bytes query = BuildQuery(name, type, {});
  size_t pos = 12;
  while (pos < query.size() && query[pos] != 0) pos += query[pos] + 1u;
  pos += 3;  // root label, QTYPE
  query[pos] = static_cast<uint8_t>(klass >> 8);
  query[pos + 1] = static_cast<uint8_t>(klass);
  return query;
}

// One knot for the whole suite; a dnsd per test (each case has its own rules).
class RewriteThroughDaemon : public ::testing::Test {
 public:
  static void SetUpTestSuite() { StartUpstream({}); }
  static void TearDownTestSuite() {
    upstream_.reset();
    setup_error_.clear();
  }

 protected:
  void SetUp() override {
    if (!setup_error_.empty()) GTEST_FAIL() << setup_error_;
  }
  void TearDown() override {
    if (daemon_ && HasFailure()) std::cerr << "dnsd stderr:\n" << daemon_->stderr_text() << "\n";
    if (daemon_) {
      ExitStatus st = daemon_->Stop();
      EXPECT_TRUE(st.exited && st.code == 0) << "dnsd did not exit 0 on SIGTERM: " << st.Describe();
    }
  }

  // Starts dnsd with these rewrite lines in front of forward.
  const Endpoint& StartWith(const std::vector<std::string>& lines) {
    daemon_ = std::make_unique<Daemon>(RewriteCorefile(lines, upstream_->endpoint()));
    return daemon_->endpoint();
  }
  const Endpoint& StartWithCorefile(const std::string& corefile) {
    daemon_ = std::make_unique<Daemon>(corefile);
    return daemon_->endpoint();
  }
  std::optional<Reply> Ask(const std::string& name, ldns_rr_type type, QueryOptions options = {}) {
    return Query(daemon_->endpoint(), name, type, options);
  }
  // A suite whose upstream serves another zone starts it from its own SetUpTestSuite.
  static void StartUpstream(const UpstreamOptions& options) {
    try {
      upstream_ = std::make_unique<Upstream>(options);
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static const Endpoint& upstream() { return upstream_->endpoint(); }
  static const std::string& upstream_kind() { return upstream_->kind(); }  // "knot" or "nsd"
  Daemon& daemon() { return *daemon_; }

 private:
  static inline std::unique_ptr<Upstream> upstream_;
  static inline std::string setup_error_;
  std::unique_ptr<Daemon> daemon_;
};

}  // namespace dnsd::it::rewrite
