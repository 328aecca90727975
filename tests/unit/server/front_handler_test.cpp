// HandlerFactory::CreateFrontHandler: the server puts front handlers before every plugin's own
// handler of the chain, so a front handler sees queries that an earlier plugin answers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <memory>
#include <random>
#include <string>

#include "dnsd/server/routes.hpp"
#include "dnsd/server/server.hpp"

namespace dnsd {
namespace {

// Answers every query with `rcode`.
class Answering final : public pipeline::Handler {
 public:
  explicit Answering(wire::Rcode rcode) : rcode_(rcode) {}
  void Serve(pipeline::Transaction& tx) override { tx.RespondError(rcode_); }

 private:
  wire::Rcode rcode_;
};

// Counts and passes on.
class Counting final : public pipeline::Handler {
 public:
  explicit Counting(std::atomic<int>& seen) : seen_(seen) {}
  void Serve(pipeline::Transaction& tx) override {
    ++seen_;
    Next(tx);
  }

 private:
  std::atomic<int>& seen_;
};

// A plugin whose own handler answers `rcode`; with `seen`, it also has a counting front handler.
class TestFactory final : public pipeline::HandlerFactory {
 public:
  TestFactory(wire::Rcode rcode, std::atomic<int>* seen) : rcode_(rcode), seen_(seen) {}
  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext&) override {
    return std::make_unique<Answering>(rcode_);
  }
  std::unique_ptr<pipeline::Handler> CreateFrontHandler(pipeline::WorkerContext&) override {
    if (seen_ == nullptr) return nullptr;
    return std::make_unique<Counting>(*seen_);
  }

 private:
  wire::Rcode rcode_;
  std::atomic<int>* seen_;
};

int AskRcode(std::uint16_t port) {
  // id 0x1234, RD, one question: "x." A IN
  const std::array<std::uint8_t, 19> query = {0x12, 0x34, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'x', 0, 0, 1, 0, 1};
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  timeval timeout{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::sendto(fd, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  std::array<std::uint8_t, 512> reply{};
  ssize_t n = ::recv(fd, reply.data(), reply.size(), 0);
  ::close(fd);
  return n >= 12 ? (reply[3] & 0x0f) : -1;
}

std::uint16_t RandomPort() {
  static std::mt19937 random{std::random_device{}()};
  return static_cast<std::uint16_t>(std::uniform_int_distribution<int>(30000, 60000)(random));
}

std::shared_ptr<const server::Routes> RoutesOf(std::uint16_t port,
                                               std::vector<std::shared_ptr<pipeline::HandlerFactory>> factories) {
  auto chain = std::make_shared<server::Chain>();
  for (std::size_t i = 0; i < factories.size(); ++i) chain->plugin_names.push_back("p" + std::to_string(i));
  chain->factories = std::move(factories);
  server::Routes routes;
  server::ListenRoutes listener;
  listener.host = "127.0.0.1";
  listener.port = port;
  server::ZoneRoute zone;
  zone.zone_text = ".";
  zone.chain = chain;
  listener.zones.push_back(zone);
  routes.listeners.push_back(listener);
  routes.chains.push_back(chain);
  return std::make_shared<const server::Routes>(std::move(routes));
}

TEST(FrontHandler, SeesQueriesThatAnEarlierPluginAnswers) {
  std::atomic<int> seen{0};
  const std::uint16_t port = RandomPort();
  // The first plugin answers REFUSED; the second one's front handler still runs before it.
  server::Server server(RoutesOf(port, {std::make_shared<TestFactory>(wire::Rcode::kRefused, nullptr),
                                        std::make_shared<TestFactory>(wire::Rcode::kNxDomain, &seen)}),
                        1);
  ASSERT_EQ(server.Start(), "");
  EXPECT_EQ(AskRcode(port), 5);
  EXPECT_EQ(AskRcode(port), 5);
  EXPECT_EQ(seen.load(), 2);
  server.Stop();
}

TEST(FrontHandler, NoFrontHandlerLeavesTheChainAsItWas) {
  const std::uint16_t port = RandomPort();
  server::Server server(RoutesOf(port, {std::make_shared<TestFactory>(wire::Rcode::kNxDomain, nullptr),
                                        std::make_shared<TestFactory>(wire::Rcode::kRefused, nullptr)}),
                        1);
  ASSERT_EQ(server.Start(), "");
  EXPECT_EQ(AskRcode(port), 3);
  server.Stop();
}

}  // namespace
}  // namespace dnsd
