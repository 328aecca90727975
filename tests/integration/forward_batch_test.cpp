// forward's batched UDP path through the daemon and a real knot: a burst sent back to back from one
// client socket (the listener reads it in recvmmsg batches, forward sends each batch's upstream
// datagrams with sendmmsg and reads knot's replies with recvmmsg) is answered in full, each
// query with its own answer and ID.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>

#include "fixture/daemon.hpp"
#include "fixture/dns_client.hpp"
#include "fixture/upstream.hpp"

namespace dnsd::it {
namespace {

using namespace std::chrono_literals;

struct Asked {
  std::string name;
  ldns_rr_type type;
  std::string want;  // the one answer record's data
};

// Sends every query before reading any reply; returns the replies by ID.
std::map<uint16_t, Reply> Burst(const Endpoint& server, const std::vector<Bytes>& queries) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(server.port);
  ::inet_pton(AF_INET, server.address.c_str(), &to.sin_addr);
  const int buffer = 1 << 20;  // the whole burst's replies fit while the test is still sending
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  for (const Bytes& q : queries) {
    ::sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  std::map<uint16_t, Reply> replies;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (replies.size() < queries.size() && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    Bytes wire(65535);
    const ssize_t n = ::recv(fd, wire.data(), wire.size(), 0);
    if (n <= 0) continue;
    wire.resize(static_cast<size_t>(n));
    if (auto reply = ParseReply(wire)) replies.emplace(reply->id(), std::move(*reply));
  }
  ::close(fd);
  return replies;
}

TEST(ForwardBatch, ABurstFromOneClientIsAnsweredInFullEachWithItsOwnAnswer) {
  Upstream knot;
  Daemon daemon(ForwardCorefile({knot.endpoint()}));
  std::vector<Asked> asked;
  for (int round = 0; round < 2; ++round) {  // each name twice: equal questions in flight at once
    for (int j = 1; j <= 3; ++j) {
      for (int i = 1; i <= 5; ++i) {
        const std::string name = zone::ServiceName(i, j);
        const std::string address = std::to_string(j) + ".0." + std::to_string(i);
        asked.push_back({name, LDNS_RR_TYPE_A, "10." + address});
        asked.push_back({name, LDNS_RR_TYPE_AAAA, "fd00::" + std::to_string(j) + ":" + std::to_string(i)});
      }
    }
  }
  std::vector<Bytes> queries;
  for (std::size_t k = 0; k < asked.size(); ++k) {
    queries.push_back(BuildQuery(asked[k].name, asked[k].type, QueryOptions{}.Id(static_cast<uint16_t>(1000 + k))));
  }
  const std::map<uint16_t, Reply> replies = Burst(daemon.endpoint(), queries);  // 60 queries
  ASSERT_EQ(replies.size(), asked.size()) << daemon.stderr_text();
  for (std::size_t k = 0; k < asked.size(); ++k) {
    const Reply& reply = replies.at(static_cast<uint16_t>(1000 + k));
    EXPECT_EQ(reply.rcode(), LDNS_RCODE_NOERROR) << reply.ToString();
    EXPECT_EQ(reply.question_name(), asked[k].name);
    EXPECT_EQ(reply.AnswerData(asked[k].type), std::vector<std::string>{asked[k].want}) << reply.ToString();
  }
}

}  // namespace
}  // namespace dnsd::it
