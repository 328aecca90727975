// Differential test: ldns is the oracle. Many seeded packets, valid ones built with ldns and
// mutated ones, are fed to both parsers; where both accept they must agree field by field, and
// every disagreement on acceptance must be one of the documented, deliberate differences.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "dnsd/wire/builder.hpp"
#include "dnsd/wire/message.hpp"
#include "dnsd/wire/name.hpp"

// ldns/common.h may #define bool/true/false for C: include it after every C++ header.
#include <ldns/ldns.h>

namespace dnsd::wire {
namespace {

using Bytes = std::vector<std::uint8_t>;

class Generator {
 public:
  explicit Generator(std::uint32_t seed) : rng_(seed) {}

  std::uint32_t Below(std::uint32_t n) { return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng_); }
  bool Chance(int percent) { return Below(100) < static_cast<std::uint32_t>(percent); }

  // A presentation-form name with random case and escapes; usually valid, sometimes too long.
  std::string NameText() {
    const int labels = static_cast<int>(Below(100) < 5 ? 3 + Below(3) : Below(6));
    if (labels == 0) return ".";
    std::string text;
    for (int l = 0; l < labels; ++l) {
      const std::uint32_t length = Chance(8) ? 40 + Below(30) : 1 + Below(12);
      for (std::uint32_t i = 0; i < length; ++i) AppendOctet(text, RandomOctet());
      if (l + 1 < labels || Chance(50)) text.push_back('.');
    }
    return text;
  }

  std::uint8_t RandomOctet() {
    static constexpr char kCommon[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    if (Chance(85)) return static_cast<std::uint8_t>(kCommon[Below(sizeof(kCommon) - 1)]);
    return static_cast<std::uint8_t>(Below(256));
  }

  void AppendOctet(std::string& text, std::uint8_t c) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_';
    if (alnum && !Chance(3)) {
      text.push_back(static_cast<char>(c));
    } else if (c > 0x20 && c < 0x7f && !(c >= '0' && c <= '9') && Chance(50)) {
      text.push_back('\\');
      text.push_back(static_cast<char>(c));
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\%03u", static_cast<unsigned>(c));
      text += buf;
    }
  }

