#include "rewriter_edns.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "dnsd/wire/octets.hpp"

namespace dnsd::rules::detail {
namespace {

std::span<const std::uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// An address in text form to network octets: 4 (IPv4) or 16 (IPv6); 0 when it is not one.
// (CoreDNS's ipToWire: the family decides the length.)
std::size_t ParseAddress(std::string_view text, std::uint8_t* out) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buf) return 0;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (inet_pton(AF_INET, buf, out) == 1) return 4;
  if (inet_pton(AF_INET6, buf, out) == 1) return 16;
  return 0;
}

std::uint8_t* NextSlot(EdnsScratch& scratch) {
  if (scratch.used == scratch.slots.size()) return nullptr;
  return scratch.slots[scratch.used++].data();
}

std::span<const std::uint8_t> PutU16(EdnsScratch& scratch, std::uint16_t v) {
  std::uint8_t* slot = NextSlot(scratch);
  if (slot == nullptr) return {};
  wire::Write16(slot, v);
  return {slot, 2};
}

// The value of a {placeholder}; `ok` false when there is none (CoreDNS then ignores the rule).
std::span<const std::uint8_t> PlaceholderData(std::string_view name, const RequestContext& context,
                                              const Question& question, EdnsScratch& scratch,
                                              bool& ok) {
  ok = true;
  if (name == "{qname}") return Bytes(question.name.view());
  if (name == "{qtype}") return PutU16(scratch, question.qtype);
  if (name == "{client_port}") return PutU16(scratch, context.client_port);
  if (name == "{server_port}") return PutU16(scratch, context.server_port);
  if (name == "{protocol}") return Bytes(context.protocol);
  if (name == "{client_ip}" || name == "{server_ip}") {
    std::uint8_t* slot = NextSlot(scratch);
    const std::size_t n =
        slot == nullptr ? 0 : ParseAddress(name == "{client_ip}" ? context.client_ip : context.server_ip, slot);
    if (n > 0) return {slot, n};
  }
  ok = false;  // unknown placeholder (CoreDNS metadata) or no address
  return {};
}

// RFC 7871 ECS: FAMILY, SOURCE PREFIX-LENGTH, SCOPE PREFIX-LENGTH 0, the address masked to the
// prefix and cut to the octets the prefix covers (as miekg/dns packs it).
std::span<const std::uint8_t> SubnetData(const Edns0Rule& rule, const RequestContext& context,
                                         EdnsScratch& scratch) {
  std::uint8_t address[16];
  const std::size_t n = ParseAddress(context.client_ip, address);
  if (n == 0) return {};
  std::uint8_t* slot = NextSlot(scratch);
  if (slot == nullptr) return {};
  const std::uint8_t bits = n == 4 ? rule.v4_bits : rule.v6_bits;
  const std::size_t max_bits = n * 8;
  const std::size_t prefix = bits > max_bits ? max_bits : bits;
  const std::size_t octets = (prefix + 7) / 8;
  slot[0] = 0;
  slot[1] = n == 4 ? 1 : 2;
  slot[2] = static_cast<std::uint8_t>(prefix);
  slot[3] = 0;
  for (std::size_t i = 0; i < octets; ++i) {
    std::uint8_t octet = address[i];
    const std::size_t covered = prefix - i * 8;
    if (covered < 8) octet &= static_cast<std::uint8_t>(0xFF << (8 - covered));
    slot[4 + i] = octet;
  }
  return {slot, 4 + octets};
}

}  // namespace

bool OptionList::Parse(std::span<const std::uint8_t> rdata) {
  count_ = 0;
  for (std::size_t pos = 0; pos < rdata.size();) {
    if (rdata.size() - pos < 4) return false;
    const std::uint16_t code = wire::Read16(rdata, pos);
    const std::size_t length = wire::Read16(rdata, pos + 2);
    if (rdata.size() - pos - 4 < length) return false;
    if (!Append(code, rdata.subspan(pos + 4, length))) return false;
    pos += 4 + length;
  }
  return true;
}

bool OptionList::Append(std::uint16_t code, std::span<const std::uint8_t> data) {
  if (count_ == kMaxOptions || data.size() > 0xFFFF) return false;
  items_[count_++] = {code, data};
  return true;
}

EdnsOption* OptionList::Find(std::uint16_t code) {
  for (std::size_t i = 0; i < count_; ++i) {
    if (items_[i].code == code) return &items_[i];
  }
  return nullptr;
}

bool OptionList::RemoveAll(std::uint16_t code) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    if (items_[i].code != code) items_[kept++] = items_[i];
  }
  const bool removed = kept != count_;
  count_ = kept;
  return removed;
}

void OptionList::Write(MessageWriter& w) const {
  for (std::size_t i = 0; i < count_; ++i) {
    w.U16(items_[i].code);
    w.U16(static_cast<std::uint16_t>(items_[i].data.size()));
    w.Bytes(items_[i].data);
  }
}

std::size_t OptionList::WireLength() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < count_; ++i) n += 4 + items_[i].data.size();
  return n;
}

bool ApplyEdns0Rule(const Edns0Rule& rule, const RequestContext& context, const Question& question,
                    OptionList& options, EdnsScratch& scratch) {
  using Action = Edns0Rule::Action;
  std::uint16_t code = rule.code;
  if (rule.option == Edns0Rule::Option::kNsid) code = kOptionNsid;
  if (rule.option == Edns0Rule::Option::kSubnet) code = kOptionSubnet;
  if (rule.action == Action::kUnset) {
    options.RemoveAll(code);
    return true;
  }

  std::span<const std::uint8_t> data;
  switch (rule.option) {
    case Edns0Rule::Option::kLocal:
      if (rule.data_is_placeholder) {
        bool ok = false;
        data = PlaceholderData(rule.data, context, question, scratch, ok);
        if (!ok) return true;  // CoreDNS: no value, rule ignored
      } else {
        data = Bytes(rule.data);
      }
      break;
    case Edns0Rule::Option::kNsid:
      break;  // an empty NSID asks the upstream for its identifier
    case Edns0Rule::Option::kSubnet:
      data = SubnetData(rule, context, scratch);
      if (data.empty()) return true;  // no usable client address: ignored, as CoreDNS does
      break;
  }

  // set: replace the first option with this code, else add; replace: only replace; append: add
  // (a {placeholder} or subnet rule appends only when the code is absent, as in CoreDNS).
  EdnsOption* existing = options.Find(code);
  if (existing != nullptr && (rule.action == Action::kSet || rule.action == Action::kReplace)) {
    existing->data = data;
    return true;
  }
  const bool append_once = rule.data_is_placeholder || rule.option == Edns0Rule::Option::kSubnet;
  if (existing != nullptr && append_once) return true;
  if (rule.action == Action::kSet || rule.action == Action::kAppend) return options.Append(code, data);
  return true;
}

std::uint16_t RevertedOptionCode(const Edns0Rule& rule) {
  if (!rule.revert || rule.action == Edns0Rule::Action::kUnset) return 0;
  switch (rule.option) {
    case Edns0Rule::Option::kLocal:
      return rule.code;
    case Edns0Rule::Option::kNsid:
      return kOptionNsid;
    case Edns0Rule::Option::kSubnet:
      return kOptionSubnet;
  }
  return 0;
}

}  // namespace dnsd::rules::detail
