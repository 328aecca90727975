#include "dnsd/plugins/loadbalance/shuffle.hpp"

#include <cstring>
#include <utility>

#include "dnsd/wire/message.hpp"
#include "dnsd/wire/name_walk.hpp"
#include "dnsd/wire/record_cursor.hpp"
#include "dnsd/wire/rr_types.hpp"

namespace dnsd::plugins::loadbalance {
namespace {

// A 65535-octet message holds at most this many records (root owner + 10 fixed octets each).
constexpr std::size_t kMaxRecords = (65535 - wire::kHeaderSize) / 11;

enum class Kind : std::uint8_t { kCname, kRest, kAddress, kMx };

Kind KindOf(std::uint16_t type) {
  switch (type) {
    case wire::type::kCNAME: return Kind::kCname;
    case wire::type::kA:
    case wire::type::kAAAA: return Kind::kAddress;
    case wire::type::kMX: return Kind::kMx;
    default: return Kind::kRest;
  }
}

// The octets that move: [begin, end) of each region.
struct Span {
  std::uint32_t begin, end;
};

// Whether the name at `pos` is well formed and reads no octet of `moving` through a pointer (its
// own octets move with its record). `*end` is the end of the encoding at `pos`.
bool NameAvoids(std::span<const std::uint8_t> m, std::size_t pos, std::span<const Span> moving,
                std::size_t* end) {
  bool avoids = true;
  const auto check = [&](std::size_t begin, std::size_t length, bool through_pointer) {
    if (!through_pointer) return;
    for (const Span& span : moving) {
      if (begin < span.end && begin + length > span.begin) avoids = false;
    }
  };
  return wire::VisitNameOctets(m, pos, check, end) == wire::WireError::kOk && avoids;
}

// Names inside RDATA that an encoder may have compressed (RFC 1035 types and the few others that
// encoders compress in practice); other types carry no compressed names (RFC 3597 4).
bool RdataAvoids(std::span<const std::uint8_t> m, std::uint16_t type, std::size_t rdata,
                 std::size_t rdata_end, std::span<const Span> moving) {
  const wire::RdataNames& layout = wire::RdataNamesOf(type);
  if (layout.count == 0) return true;
  std::size_t pos = 0;
  if (wire::SkipRdataPrefix(m, rdata, rdata_end, layout, &pos) != wire::WireError::kOk) return false;
  for (int i = 0; i < layout.count; ++i) {
    if (pos >= rdata_end || !NameAvoids(m.first(rdata_end), pos, moving, &pos)) return false;
  }
  return true;
}

// CoreDNS's roundRobinShuffle, with our random numbers in place of dns.Id().
void ShuffleRange(std::uint32_t* first, std::size_t count, Random& random) {
  if (count == 2) {
    if (random.Next16() % 2 == 0) std::swap(first[0], first[1]);
    return;
  }
  if (count < 3) return;
  for (std::size_t j = 0; j < count; ++j) {
    const std::size_t p = j + random.Next16() % (count - j);
    if (p != j) std::swap(first[j], first[p]);
  }
}

}  // namespace

std::uint16_t Random::Next16() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return static_cast<std::uint16_t>((z ^ (z >> 31)) >> 48);
}

Shuffler::Shuffler() {
  records_.reserve(kMaxRecords);
  order_.reserve(kMaxRecords);
}

void Shuffler::Plan(std::size_t first, std::size_t count, bool additional, Random& random,
                    Region& region) {
  region = {};
  if (count <= 1) return;
  if (additional) {
    // A TSIG or SIG(0) must stay last: leave such an additional section alone.
    for (std::size_t i = first; i < first + count; ++i) {
      if (records_[i].type == wire::type::kTSIG || records_[i].type == wire::type::kSIG) return;
    }
  }
  std::size_t out = first;
  std::size_t starts[4] = {};
  for (Kind kind : {Kind::kCname, Kind::kRest, Kind::kAddress, Kind::kMx}) {
    starts[static_cast<int>(kind)] = out;
    for (std::size_t i = first; i < first + count; ++i) {
      if (KindOf(records_[i].type) == kind) order_[out++] = static_cast<std::uint32_t>(i);
    }
  }
  const std::size_t end = first + count;
  ShuffleRange(&order_[starts[2]], starts[3] - starts[2], random);
  ShuffleRange(&order_[starts[3]], end - starts[3], random);
  for (std::size_t i = first; i < end; ++i) {
    if (order_[i] == i) continue;
    if (!region.moves) region.first = i;
    region.moves = true;
    region.last = i;
  }
}

bool Shuffler::PointersAvoid(std::span<const std::uint8_t> message,
                             std::span<const Region> regions) const {
  Span moving[3];
  std::size_t n = 0;
  for (const Region& region : regions) {
    if (region.moves) moving[n++] = {records_[region.first].begin, records_[region.last].end};
  }
  const std::span<const Span> spans(moving, n);
  if (!NameAvoids(message, wire::kHeaderSize, spans, nullptr)) return false;
  for (const Record& record : records_) {
    std::size_t owner_end = 0;
    if (!NameAvoids(message, record.begin, spans, &owner_end)) return false;
    if (!RdataAvoids(message, record.type, owner_end + wire::kRecordFixedSize, record.end, spans)) return false;
  }
  return true;
}

bool Shuffler::Shuffle(std::span<const std::uint8_t> response, std::span<std::uint8_t> out,
                       Random& random) {
  wire::MessageView view;
  if (out.size() < response.size() || wire::ParseHead(response, view) != wire::WireError::kOk) {
    return false;
  }
  if (view.header.rcode() != 0 || view.qtype == wire::type::kAXFR || view.qtype == wire::type::kIXFR) {
    return false;
  }
  const wire::Header& h = view.header;
  const std::size_t total = std::size_t{h.ancount} + h.nscount + h.arcount;
  if (total > kMaxRecords) return false;
  records_.clear();
  wire::RecordCursor cursor(response, view);
  while (cursor.Next()) {
    const wire::Record& record = cursor.record();
    records_.push_back({static_cast<std::uint32_t>(record.offset),
                        static_cast<std::uint32_t>(record.end()), record.type});
  }
  if (cursor.error() != wire::WireError::kOk) return false;
  order_.resize(total);
  Region regions[3];
  const std::size_t firsts[3] = {0, h.ancount, std::size_t{h.ancount} + h.nscount};
  const std::size_t counts[3] = {h.ancount, h.nscount, h.arcount};
  bool moves = false;
  for (int s = 0; s < 3; ++s) {
    Plan(firsts[s], counts[s], s == 2, random, regions[s]);
    moves = moves || regions[s].moves;
  }
  if (!moves || !PointersAvoid(response, regions)) return false;
  std::memcpy(out.data(), response.data(), response.size());
  for (const Region& region : regions) {
    if (!region.moves) continue;
    std::size_t at = records_[region.first].begin;
    for (std::size_t k = region.first; k <= region.last; ++k) {
      const Record& record = records_[order_[k]];
      std::memcpy(out.data() + at, response.data() + record.begin, record.end - record.begin);
      at += record.end - record.begin;
    }
  }
  return true;
}

}  // namespace dnsd::plugins::loadbalance
