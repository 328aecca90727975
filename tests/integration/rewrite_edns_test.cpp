// Case 16 (edns0 local {client_ip}) through the daemon. knot does not echo EDNS options, so the
// upstream here is a small recording peer: it keeps every query it gets and answers it by echoing
// it back as a response (OPT and options included), which also exercises `revert`.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "rewrite_util.hpp"

namespace dnsd::it::rewrite {
namespace {

class RecordingPeer {
 public:
  RecordingPeer() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind");
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~RecordingPeer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  Endpoint endpoint() const { return {"127.0.0.1", port_}; }
  std::vector<Bytes> queries() {
    std::lock_guard lock(mutex_);
    return queries_;
  }

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      uint8_t buf[4096];
      sockaddr_in from{};
      socklen_t len = sizeof from;
      ssize_t n = ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 12) continue;
      {
        std::lock_guard lock(mutex_);
        queries_.emplace_back(buf, buf + n);
      }
      buf[2] |= 0x80;  // QR
      buf[3] |= 0x80;  // RA
      ::sendto(fd_, buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  }
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<Bytes> queries_;
  std::thread thread_;
};

// EDNS options (code -> data) of a message, read with ldns.
std::vector<std::pair<uint16_t, Bytes>> EdnsOptions(const Bytes& wire) {
  std::vector<std::pair<uint16_t, Bytes>> out;
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, wire.data(), wire.size()) != LDNS_STATUS_OK) return out;
  if (const ldns_rdf* data = ldns_pkt_edns_data(pkt)) {
    const uint8_t* p = ldns_rdf_data(data);
    size_t size = ldns_rdf_size(data);
    for (size_t i = 0; i + 4 <= size;) {
      uint16_t code = static_cast<uint16_t>(p[i] << 8 | p[i + 1]);
      size_t len = static_cast<size_t>(p[i + 2] << 8 | p[i + 3]);
      if (i + 4 + len > size) break;
      out.emplace_back(code, Bytes(p + i + 4, p + i + 4 + len));
      i += 4 + len;
    }
  }
  ldns_pkt_free(pkt);
  return out;
}

bool IsClientIp(const Bytes& data) {
  // CoreDNS puts the address in binary (net.IP.To4): 127.0.0.1 as 4 octets.
  return data == Bytes{127, 0, 0, 1};
}

class Edns0 : public RewriteThroughDaemon {
 protected:
  RecordingPeer peer_;
  const Endpoint& Start(const std::string& rule) {
    return StartWithCorefile(".:@PORT@ {\n    " + rule + "\n    forward . " + peer_.endpoint().ToString() + "\n}\n");
  }
  // The last query the peer got for `name`.
  std::optional<Bytes> QuerySeenFor(const std::string& name) {
    for (const Bytes& q : peer_.queries()) {
      auto parsed = ParseReply(q);
      if (parsed && parsed->question_name() == name) return q;
    }
    return std::nullopt;
  }
};

TEST_F(Edns0, C16_LocalClientIpIsSentUpstream) {
  Start("rewrite edns0 local set 0xffee {client_ip}");
  const std::string name = "edns.example.org.";
  auto r = Ask(name, LDNS_RR_TYPE_A, QueryOptions{}.Edns(1232));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << r->ToString();
  EXPECT_EQ(r->question_name(), name);
  EXPECT_TRUE(r->has_opt());
  auto seen = QuerySeenFor(name);
  ASSERT_TRUE(seen) << "the peer got no query for " << name;
  auto options = EdnsOptions(*seen);
  ASSERT_EQ(options.size(), 1u) << "upstream query options";
  EXPECT_EQ(options[0].first, 0xffee);
  EXPECT_TRUE(IsClientIp(options[0].second)) << "option data has " << options[0].second.size() << " octets";
}

TEST_F(Edns0, C16_OptIsAddedWhenTheClientSentNone) {
  Start("rewrite edns0 local set 0xffee {client_ip}");
  const std::string name = "noedns.example.org.";
  auto r = Ask(name, LDNS_RR_TYPE_A);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << r->ToString();
  EXPECT_FALSE(r->has_opt()) << "the client sent no OPT, so its answer carries none\n" << r->ToString();
  auto seen = QuerySeenFor(name);
  ASSERT_TRUE(seen);
  auto options = EdnsOptions(*seen);
  ASSERT_EQ(options.size(), 1u);
  EXPECT_EQ(options[0].first, 0xffee);
}

TEST_F(Edns0, C16_RevertRemovesTheOptionFromTheAnswer) {
  Start("rewrite edns0 local set 0xffee {client_ip} revert");
  const std::string name = "revert.example.org.";
  auto r = Ask(name, LDNS_RR_TYPE_A, QueryOptions{}.Edns(1232));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << r->ToString();
  ASSERT_TRUE(QuerySeenFor(name));
  // The peer echoed the option back; revert strips it, leaving the OPT as the client sent it.
  EXPECT_TRUE(r->has_opt());
  Bytes wire;
  {
    uint8_t* raw = nullptr;
    size_t size = 0;
    ASSERT_EQ(ldns_pkt2wire(&raw, r->pkt(), &size), LDNS_STATUS_OK);
    wire.assign(raw, raw + size);
    LDNS_FREE(raw);
  }
  EXPECT_TRUE(EdnsOptions(wire).empty()) << r->ToString();
}

}  // namespace
}  // namespace dnsd::it::rewrite
