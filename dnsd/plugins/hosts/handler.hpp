// hosts' per-worker handler: answers A, AAAA and PTR queries from the published answers, passes on
// what CoreDNS passes on (names outside its zones, unmatched PTR queries, fallthrough), and answers
// SERVFAIL for a missing name otherwise, as CoreDNS does (it has no SOA to deny a name with).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/hosts/published_answers.hpp"

namespace dnsd::plugins::hosts {

// Zones as wire names, for the per-query checks.
struct ZoneList {
  std::vector<wire::Name> zones;
  bool Contains(const wire::Name& name) const;
};

struct HandlerConfig {
  ZoneList zones;        // where the plugin answers
  ZoneList fallthrough;  // where a missing name goes to the next plugin
};

class HostsHandler : public pipeline::Handler {
 public:
  HostsHandler(std::shared_ptr<const PublishedAnswers> published, std::shared_ptr<const HandlerConfig> config);
  void Serve(pipeline::Transaction& tx) override;

 private:
  void Answer(pipeline::Transaction& tx, const RecordSet* records);

  std::shared_ptr<const PublishedAnswers> published_;
  std::shared_ptr<const HandlerConfig> config_;
  std::uint64_t generation_ = 0;
  std::shared_ptr<const Answers> current_;
  std::vector<std::uint8_t> response_;  // reused: a response allocates nothing
};

}  // namespace dnsd::plugins::hosts
