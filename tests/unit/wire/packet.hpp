// Test helper: hand-made DNS packets, octet by octet.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

namespace dnsd::wire::testing {

class Packet {
 public:
  Packet& U8(std::uint8_t v) { bytes_.push_back(v); return *this; }
  Packet& U16(std::uint16_t v) { return U8(static_cast<std::uint8_t>(v >> 8)).U8(static_cast<std::uint8_t>(v)); }
  Packet& U32(std::uint32_t v) { return U16(static_cast<std::uint16_t>(v >> 16)).U16(static_cast<std::uint16_t>(v)); }
  Packet& Bytes(std::initializer_list<std::uint8_t> octets) {
    bytes_.insert(bytes_.end(), octets);
    return *this;
  }
  // Header with the given flags and counts.
  Packet& Head(std::uint16_t id, std::uint16_t flags, std::uint16_t qd, std::uint16_t an = 0,
               std::uint16_t ns = 0, std::uint16_t ar = 0) {
    return U16(id).U16(flags).U16(qd).U16(an).U16(ns).U16(ar);
  }
  // Uncompressed name from dotted labels ("www.example.org"), root-terminated.
  Packet& Name(std::string_view dotted) {
    while (!dotted.empty()) {
      const auto dot = dotted.find('.');
      const auto label = dotted.substr(0, dot);
      U8(static_cast<std::uint8_t>(label.size()));
      for (char c : label) U8(static_cast<std::uint8_t>(c));
      dotted = dot == std::string_view::npos ? std::string_view{} : dotted.substr(dot + 1);
    }
    return U8(0);
  }
  Packet& Label(std::string_view label) {
    U8(static_cast<std::uint8_t>(label.size()));
    for (char c : label) U8(static_cast<std::uint8_t>(c));
    return *this;
  }
  Packet& Pointer(std::uint16_t target) { return U16(static_cast<std::uint16_t>(0xC000 | target)); }
  // Root-owner OPT record with the given payload size, TTL field and empty RDATA.
  Packet& Opt(std::uint16_t udp_size, std::uint32_t ttl = 0) {
    return U8(0).U16(41).U16(udp_size).U32(ttl).U16(0);
  }
  std::size_t size() const { return bytes_.size(); }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }
  operator std::span<const std::uint8_t>() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace dnsd::wire::testing
