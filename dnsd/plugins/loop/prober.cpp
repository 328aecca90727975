#include "dnsd/plugins/loop/prober.hpp"

#include "dnsd/random/secure_random.hpp"

namespace dnsd::plugins::loop {

namespace asio = boost::asio;
using boost::system::error_code;

std::vector<std::uint8_t> BuildProbeQuery(const wire::Name& name, std::uint16_t id) {
  std::vector<std::uint8_t> query(wire::kHeaderSize);
  wire::Header header;
  header.id = id;
  header.flags = 0x0100;  // RD
  header.qdcount = 1;
  header.Encode(query.data());
  auto labels = name.Wire();
  query.insert(query.end(), labels.begin(), labels.end());
  const std::uint8_t tail[] = {0, kTypeHinfo, 0, wire::klass::kIN};
  query.insert(query.end(), std::begin(tail), std::end(tail));
  return query;
}

Prober::Prober(asio::io_context& io, std::shared_ptr<Sightings> sightings, asio::ip::udp::endpoint target,
               ProbeTiming timing)
    : sightings_(std::move(sightings)), target_(target), timing_(timing), socket_(io), timer_(io) {}

void Prober::Begin() {
  deadline_ = std::chrono::steady_clock::now() + timing_.probing_time;
  Attempt();
}

void Prober::Attempt() {
  if (Over()) return;
  if (std::chrono::steady_clock::now() >= deadline_) return Finish();  // gave up
  const unsigned step = ++step_;
  static thread_local random::SecureRandom ids;
  id_ = ids.Next16();
  // A fresh socket (and source port) per attempt, as each miekg/dns Exchange dials anew. Connected,
  // so that an ICMP port unreachable ends the attempt at once.
  error_code ec;
  socket_.close(ec);
  socket_.open(target_.protocol(), ec);
  if (!ec) socket_.connect(target_, ec);
  if (!ec) socket_.send(asio::buffer(BuildProbeQuery(sightings_->probe_name(), id_)), 0, ec);
  if (ec) return Failed();
  timer_.expires_after(timing_.reply_timeout);
  timer_.async_wait([self = shared_from_this(), step](error_code error) {
    if (!error && step == self->step_) self->Failed();
  });
  Receive(step);
}

void Prober::Receive(unsigned step) {
  socket_.async_receive(asio::buffer(reply_), [self = shared_from_this(), step](error_code ec, std::size_t n) {
    if (step != self->step_ || self->Over()) return;
    if (ec) return self->Failed();
    if (n >= wire::kHeaderSize) {
      const wire::Header header = wire::Header::Decode(self->reply_.data());
      if (header.id == self->id_ && header.qr()) return self->Finish();  // any rcode: no loop
    }
    self->Receive(step);
  });
}

void Prober::Failed() {
  if (Over()) return;
  sightings_->Reset();
  const unsigned step = ++step_;
  error_code ignored;
  socket_.close(ignored);
  timer_.expires_after(timing_.pause);
  timer_.async_wait([self = shared_from_this(), step](error_code error) {
    if (!error && step == self->step_) self->Attempt();
  });
}

void Prober::Finish() {
  sightings_->Disable();
  ++step_;
  error_code ignored;
  socket_.close(ignored);
  timer_.cancel();
}

}  // namespace dnsd::plugins::loop
