// The HTTP side of `health` and `ready`: status codes and bodies, one listener per address, and
// readiness as the union of the watched plugins (latched once ready).
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <string>
#include <vector>

#include "dnsd/plugins/health/factory.hpp"
#include "dnsd/plugins/health/lameduck.hpp"
#include "dnsd/plugins/health/probe_server.hpp"
#include "dnsd/plugins/ready/factory.hpp"

namespace dnsd::plugins {
namespace {

namespace asio = boost::asio;

// "STATUS BODY" of GET `path` on 127.0.0.1:`port`.
std::string Get(unsigned short port, const std::string& path, const std::string& method = "GET") {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  asio::write(socket, asio::buffer(request));
  std::string reply;
  boost::system::error_code ec;
  asio::read(socket, asio::dynamic_buffer(reply), ec);
  std::size_t space = reply.find(' ');
  std::size_t head_end = reply.find("\r\n\r\n");
  if (space == std::string::npos || head_end == std::string::npos) return "malformed: " + reply;
  return reply.substr(space + 1, 3) + " " + reply.substr(head_end + 4);
}

class FakePlugin : public pipeline::HandlerFactory {
 public:
  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext&) override { return nullptr; }
  bool Ready() const override {
    ++asked;
    return ready.load();
  }
  std::atomic<bool> ready{false};
  mutable std::atomic<int> asked{0};
};

class Probes : public ::testing::Test {
 protected:
  void SetUp() override { health::lameduck::Reset(); }
  void TearDown() override { health::lameduck::Reset(); }
  asio::io_context io_;
};

TEST_F(Probes, HealthSaysOkWhileServingAndServiceUnavailableInLameduck) {
  health::Options options;
  options.address = "127.0.0.1:0";
  options.lameduck = std::chrono::seconds(3);
  health::HealthFactory factory(options);
  factory.Start(io_);
  auto server = health::ProbeServer::Acquire("127.0.0.1:0", nullptr);  // the same listener
  ASSERT_TRUE(server);
  EXPECT_EQ(Get(server->port(), "/health"), "200 OK");
  EXPECT_EQ(Get(server->port(), "/health?verbose=1"), "200 OK");
  EXPECT_EQ(Get(server->port(), "/health", "HEAD"), "200 ");
  EXPECT_EQ(Get(server->port(), "/other"), "404 404 page not found\n");
  EXPECT_EQ(health::lameduck::Begin(), std::chrono::seconds(3));
  EXPECT_EQ(Get(server->port(), "/health"), "503 Shutting down");
  factory.Stop();
}

TEST_F(Probes, TheLongestLameduckOfAllHealthBlocksWins) {
  health::lameduck::Request(std::chrono::seconds(2));
  health::lameduck::Request(std::chrono::seconds(5));
  health::lameduck::Request(std::chrono::seconds(1));
  EXPECT_EQ(health::lameduck::Begin(), std::chrono::seconds(5));
}

TEST_F(Probes, OneListenerPerAddress) {
  auto a = health::ProbeServer::Acquire("127.0.0.1:0", nullptr);
  auto b = health::ProbeServer::Acquire("127.0.0.1:0", nullptr);
  EXPECT_EQ(a, b);
  std::string error;
  EXPECT_EQ(health::ProbeServer::Acquire("127.0.0.1:" + std::to_string(a->port()) + "x", &error), nullptr);
  EXPECT_NE(error.find("invalid address"), std::string::npos) << error;
}

TEST_F(Probes, ReadyListsThePluginsNotReadyYetSortedAndLatchesReadiness) {
  auto forward = std::make_shared<FakePlugin>();
  auto cache = std::make_shared<FakePlugin>();
  cache->ready = true;
  auto kubernetes = std::make_shared<FakePlugin>();
  auto ready = std::make_shared<ready::ReadyFactory>("127.0.0.1:0");
  std::vector<std::string> names = {"ready", "kubernetes", "cache", "forward"};
  std::vector<std::shared_ptr<pipeline::HandlerFactory>> chain = {ready, kubernetes, cache, forward};
  ready->OnChainBuilt(names, chain);
  ready->Start(io_);
  auto server = health::ProbeServer::Acquire("127.0.0.1:0", nullptr);
  ASSERT_TRUE(server);
  EXPECT_EQ(Get(server->port(), "/ready"), "503 forward,kubernetes");
  kubernetes->ready = true;
  EXPECT_EQ(Get(server->port(), "/ready"), "503 forward");
  forward->ready = true;
  EXPECT_EQ(Get(server->port(), "/ready"), "200 OK");
  int asked = forward->asked.load();
  forward->ready = false;  // CoreDNS: once ready, a plugin is not asked again
  EXPECT_EQ(Get(server->port(), "/ready"), "200 OK");
  EXPECT_EQ(forward->asked.load(), asked);
  health::lameduck::Begin();
  EXPECT_EQ(Get(server->port(), "/ready"), "503 Shutting down");
  ready->Stop();
}

}  // namespace
}  // namespace dnsd::plugins