  std::uint16_t RandomType() {
    static constexpr std::uint16_t kTypes[] = {type::kA, type::kAAAA, type::kMX, type::kTXT, type::kSRV,
                                               type::kPTR, type::kNS, type::kSOA, type::kANY, type::kCNAME};
    return Chance(90) ? kTypes[Below(std::size(kTypes))] : static_cast<std::uint16_t>(Below(65536));
  }
  std::uint16_t RandomClass() {
    return Chance(90) ? klass::kIN : static_cast<std::uint16_t>(Below(65536));
  }

  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

struct Stats {
  int packets = 0, ldns_ok = 0, ours_ok = 0, agreed_ok = 0, names_checked = 0;
  std::map<std::string, int> known_differences;
};

std::string LdnsDnameText(const ldns_rdf* rdf) {
  char* s = ldns_rdf2str(rdf);
  std::string text(s != nullptr ? s : "");
  free(s);
  return text;
}

// Builds a valid query (sometimes with answer records) with ldns from a random name. Empty when
// the name could not be encoded; then our FromString must fail too.
Bytes BuildValid(Generator& gen, Stats& stats) {
  const std::string text = gen.NameText();
  ldns_rdf* qname = nullptr;
  const ldns_status status = ldns_str2rdf_dname(&qname, text.c_str());
  Name ours;
  const WireError our_status = Name::FromString(text, ours);
  if (status != LDNS_STATUS_OK) {
    EXPECT_NE(our_status, WireError::kOk) << text << ": ldns rejects it";
    return {};
  }
  EXPECT_EQ(our_status, WireError::kOk) << text << ": ldns accepts it";
  if (our_status == WireError::kOk) {
    EXPECT_TRUE(std::equal(ours.Wire().begin(), ours.Wire().end(), ldns_rdf_data(qname),
                           ldns_rdf_data(qname) + ldns_rdf_size(qname)) &&
                ours.WireLength() == ldns_rdf_size(qname))
        << text;
    EXPECT_EQ(ours.ToString(), LdnsDnameText(qname)) << text;
    ++stats.names_checked;
  }
  const std::string owner = LdnsDnameText(qname);
  ldns_pkt* pkt = ldns_pkt_query_new(qname, static_cast<ldns_rr_type>(gen.RandomType()),
                                     static_cast<ldns_rr_class>(gen.RandomClass()), LDNS_RD);
  ldns_pkt_set_id(pkt, static_cast<std::uint16_t>(gen.Below(65536)));
  if (gen.Chance(60)) {
    static constexpr std::uint16_t kSizes[] = {512, 1232, 1400, 4096, 65535, 100};
    ldns_pkt_set_edns_udp_size(pkt, gen.Chance(90) ? kSizes[gen.Below(std::size(kSizes))]
                                                   : static_cast<std::uint16_t>(gen.Below(65536)));
    ldns_pkt_set_edns_do(pkt, gen.Chance(50));
    if (gen.Chance(10)) ldns_pkt_set_edns_version(pkt, static_cast<std::uint8_t>(gen.Below(3)));
    if (gen.Chance(10)) ldns_pkt_set_edns_extended_rcode(pkt, static_cast<std::uint8_t>(gen.Below(256)));
  }
  if (gen.Chance(25) && owner.size() < 200) {
    const std::string records[] = {owner + " 300 IN A 192.0.2.1", owner + " 60 IN CNAME x." + owner,
                                   "ns." + owner + " 60 IN TXT \"hi\"", owner + " 60 IN MX 10 mx." + owner};
    const ldns_pkt_section sections[] = {LDNS_SECTION_ANSWER, LDNS_SECTION_AUTHORITY,
                                         LDNS_SECTION_ADDITIONAL};
    for (std::uint32_t i = 0, n = 1 + gen.Below(3); i < n; ++i) {
      ldns_rr* rr = nullptr;
      if (ldns_rr_new_frm_str(&rr, records[gen.Below(4)].c_str(), 0, nullptr, nullptr) == LDNS_STATUS_OK) {
        ldns_pkt_push_rr(pkt, sections[gen.Below(3)], rr);
      }
    }
  }
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  Bytes bytes;
  if (ldns_pkt2wire(&wire, pkt, &size) == LDNS_STATUS_OK) bytes.assign(wire, wire + size);
  free(wire);
  ldns_pkt_free(pkt);
  if (!bytes.empty() && gen.Chance(30)) {  // any flags, opcodes and rcodes
    bytes[2] = static_cast<std::uint8_t>(gen.Below(256));
    bytes[3] = static_cast<std::uint8_t>(gen.Below(256));
  }
  return bytes;
}

Bytes Mutate(Generator& gen, Bytes bytes) {
  if (bytes.empty()) return bytes;
  switch (gen.Below(7)) {
    case 0:  // byte flips
      for (std::uint32_t i = 0, n = 1 + gen.Below(3); i < n; ++i) {
        bytes[gen.Below(bytes.size())] = static_cast<std::uint8_t>(gen.Below(256));
      }
      break;
    case 1:  // truncation
      bytes.resize(gen.Below(bytes.size()));
      break;
    case 2: {  // a compression pointer, backwards most of the time
      if (bytes.size() < 14) break;
      const std::size_t at = 12 + gen.Below(bytes.size() - 13);
      const std::size_t target = gen.Chance(70) ? gen.Below(at + 1) : gen.Below(bytes.size() + 8);
      bytes[at] = static_cast<std::uint8_t>(0xC0 | (target >> 8));
      bytes[at + 1] = static_cast<std::uint8_t>(target);
      break;
    }
    case 3:  // section counts
      bytes[4 + 2 * gen.Below(4) + 1] = static_cast<std::uint8_t>(gen.Below(4));
      break;
    case 4:  // label length octets of other types / sizes
      bytes[12 + gen.Below(bytes.size() > 12 ? bytes.size() - 12 : 1) % bytes.size()] =
          static_cast<std::uint8_t>(0x30 + gen.Below(0xA0));
      break;
    case 5:  // trailing garbage or a second OPT record
      if (gen.Chance(50)) {
        const std::uint8_t opt[] = {0, 0, 41, 16, 0, 0, 0, 0, 0, 0, 0};
        bytes.insert(bytes.end(), std::begin(opt), std::end(opt));
        bytes[11] = static_cast<std::uint8_t>(bytes[11] + 1);
      } else {
        for (std::uint32_t i = 0, n = 1 + gen.Below(8); i < n; ++i) {
          bytes.push_back(static_cast<std::uint8_t>(gen.Below(256)));
        }
      }
      break;
    default:  // random tail
      for (std::size_t i = 12 + gen.Below(static_cast<std::uint32_t>(bytes.size())); i < bytes.size(); ++i) {
        bytes[i] = static_cast<std::uint8_t>(gen.Below(256));
      }
      break;
  }
  return bytes;
}

Bytes RandomPacket(Generator& gen) {
  Bytes bytes(gen.Below(64));
  for (auto& b : bytes) b = static_cast<std::uint8_t>(gen.Below(256));
  if (bytes.size() >= 12 && gen.Chance(70)) {
    bytes[4] = 0;
    bytes[5] = 1;
    for (int i = 6; i < 12; i += 2) {
      bytes[i] = 0;
      bytes[i + 1] = static_cast<std::uint8_t>(gen.Below(2));
    }
    if (bytes.size() > 14 && gen.Chance(50)) bytes[12] = static_cast<std::uint8_t>(gen.Below(8));
  }
  return bytes;
}


enum class Framing { kSame, kLdnsRejectsRecord, kDifferentEnd };

// Walks the records after the question with ldns_wire2rr and with our SkipRecord side by side:
// kSame when ldns accepts every record and ends it exactly where RDLENGTH says (our framing).
Framing CompareFraming(const Bytes& bytes, const MessageView& view) {
  std::size_t pos = view.question_end;
  const int records = view.header.ancount + view.header.nscount + view.header.arcount;
  for (int i = 0; i < records; ++i) {
    std::size_t ours_end = 0;
    const WireError ours = SkipRecord(bytes, pos, &ours_end);
    std::size_t ldns_pos = pos;
    ldns_rr* rr = nullptr;
    const ldns_status status =
        ldns_wire2rr(&rr, bytes.data(), bytes.size(), &ldns_pos, LDNS_SECTION_ANSWER);
    if (rr != nullptr) ldns_rr_free(rr);
    if (status != LDNS_STATUS_OK) return Framing::kLdnsRejectsRecord;
    if (ours != WireError::kOk || ldns_pos != ours_end) return Framing::kDifferentEnd;
    pos = ours_end;
  }
  return Framing::kSame;
}

std::string Hex(const Bytes& bytes) {
  std::string text;
  char buf[4];
  for (auto b : bytes) {
    std::snprintf(buf, sizeof buf, "%02x ", b);
    text += buf;
  }
  return text;
}

// Whatever we accept, the builders must turn into replies both parsers read back.
void CheckBuilders(const Bytes& bytes, const MessageView& view) {
  static std::array<std::uint8_t, 65536> out;
  const std::size_t error_size = BuildErrorResponse(bytes, view, Rcode::kServFail, out);
  ASSERT_GT(error_size, 0u);
  SCOPED_TRACE("reply " + Hex(Bytes(out.data(), out.data() + error_size)));
  MessageView reply;
  ASSERT_EQ(ParseMessage(std::span(out.data(), error_size), reply), WireError::kOk);
  EXPECT_TRUE(reply.qname.IdenticalTo(view.qname));
  EXPECT_EQ(reply.edns.has_value(), view.edns.has_value());
  ldns_pkt* raw = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&raw, out.data(), error_size), LDNS_STATUS_OK);
  ldns_pkt_free(raw);

