// CoreDNS's `rewrite cname FROM TO` (cname target rewrite): when the upstream answer holds a CNAME
// whose target matches FROM, the target becomes TO, what followed the CNAME is dropped, and TO is
// resolved with a follow-up query down the chain whose answer records take their place. Slow path
// (only for rule sets with cname rules, only for answers with a matching CNAME), so the message
// surgery uses ldns.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "dnsd/pipeline/transaction.hpp"
#include "rules/ast.hpp"

struct ldns_struct_pkt;

namespace dnsd::plugins::rewrite {

class CnameFollowUp final : public pipeline::Transaction {
 public:
  // Called with the merged response (or the original one when the follow-up failed).
  using Done = std::function<void(std::span<const std::uint8_t>)>;
  CnameFollowUp() = default;
  ~CnameFollowUp() override;
  CnameFollowUp(const CnameFollowUp&) = delete;
  CnameFollowUp& operator=(const CnameFollowUp&) = delete;

  // Looks for a CNAME to rewrite in `response` (the answer to `parent`). False: nothing to do, the
  // caller carries on with `response`. True: this transaction now holds the follow-up query, to be
  // sent down the chain; its answer arrives in Respond(), which ends by calling `done`.
  bool Prepare(const pipeline::Transaction& parent, std::span<const rules::CnameRule* const> cname_rules,
               std::span<const std::uint8_t> response);
  void SetDone(Done done) { done_ = std::move(done); }
  void Respond(std::span<const std::uint8_t> response) override;

 private:
  void Reset();

  ldns_struct_pkt* first_ = nullptr;  // the first answer, cut after the rewritten CNAME
  std::vector<std::uint8_t> original_;  // the first answer as received, the fallback
  std::vector<std::uint8_t> query_bytes_;
  std::vector<std::uint8_t> merged_;
  Done done_;
};

}  // namespace dnsd::plugins::rewrite
