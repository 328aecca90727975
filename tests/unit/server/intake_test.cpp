#include "dnsd/server/intake.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace dnsd::server {
namespace {

// Query for "a." A IN with the given header fields.
std::vector<std::uint8_t> Query(std::uint16_t flags, std::uint16_t qd, std::uint16_t an = 0,
                                std::uint16_t ns = 0, std::uint16_t ar = 0) {
  std::vector<std::uint8_t> q = {0x12, 0x34, static_cast<std::uint8_t>(flags >> 8),
                                 static_cast<std::uint8_t>(flags), 0, static_cast<std::uint8_t>(qd),
                                 0, static_cast<std::uint8_t>(an), 0, static_cast<std::uint8_t>(ns),
                                 0, static_cast<std::uint8_t>(ar), 1, 'a', 0, 0, 1, 0, 1};
  return q;
}

struct Case {
  const char* name;
  std::vector<std::uint8_t> packet;
  IntakeVerdict verdict;
  wire::Rcode rcode;
};

TEST(ExamineQuery, ClassifiesLikeMiekgAcceptFunc) {
  std::vector<Case> cases = {
      {"plain query", Query(0x0100, 1), IntakeVerdict::kServe, wire::Rcode::kNoError},
      {"short header", {1, 2, 3, 4, 5}, IntakeVerdict::kDrop, wire::Rcode::kNoError},
      {"response as query", Query(0x8100, 1), IntakeVerdict::kDrop, wire::Rcode::kNoError},
      {"qdcount 0", Query(0x0100, 0), IntakeVerdict::kReject, wire::Rcode::kFormErr},
      {"qdcount 2", Query(0x0100, 2), IntakeVerdict::kReject, wire::Rcode::kFormErr},
      {"two answers", Query(0x0100, 1, 2), IntakeVerdict::kReject, wire::Rcode::kFormErr},
      {"three additionals", Query(0x0100, 1, 0, 0, 3), IntakeVerdict::kReject, wire::Rcode::kFormErr},
      {"update opcode", Query(0x2800, 1), IntakeVerdict::kReject, wire::Rcode::kNotImp},
      {"compression loop", {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1},
       IntakeVerdict::kReject, wire::Rcode::kFormErr},
      {"label of 64", [] {
         std::vector<std::uint8_t> p = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 64};
         p.insert(p.end(), 64, 'x');
         p.insert(p.end(), {0, 0, 1, 0, 1});
         return p;
       }(), IntakeVerdict::kReject, wire::Rcode::kFormErr},
      {"name over 255", [] {
         std::vector<std::uint8_t> p = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
         for (int i = 0; i < 5; ++i) {
           p.push_back(60);
           p.insert(p.end(), 60, 'y');
         }
         p.insert(p.end(), {0, 0, 1, 0, 1});
         return p;
       }(), IntakeVerdict::kReject, wire::Rcode::kFormErr},
      {"truncated question", {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0},
       IntakeVerdict::kReject, wire::Rcode::kFormErr},
  };
  for (const Case& c : cases) {
    wire::MessageView view;
    Intake intake = ExamineQuery(c.packet, view);
    EXPECT_EQ(intake.verdict, c.verdict) << c.name;
    if (c.verdict == IntakeVerdict::kReject) {
      EXPECT_EQ(intake.rcode, c.rcode) << c.name;
    }
  }
}

}  // namespace
}  // namespace dnsd::server
