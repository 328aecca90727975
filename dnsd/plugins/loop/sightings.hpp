// loop's shared state, one per `loop` directive and shared by every worker's handler: the probe
// name, how often it has passed through the server, and whether probing is over. Only the probe's
// own question counts; once probing is over the handler costs one relaxed atomic load a query.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>

#include "dnsd/wire/message.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::loop {

inline constexpr std::uint16_t kTypeHinfo = 13;

// "<a>.<b>.<zone>" ("<a>.<b>." for the root zone), as CoreDNS's dnsutil.Join.
std::string ProbeName(std::string_view zone, std::uint64_t a, std::uint64_t b);
// CoreDNS 1.11 labels its probe with Go's rand.Int(): a non-negative 63-bit number (drawn here
// from the OS's random source).
std::uint64_t RandomLabel();

class Sightings {
 public:
  // `listen_address` is the server's own address as CoreDNS prints it (":53" for the wildcard).
  // A probe name that is not a valid name (a zone too long for two more labels) can never come
  // back: probing is then over from the start.
  Sightings(std::string zone, std::string probe_name, std::string listen_address);

  // Counts `question` when it is the probe (HINFO, the probe name in any case). True once the probe
  // has been seen more than twice: a forwarding loop.
  bool Count(const wire::MessageView& question);
  int seen() const { return seen_.load(std::memory_order_relaxed); }
  // A probe that got no reply: its sightings do not add to the next probe's (CoreDNS resets too).
  void Reset() { seen_.store(0, std::memory_order_relaxed); }

  // Probing is over (a reply came back, it gave up, or the config was replaced): count no more.
  bool disabled() const { return disabled_.load(std::memory_order_relaxed); }
  void Disable() { disabled_.store(true, std::memory_order_relaxed); }

  const std::string& zone() const { return zone_; }
  const wire::Name& probe_name() const { return probe_; }
  const std::string& probe_text() const { return probe_text_; }

  // CoreDNS's fatal message (without "[FATAL] plugin/loop: "), naming the client that sent the
  // probe the last time and this server's own address.
  std::string LoopMessage(const boost::asio::ip::address& from, std::uint16_t from_port) const;

 private:
  std::atomic<bool> disabled_{false};
  std::atomic<int> seen_{0};
  wire::Name probe_;
  std::string zone_;
  std::string probe_text_;
  std::string listen_address_;
};

// "host:port", "[v6]:port", ":port" for no host (Go's net.JoinHostPort).
std::string JoinHostPort(std::string_view host, std::uint16_t port);

// Logs "[FATAL] plugin/loop: <message>" and ends the process with status 1 at once, as CoreDNS's
// log.Fatalf (os.Exit: no clean-up runs).
[[noreturn]] void Halt(std::string_view message);

}  // namespace dnsd::plugins::loop
