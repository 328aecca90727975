// LogRing: records come out whole and in order across the wrap; a full ring drops and counts.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "dnsd/plugins/log/ring.hpp"
#include "support.hpp"

namespace dnsd::plugins::log {
namespace {

std::vector<std::string> DrainAll(LogRing& ring) {
  std::vector<std::string> out;
  std::vector<char> scratch;
  ring.Drain(scratch, [&](std::span<const char> r) { out.emplace_back(r.data(), r.size()); });
  return out;
}

TEST(LogRing, FullRingDropsAndCountsInsteadOfBlocking) {
  LogRing ring(1024);
  const std::string record(100, 'x');
  int pushed = 0;
  while (ring.TryPush(record)) ++pushed;
  EXPECT_EQ(pushed, 1024 / 102);
  EXPECT_FALSE(ring.TryPush(record));
  EXPECT_EQ(ring.Dropped(), 2u);
  EXPECT_EQ(DrainAll(ring).size(), static_cast<std::size_t>(pushed));
  EXPECT_TRUE(ring.TryPush(record)) << "drained space is reusable";
}

TEST(LogRing, RecordsSurviveTheWrapInOrder) {
  LogRing ring(1024);
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 7; ++i) {
      std::string r = "record " + std::to_string(next_in) + std::string(next_in % 50, '.');
      ASSERT_TRUE(ring.TryPush(r));
      ++next_in;
    }
    for (const std::string& r : DrainAll(ring)) {
      EXPECT_EQ(r, "record " + std::to_string(next_out) + std::string(next_out % 50, '.'));
      ++next_out;
    }
  }
  EXPECT_EQ(next_out, next_in);
}

TEST(LogRing, OneProducerOneConsumerThreadsLoseNothingThatWasAccepted) {
  LogRing ring(4096);
  constexpr int kRecords = 100000;
  std::atomic<bool> done{false};
  std::uint64_t accepted = 0;
  std::thread producer([&] {
    for (int i = 0; i < kRecords; ++i) {
      std::string r = std::to_string(i);
      accepted += ring.TryPush(r);
    }
    done = true;
  });
  std::uint64_t received = 0;
  long last = -1;
  bool ordered = true;
  std::vector<char> scratch;
  auto drain = [&] {
    ring.Drain(scratch, [&](std::span<const char> r) {
      long value = std::stol(std::string(r.data(), r.size()));
      ordered &= value > last;
      last = value;
      ++received;
    });
  };
  while (!done) drain();
  producer.join();
  drain();
  EXPECT_TRUE(ordered);
  EXPECT_EQ(received, accepted);
  EXPECT_EQ(accepted + ring.Dropped(), static_cast<std::uint64_t>(kRecords));
}

TEST(LogSink, ReportsDroppedLinesAndCountsThem) {
  testing::CapturedSink captured;
  auto ring = captured.sink->AddRing(nullptr, 1024);
  const std::string line = std::string(200, 'y') + "\n";
  int pushed = 0;
  for (int i = 0; i < 10; ++i) pushed += ring->TryPush(line);
  const std::string text = captured.Text();
  EXPECT_EQ(captured.sink->Dropped(), static_cast<std::uint64_t>(10 - pushed));
  EXPECT_NE(text.find("[WARNING] plugin/log: " + std::to_string(10 - pushed) + " lines dropped"),
            std::string::npos)
      << text;
  captured.sink->Retire(ring);
}

}  // namespace
}  // namespace dnsd::plugins::log
