#include "dnsd/plugins/hosts/answers.hpp"

#include "dnsd/wire/message.hpp"

namespace dnsd::plugins::hosts {
namespace {

// Room left in a 65535-octet message after header, the longest question and an OPT record.
constexpr std::size_t kMaxSetOctets = 65535 - 12 - 259 - 11;

void Put16(std::string& out, std::uint16_t value) {
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value & 0xFF));
}

void Append(RecordSet& set, std::uint16_t type, std::uint32_t ttl, std::string_view rdata) {
  if (set.wire.size() + 12 + rdata.size() > kMaxSetOctets) return;
  Put16(set.wire, 0xC00C);  // the owner is the question's name, as the client wrote it
  Put16(set.wire, type);
  Put16(set.wire, wire::klass::kIN);
  Put16(set.wire, static_cast<std::uint16_t>(ttl >> 16));
  Put16(set.wire, static_cast<std::uint16_t>(ttl & 0xFFFF));
  Put16(set.wire, static_cast<std::uint16_t>(rdata.size()));
  set.wire.append(rdata);
  ++set.count;
}

void PutLabel(std::string& out, std::string_view label) {
  out.push_back(static_cast<char>(label.size()));
  out.append(label);
}

std::string Reverse6(const std::array<std::uint8_t, 16>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name;
  for (int i = 15; i >= 0; --i) {
    PutLabel(name, std::string_view(&kHex[bytes[i] & 0xF], 1));
    PutLabel(name, std::string_view(&kHex[bytes[i] >> 4], 1));
  }
  PutLabel(name, "ip6");
  PutLabel(name, "arpa");
  name.push_back('\0');
  return name;
}

// An IPv4 address as ::ffff:a.b.c.d: CoreDNS's ip6.arpa parsing maps that name to the IPv4 entry.
std::array<std::uint8_t, 16> Mapped(const Address& address) {
  std::array<std::uint8_t, 16> bytes{};
  bytes[10] = bytes[11] = 0xFF;
  for (int i = 0; i < 4; ++i) bytes[12 + i] = address.bytes[i];
  return bytes;
}

}  // namespace

std::string ReverseName(const Address& address) {
  if (!address.v4) return Reverse6(address.bytes);
  std::string name;
  for (int i = 3; i >= 0; --i) PutLabel(name, std::to_string(address.bytes[i]));
  PutLabel(name, "in-addr");
  PutLabel(name, "arpa");
  name.push_back('\0');
  return name;
}

Answers::Answers(std::span<const HostRecord> records, std::uint32_t ttl, bool auto_reverse) {
  for (const HostRecord& record : records) {
    const Address& address = record.address;
    NameAnswers& answers = map_[record.name];
    const auto* octets = reinterpret_cast<const char*>(address.bytes.data());
    if (address.v4) Append(answers.a, wire::type::kA, ttl, std::string_view(octets, 4));
    else Append(answers.aaaa, wire::type::kAAAA, ttl, std::string_view(octets, 16));
    ++entries_;
    if (!auto_reverse) continue;
    Append(map_[ReverseName(address)].ptr, wire::type::kPTR, ttl, record.name);
    ++entries_;
    if (address.v4) Append(map_[Reverse6(Mapped(address))].ptr, wire::type::kPTR, ttl, record.name);
  }
}

}  // namespace dnsd::plugins::hosts
