// RFC 5452 under attack. While dnsd's queries wait on a slow upstream (DelayingRelay in front of
// knot), the test floods dnsd's upstream-facing UDP sockets, found the way a local attacker finds
// them (/proc/net/udp), with forged replies carrying A 6.6.6.6:
//   - from the right source (the relay's own socket: what a blind spoofer with raw sockets would
//     fake): wrong IDs (once all 65,535 of them), the right ID with a wrong name, type or class, the
//     right ID and question without QR, a header-only reply, all 65,536 IDs with a wrong name;
//   - from a wrong source (all an unprivileged local process can do): the right ID and question
//     from another port of 127.0.0.1 and from 127.0.0.2 on the relay's port (once all IDs).
// Every client answer must be knot's own, and none may carry the forged address.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/forged_relay.hpp"
#include "fixture/upstream.hpp"
#include "metrics_util.hpp"

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kBatches = 5;
constexpr int kBatchSize = 12;       // distinct questions in flight at once
constexpr int kSampledWrongIds = 256;  // per query, besides the full sweeps
constexpr const char* kForgedAddress = "6.6.6.6";

// ---- dnsd's sockets, as /proc shows them ---------------------------------------------------

struct UdpSocketRow {
  uint16_t local_port = 0;
  uint64_t rx_queue = 0;  // octets waiting to be read
  uint64_t drops = 0;     // datagrams the kernel dropped (receive buffer full)
};

std::set<uint64_t> SocketInodes(pid_t pid) {
  std::set<uint64_t> inodes;
  std::error_code ec;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    std::string target = std::filesystem::read_symlink(fd.path(), ec).string();
    if (!ec && target.rfind("socket:[", 0) == 0) inodes.insert(std::stoull(target.substr(8)));
  }
  return inodes;
}

// The UDP sockets of process `pid` connected to 127.0.0.1:`peer_port` (/proc/PID/net/udp; the
// addresses are the kernel's network-order words printed in hex).
std::vector<UdpSocketRow> ConnectedUdpSockets(pid_t pid, uint16_t peer_port) {
  const std::set<uint64_t> inodes = SocketInodes(pid);
  std::ifstream table("/proc/" + std::to_string(pid) + "/net/udp");
  std::string line;
  std::getline(table, line);  // header
  std::vector<UdpSocketRow> rows;
  while (std::getline(table, line)) {
    std::istringstream in(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, ref, pointer;
    uint64_t inode = 0, drops = 0;
    in >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode >> ref >>
        pointer >> drops;
    if (!in || inodes.count(inode) == 0) continue;
    auto colon = remote.find(':');
    uint32_t address = static_cast<uint32_t>(std::stoul(remote.substr(0, colon), nullptr, 16));
    if (address != htonl(INADDR_LOOPBACK) || std::stoul(remote.substr(colon + 1), nullptr, 16) != peer_port) continue;
    UdpSocketRow row;
    row.local_port = static_cast<uint16_t>(std::stoul(local.substr(local.find(':') + 1), nullptr, 16));
    row.rx_queue = std::stoull(queues.substr(queues.find(':') + 1), nullptr, 16);
    row.drops = drops;
    rows.push_back(row);
  }
  return rows;
}

pid_t DaemonPid(const Daemon& daemon) {
  std::ifstream in(daemon.corefile().parent_path() / "dnsd.pid");
  pid_t pid = -1;
  in >> pid;
  return pid;
}

// ---- forged replies ------------------------------------------------------------------------

void Put16(Bytes& out, uint16_t value) {
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value));
}

// A reply to `question` with ID `id` and one answer, A 6.6.6.6 (flags: QR AA RD RA unless given).
Bytes ForgedReply(uint16_t id, const Bytes& question, uint16_t flags = 0x8580) {
  Bytes m;
  Put16(m, id);
  Put16(m, flags);
  for (uint16_t count : {1, 1, 0, 0}) Put16(m, count);
  m.insert(m.end(), question.begin(), question.end());
  const uint8_t answer[] = {0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0x0E, 0x10, 0, 4, 6, 6, 6, 6};
  m.insert(m.end(), std::begin(answer), std::end(answer));
  return m;
}

// The same question with another name (first letter changed), type or class.
Bytes OtherName(Bytes q) {
  q[1] = q[1] == 'x' ? 'y' : 'x';
  return q;
}
Bytes OtherType(Bytes q) {
  q[q.size() - 3] ^= 0x1C;  // A becomes LOC, AAAA becomes type 0, TXT becomes PTR, ...
  return q;
}
Bytes OtherClass(Bytes q) {
  q[q.size() - 1] = 3;  // CH
  return q;
}