  const std::size_t truncated_size = BuildTruncated(bytes, out);
  ASSERT_GT(truncated_size, 0u);
  ASSERT_EQ(ParseMessage(std::span(out.data(), truncated_size), reply), WireError::kOk);
  EXPECT_TRUE(reply.header.tc());
  EXPECT_EQ(reply.header.ancount + reply.header.nscount, 0);
  EXPECT_TRUE(reply.qname.IdenticalTo(view.qname));
  EXPECT_EQ(reply.edns.has_value(), view.edns.has_value());
  if (view.edns) {
    EXPECT_EQ(reply.edns->udp_size, view.edns->udp_size);
  }
}

// No input may crash the name walker, whatever the offset.
void PokeAtRandomOffsets(Generator& gen, const Bytes& bytes) {
  Name name;
  std::size_t end = 0;
  for (int i = 0; i < 2; ++i) {
    const std::size_t offset = gen.Below(static_cast<std::uint32_t>(bytes.size() + 2));
    if (Name::Parse(bytes, offset, name, &end) == WireError::kOk) {
      EXPECT_LE(end, bytes.size());
      EXPECT_LE(name.WireLength(), kMaxNameLength);
      EXPECT_FALSE(name.ToString().empty());
    }
    if (SkipRecord(bytes, offset, &end) == WireError::kOk) {
      EXPECT_LE(end, bytes.size());
    }
  }
}

