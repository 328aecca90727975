#include "dnsd/plugins/loop/sightings.hpp"

#include <cstdio>
#include <cstdlib>
#include <random>

#include "dnsd/log/log.hpp"

namespace dnsd::plugins::loop {
namespace {

// Go's %q for a zone name: quoted, with quotes and backslashes escaped.
std::string GoQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string ProbeName(std::string_view zone, std::uint64_t a, std::uint64_t b) {
  std::string name = std::to_string(a) + "." + std::to_string(b) + ".";
  if (zone != ".") name += zone;
  return name;
}

std::uint64_t RandomLabel() {
  // Straight from the OS: whoever could guess the name could halt the server with three queries
  // while it probes (why CoreDNS later moved to crypto/rand).
  std::random_device os;
  const std::uint64_t high = os(), low = os();
  return (high << 32 | (low & 0xFFFFFFFFu)) >> 1;
}

Sightings::Sightings(std::string zone, std::string probe_name, std::string listen_address)
    : zone_(std::move(zone)), probe_text_(std::move(probe_name)), listen_address_(std::move(listen_address)) {
  if (wire::Name::FromString(probe_text_, probe_) != wire::WireError::kOk) Disable();
}

bool Sightings::Count(const wire::MessageView& question) {
  if (question.qtype != kTypeHinfo || !(question.qname == probe_)) return false;
  return seen_.fetch_add(1, std::memory_order_relaxed) + 1 > 2;
}

std::string Sightings::LoopMessage(const boost::asio::ip::address& from, std::uint16_t from_port) const {
  return "Loop (" + JoinHostPort(from.to_string(), from_port) + " -> " + listen_address_ +
         ") detected for zone " + GoQuote(zone_) +
         ", see https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO " + probe_text_ + "\"";
}

std::string JoinHostPort(std::string_view host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

void Halt(std::string_view message) {
  dnsd::log::Write(dnsd::log::Level::kFatal, "plugin/loop: " + std::string(message));
  std::fflush(nullptr);
  std::_Exit(1);
}

}  // namespace dnsd::plugins::loop