int BoundUdpSocket(const char* address, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, address, &addr.sin_addr);
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends forgeries at dnsd's sockets and counts them by kind. Right-source floods are paced on the
// target socket's receive queue, so that they reach dnsd instead of overflowing its buffer.
class Forger {
 public:
  Forger(pid_t dnsd, const DelayingRelay& relay)
      : dnsd_(dnsd),
        relay_port_(relay.endpoint().port),
        right_source_(relay.socket()),
        other_port_(BoundUdpSocket("127.0.0.1", 0)),
        other_address_(BoundUdpSocket("127.0.0.2", relay.endpoint().port)) {
    if (other_address_ < 0) other_address_ = BoundUdpSocket("127.0.0.2", 0);
  }
  ~Forger() {
    ::close(other_port_);
    if (other_address_ >= 0) ::close(other_address_);
  }
  Forger(const Forger&) = delete;
  Forger& operator=(const Forger&) = delete;

  bool can_spoof_other_address() const { return other_address_ >= 0; }
  const std::map<std::string, uint64_t>& sent() const { return sent_; }
  uint64_t right_source_sent() const { return right_source_sent_; }

  // `in_flight`: IDs dnsd has in flight on q's socket (the wrong-ID flood skips them).
  void Attack(const SeenQuery& q, const std::set<uint16_t>& in_flight, bool sweep_ids, bool sweep_names,
              bool sweep_sources) {
    if (sweep_ids) {
      for (uint32_t id = 0; id <= 0xFFFF; ++id)
        if (!in_flight.count(static_cast<uint16_t>(id)))
          FromRightSource("wrong ID (sweep)", q, ForgedReply(static_cast<uint16_t>(id), q.question));
    }
    for (int n = 0; n < kSampledWrongIds; ++n) {
      auto id = static_cast<uint16_t>(rng_());
      if (!in_flight.count(id)) FromRightSource("wrong ID", q, ForgedReply(id, q.question));
    }
    FromRightSource("right ID, wrong name", q, ForgedReply(q.id, OtherName(q.question)));
    FromRightSource("right ID, wrong type", q, ForgedReply(q.id, OtherType(q.question)));
    FromRightSource("right ID, wrong class", q, ForgedReply(q.id, OtherClass(q.question)));
    FromRightSource("right ID and question, QR clear", q, ForgedReply(q.id, q.question, 0x0100));
    Bytes header_only = ForgedReply(q.id, q.question);
    header_only.resize(12);
    FromRightSource("right ID, header only", q, header_only);
    if (sweep_names) {
      for (uint32_t id = 0; id <= 0xFFFF; ++id)
        FromRightSource("all IDs, wrong name (sweep)", q, ForgedReply(static_cast<uint16_t>(id), OtherName(q.question)));
    }
    Bytes right = ForgedReply(q.id, q.question);
    FromWrongSource("right ID and question, wrong source port", other_port_, q, right);
    if (other_address_ < 0) return;
    FromWrongSource("right ID and question, from 127.0.0.2", other_address_, q, right);
    if (sweep_sources) {
      for (uint32_t id = 0; id <= 0xFFFF; ++id)
        FromWrongSource("all IDs, right question, from 127.0.0.2 (sweep)", other_address_, q,
                        ForgedReply(static_cast<uint16_t>(id), q.question));
    }
  }

 private:
  void SendTo(int fd, uint16_t port, const Bytes& datagram) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)!::sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }

  void FromRightSource(const std::string& kind, const SeenQuery& q, const Bytes& datagram) {
    SendTo(right_source_, q.dnsd_port, datagram);
    ++sent_[kind];
    if (++right_source_sent_ % 128 == 0) WaitForQueueToDrain(q.dnsd_port);
  }

  void FromWrongSource(const std::string& kind, int fd, const SeenQuery& q, const Bytes& datagram) {
    SendTo(fd, q.dnsd_port, datagram);
    ++sent_[kind];
  }

  // Until dnsd has read most of what waits on its socket (at most 200 ms: dnsd may be starved).
  void WaitForQueueToDrain(uint16_t port) {
    auto deadline = Clock::now() + 200ms;
    while (Clock::now() < deadline) {
      auto rows = ConnectedUdpSockets(dnsd_, relay_port_);
      auto row = std::find_if(rows.begin(), rows.end(), [port](auto& r) { return r.local_port == port; });
      if (row == rows.end() || row->rx_queue < 32 * 1024) return;
      std::this_thread::sleep_for(100us);
    }
  }

  pid_t dnsd_;
  uint16_t relay_port_;
  int right_source_;
  int other_port_;
  int other_address_;
  std::mt19937 rng_{std::random_device{}()};
  std::map<std::string, uint64_t> sent_;
  uint64_t right_source_sent_ = 0;
};

// ---- the test ------------------------------------------------------------------------------

struct Question {
  std::string name;
  ldns_rr_type type;
};

// 60 distinct questions with positive answers: no forgery aimed at one batch can match a later one.
std::vector<Question> Questions() {
  std::vector<Question> out;
  for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_SRV})
    for (int j = 1; j <= 3; ++j)
      for (int i = 1; i <= 5; ++i) out.push_back({zone::ServiceName(i, j), type});
  return out;
}

// What a reply says, for comparing with knot's own: rcode and the sorted answer data.
std::string Gist(const Reply& reply, ldns_rr_type type) {
  auto data = reply.AnswerData(type);
  std::sort(data.begin(), data.end());
  std::string out = reply.rcode_name();
  for (const auto& d : data) out += " " + d;
  return out;
}

