// loadbalance's round_robin on the wire: reorders the records of each section of a response as
// CoreDNS does (CNAMEs first, then other types, then A/AAAA shuffled, then MX shuffled), writing
// the reordered message into a caller's buffer of the same length. Records are moved as byte
// ranges, so a section is only reordered when no compression pointer of the message refers into
// the bytes that move; otherwise (never seen from real encoders, which point at the question or
// at an earlier CNAME target) the section is left as it came.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace dnsd::plugins::loadbalance {

// A small, fast PRNG per worker (splitmix64): shuffling needs spread, not secrecy.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint16_t Next16();

 private:
  std::uint64_t state_;
};

class Shuffler {
 public:
  Shuffler();
  // Writes `response` reordered into `out` (at least response.size() octets) and returns true;
  // false when nothing was reordered (not NOERROR, a zone transfer, a malformed message, or
  // nothing to move) and `out` is to be ignored.
  bool Shuffle(std::span<const std::uint8_t> response, std::span<std::uint8_t> out, Random& random);

 private:
  struct Record {
    std::uint32_t begin, end;
    std::uint16_t type;
  };
  struct Region {
    std::size_t first = 0, last = 0;  // record indexes [first, last] of `records_` that move
    bool moves = false;
  };
  void Plan(std::size_t first, std::size_t count, bool additional, Random& random, Region& region);
  bool PointersAvoid(std::span<const std::uint8_t> message, std::span<const Region> regions) const;

  std::vector<Record> records_;      // every record of the message, reserved for the largest
  std::vector<std::uint32_t> order_;  // the new order, as indexes into records_, section by section
};

}  // namespace dnsd::plugins::loadbalance
