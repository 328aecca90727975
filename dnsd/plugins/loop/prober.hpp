// loop's start-up probe, CoreDNS's timing: sends `<probe name> HINFO` to the server's own address,
// one attempt at a time, until any reply comes back or the probing time is up. An attempt waits
// `reply_timeout` for its reply (miekg/dns's 2 s); after one without a reply the sightings are reset
// and the next follows `pause` later. Either way probing then ends and the handler counts no more.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "dnsd/plugins/loop/sightings.hpp"

namespace dnsd::plugins::loop {

struct ProbeTiming {
  std::chrono::milliseconds probing_time{30000};
  std::chrono::milliseconds reply_timeout{2000};
  std::chrono::milliseconds pause{1000};
};

// The probe query: one question `name HINFO IN`, RD set (miekg/dns SetQuestion), the given ID.
std::vector<std::uint8_t> BuildProbeQuery(const wire::Name& name, std::uint16_t id);

// Kept alive by its own pending timer or receive only (never by its owner), so none of its I/O
// objects outlives the io_context; it ends as soon as `sightings` is disabled by anyone.
class Prober : public std::enable_shared_from_this<Prober> {
 public:
  Prober(boost::asio::io_context& io, std::shared_ptr<Sightings> sightings,
         boost::asio::ip::udp::endpoint target, ProbeTiming timing = {});

  // Starts probing; call on the io_context's thread (post it).
  void Begin();

 private:
  void Attempt();
  void Receive(unsigned step);
  void Failed();
  void Finish();
  bool Over() const { return sightings_->disabled(); }

  std::shared_ptr<Sightings> sightings_;
  boost::asio::ip::udp::endpoint target_;
  ProbeTiming timing_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_;
  std::array<std::uint8_t, 512> reply_{};
  std::uint16_t id_ = 0;
  unsigned step_ = 0;  // callbacks of an earlier step (attempt or pause) are stale
};

}  // namespace dnsd::plugins::loop