void CheckAgreement(const Bytes& bytes, Stats& stats) {
  ++stats.packets;
  ldns_pkt* raw = nullptr;
  const ldns_status ldns_status = ldns_wire2pkt(&raw, bytes.data(), bytes.size());
  std::unique_ptr<ldns_pkt, void (*)(ldns_pkt*)> pkt(raw, ldns_pkt_free);
  MessageView view;
  const WireError ours = ParseMessage(bytes, view);
  const bool ldns_one_question = ldns_status == LDNS_STATUS_OK && ldns_pkt_qdcount(pkt.get()) == 1;
  stats.ldns_ok += ldns_status == LDNS_STATUS_OK;
  stats.ours_ok += ours == WireError::kOk;

  if (ours == WireError::kOk) {
    {
      SCOPED_TRACE(Hex(bytes));
      CheckBuilders(bytes, view);
    }
    if (ldns_status != LDNS_STATUS_OK) {
      // Known difference: ldns decodes every RDATA by type and rejects malformed ones; we skip
      // records by RDLENGTH only (their content is the upstream's business, not the query path's).
      EXPECT_NE(CompareFraming(bytes, view), Framing::kSame)
          << "we accept, ldns says " << ldns_get_errorstr_by_id(ldns_status) << ": " << Hex(bytes);
      ++stats.known_differences[std::string("ldns rejects RDATA: ") + ldns_get_errorstr_by_id(ldns_status)];
      return;
    }
    ASSERT_TRUE(ldns_one_question);
  }
  if (!ldns_one_question) return;
  if (ours != WireError::kOk) {
    // Known differences, all stricter on our side: ldns follows forward pointers and pointers
    // into the header, follows up to 65535 jumps, and takes any OPT owner and several OPTs.
    // And when a record's RDATA decodes shorter than RDLENGTH, ldns reads on from there (see
    // below); a RDLENGTH running past the end is then kTruncated for us only.
    MessageView head;
    const bool ldns_frames_differently = ParseHead(bytes, head) == WireError::kOk &&
                                         CompareFraming(bytes, head) == Framing::kDifferentEnd;
    const bool known = ours == WireError::kBadPointer || ours == WireError::kPointerLoop ||
                       (ours == WireError::kBadEdns && ldns_pkt_edns(pkt.get())) ||
                       ldns_frames_differently;
    EXPECT_TRUE(known) << "ldns accepts, we say " << ToString(ours) << ": " << Hex(bytes);
    ++stats.known_differences[(ldns_frames_differently ? "ldns frames by RDATA, we reject: "
                                                       : "we reject: ") +
                              std::string(ToString(ours))];
    return;
  }
  ++stats.agreed_ok;
  ldns_pkt* p = pkt.get();
  SCOPED_TRACE(Hex(bytes));
  EXPECT_EQ(view.header.id, ldns_pkt_id(p));
  EXPECT_EQ(view.header.qr(), ldns_pkt_qr(p));
  EXPECT_EQ(static_cast<int>(view.header.opcode()), static_cast<int>(ldns_pkt_get_opcode(p)));
  EXPECT_EQ(view.header.aa(), ldns_pkt_aa(p));
  EXPECT_EQ(view.header.tc(), ldns_pkt_tc(p));
  EXPECT_EQ(view.header.rd(), ldns_pkt_rd(p));
  EXPECT_EQ(view.header.ra(), ldns_pkt_ra(p));
  EXPECT_EQ(view.header.ad(), ldns_pkt_ad(p));
  EXPECT_EQ(view.header.cd(), ldns_pkt_cd(p));
  EXPECT_EQ(view.header.rcode(), static_cast<int>(ldns_pkt_get_rcode(p)));
  const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
  const ldns_rdf* owner = ldns_rr_owner(q);
  EXPECT_TRUE(view.qname.WireLength() == ldns_rdf_size(owner) &&
              std::equal(view.qname.Wire().begin(), view.qname.Wire().end(), ldns_rdf_data(owner)))
      << view.qname.ToString() << " vs " << LdnsDnameText(owner);
  EXPECT_EQ(view.qname.ToString(), LdnsDnameText(owner));
  EXPECT_EQ(view.qtype, ldns_rr_get_type(q));
  EXPECT_EQ(view.qclass, ldns_rr_get_class(q));
  if (CompareFraming(bytes, view) != Framing::kSame) {
    // Known difference: when a record's RDATA decodes shorter than its RDLENGTH, ldns goes on
    // reading the next record where its decoding stopped, we at RDLENGTH; the sections after it
    // (and so the OPT record) differ. Header and question must still agree (checked above).
    ++stats.known_differences["ldns frames records by decoded RDATA"];
    return;
  }
  EXPECT_EQ(view.edns.has_value(), ldns_pkt_edns(p));
  if (view.edns) {
    EXPECT_EQ(view.edns->udp_size, ldns_pkt_edns_udp_size(p));
    EXPECT_EQ(view.edns->dnssec_ok, ldns_pkt_edns_do(p));
    EXPECT_EQ(view.edns->version, ldns_pkt_edns_version(p));
    EXPECT_EQ(view.edns->extended_rcode, ldns_pkt_edns_extended_rcode(p));
  }
}

