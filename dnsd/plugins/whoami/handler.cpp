#include "dnsd/plugins/whoami/handler.hpp"

#include <array>

#include "dnsd/metrics/responder.hpp"
#include "dnsd/wire/answer_builder.hpp"

namespace dnsd::plugins::whoami {
namespace {

// Header, the longest question, A or AAAA, SRV and OPT, with room to spare.
constexpr std::size_t kMaxAnswer = 512;
// The question name sits at offset 12 of the answer: owners point at it.
constexpr std::uint8_t kQname[2] = {0xC0, 0x0C};
constexpr std::uint8_t kUdpOwner[7] = {4, '_', 'u', 'd', 'p', 0xC0, 0x0C};
constexpr std::uint8_t kTcpOwner[7] = {4, '_', 't', 'c', 'p', 0xC0, 0x0C};

}  // namespace

std::size_t BuildAnswer(const pipeline::Transaction& tx, std::span<std::uint8_t> out) {
  const wire::MessageView& view = tx.View();
  wire::AnswerBuilder answer(tx.Query(), view, out, 0, true);
  boost::asio::ip::address client = tx.ClientAddress();
  if (client.is_v6() && client.to_v6().is_v4_mapped()) {
    client = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, client.to_v6());
  }
  if (client.is_v4()) {
    answer.BeginRecord(wire::Section::kAdditional, kQname, wire::type::kA, view.qclass, 0);
    answer.Append(client.to_v4().to_bytes());
  } else {
    answer.BeginRecord(wire::Section::kAdditional, kQname, wire::type::kAAAA, view.qclass, 0);
    answer.Append(client.to_v6().to_bytes());
  }
  answer.EndRecord();
  const bool tcp = tx.transport() == pipeline::Transport::kTcp;
  answer.BeginRecord(wire::Section::kAdditional, tcp ? kTcpOwner : kUdpOwner, wire::type::kSRV,
                     view.qclass, 0);
  answer.Append16(0);  // priority
  answer.Append16(0);  // weight
  answer.Append16(tx.ClientPort());
  answer.Append8(0);  // target "."
  answer.EndRecord();
  return answer.Finish();
}

void WhoamiHandler::Serve(pipeline::Transaction& tx) {
  std::array<std::uint8_t, kMaxAnswer> buffer;
  const std::size_t length = BuildAnswer(tx, buffer);
  if (length == 0) {
    tx.RespondError(wire::Rcode::kServFail);
    return;
  }
  metrics::NoteResponder(metrics::Responder::kWhoami);
  tx.Respond({buffer.data(), length});
}

}  // namespace dnsd::plugins::whoami