uint64_t Drops(pid_t pid, uint16_t relay_port) {
  uint64_t total = 0;
  for (const auto& row : ConnectedUdpSockets(pid, relay_port)) total += row.drops;
  return total;
}

TEST(ForgedReplies, NoneIsAcceptedWhileRealQueriesAreInFlight) {
  Upstream knot;
  DelayingRelay relay(knot.endpoint());
  const uint16_t metrics_port = FreePort();
  Daemon daemon(".:@PORT@ {\n    prometheus 127.0.0.1:" + std::to_string(metrics_port) + "\n    forward . " +
                relay.endpoint().ToString() + "\n}\n");
  const pid_t pid = DaemonPid(daemon);
  ASSERT_GT(pid, 0) << "no pid file next to " << daemon.corefile();

  const std::vector<Question> questions = Questions();
  ASSERT_GE(questions.size(), static_cast<size_t>(kBatches * kBatchSize));
  std::map<std::string, std::string> truth;  // knot's answer to each question, asked directly
  for (const auto& q : questions) {
    auto reply = Query(knot.endpoint(), q.name, q.type);
    ASSERT_TRUE(reply.has_value()) << "knot does not answer " << q.name;
    truth[q.name + "/" + std::to_string(q.type)] = Gist(*reply, q.type);
  }

  Forger forger(pid, relay);
  relay.StartGating();
  const uint64_t drops_before = Drops(pid, relay.endpoint().port);
  for (int batch = 0; batch < kBatches; ++batch) {
    std::vector<std::future<std::optional<Reply>>> answers;
    for (int k = 0; k < kBatchSize; ++k) {
      const Question& q = questions[static_cast<size_t>(batch * kBatchSize + k)];
      answers.push_back(std::async(std::launch::async, [&daemon, q] {
        return Query(daemon.endpoint(), q.name, q.type, QueryOptions{}.Timeout(6000ms));
      }));
    }
    std::vector<SeenQuery> seen = relay.TakeQueries(kBatchSize, 3000ms);
    ASSERT_EQ(seen.size(), static_cast<size_t>(kBatchSize)) << "dnsd did not forward the batch";

    // The attacker's view: dnsd's sockets connected to the upstream. Every query is on one of them.
    std::set<uint16_t> ports;
    for (const auto& row : ConnectedUdpSockets(pid, relay.endpoint().port)) ports.insert(row.local_port);
    std::map<uint16_t, std::set<uint16_t>> in_flight;  // by socket
    for (const auto& q : seen) {
      EXPECT_TRUE(ports.count(q.dnsd_port)) << "query from port " << q.dnsd_port << " not found in /proc";
      in_flight[q.dnsd_port].insert(q.id);
    }
    for (size_t k = 0; k < seen.size(); ++k) {
      const bool first = k == 0;
      forger.Attack(seen[k], in_flight[seen[k].dnsd_port], first && batch == 0, first && batch == 1,
                    first && batch == 2);
    }
    relay.FloodDone(seen);

    for (int k = 0; k < kBatchSize; ++k) {
      const Question& q = questions[static_cast<size_t>(batch * kBatchSize + k)];
      std::optional<Reply> reply = answers[static_cast<size_t>(k)].get();
      ASSERT_TRUE(reply.has_value()) << "no answer for " << q.name;
      EXPECT_EQ(Gist(*reply, q.type), truth[q.name + "/" + std::to_string(q.type)]) << reply->ToString();
      EXPECT_EQ(reply->ToString().find(kForgedAddress), std::string::npos) << reply->ToString();
    }
  }
  const uint64_t dropped = Drops(pid, relay.endpoint().port) - drops_before;

  std::cout << "forged replies sent, by kind:\n";
  for (const auto& [kind, count] : forger.sent()) std::cout << "  " << count << "  " << kind << "\n";
  std::cout << "right-source forgeries dropped by the kernel (dnsd's buffer full): " << dropped << " of "
            << forger.right_source_sent() << "; replies released before their flood ended: "
            << relay.released_early() << "\n";
  if (!forger.can_spoof_other_address()) std::cout << "127.0.0.2 unavailable: that kind was skipped\n";
  // Most right-source forgeries must have reached dnsd's sockets, or the test proved nothing.
  EXPECT_LT(dropped, forger.right_source_sent() / 2);
  // dnsd counted each forgery that reached its sockets (wrong sources never do: the sockets are
  // connected), and nothing else: every real reply was accepted.
  const Samples samples = Parse(Body(HttpGet(metrics_port, "/metrics")));
  const std::string series = "dnsd_forward_replies_dropped_total{to=\"" + relay.endpoint().ToString() + "\"}";
  ASSERT_TRUE(samples.count(series)) << series << " not exported";
  std::cout << series << " " << samples.at(series) << "\n";
  EXPECT_EQ(samples.at(series), static_cast<double>(forger.right_source_sent() - dropped));

  ExitStatus st = daemon.Stop();
  EXPECT_TRUE(st.exited && st.code == 0) << st.Describe() << "\n" << daemon.stderr_text();
}

}  // namespace
}  // namespace dnsd::it