TEST(LdnsCrossCheck, NameToStringMatchesLdnsForEveryOctet) {
  for (int octet = 0; octet < 256; ++octet) {
    const std::uint8_t wire[] = {3, 'a', static_cast<std::uint8_t>(octet), 'Z', 0};
    Name name;
    std::size_t end = 0;
    ASSERT_EQ(Name::Parse(wire, 0, name, &end), WireError::kOk);
    ldns_rdf* rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, sizeof wire, wire);
    EXPECT_EQ(name.ToString(), LdnsDnameText(rdf)) << octet;
    ldns_rdf_deep_free(rdf);
  }
}

TEST(LdnsCrossCheck, AgreesOnRandomAndMutatedPackets) {
  Generator gen(20261125);
  Stats stats;
  constexpr int kBases = 10000;
  for (int i = 0; i < kBases && !HasFailure(); ++i) {
    const Bytes valid = BuildValid(gen, stats);
    if (!valid.empty()) {
      CheckAgreement(valid, stats);
      for (int m = 0; m < 4; ++m) CheckAgreement(Mutate(gen, valid), stats);
      CheckAgreement(Mutate(gen, Mutate(gen, valid)), stats);
    }
    const Bytes random = RandomPacket(gen);
    CheckAgreement(random, stats);
    PokeAtRandomOffsets(gen, random);
    if (!valid.empty()) PokeAtRandomOffsets(gen, Mutate(gen, valid));
  }
  EXPECT_GE(stats.packets, 60000);
  EXPECT_GE(stats.agreed_ok, 25000);  // the generator really produces valid queries
  EXPECT_GE(stats.names_checked, 8000);
  std::string summary;
  for (const auto& [what, count] : stats.known_differences) {
    summary += "  " + what + ": " + std::to_string(count) + "\n";
  }
  std::printf("packets %d, ldns ok %d, ours ok %d, agreed ok %d, names %d\nknown differences:\n%s",
              stats.packets, stats.ldns_ok, stats.ours_ok, stats.agreed_ok, stats.names_checked,
              summary.c_str());
}

}  // namespace
}  // namespace dnsd::wire
