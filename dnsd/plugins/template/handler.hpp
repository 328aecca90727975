// template's per-worker handler: a query in the template's zones, class and type whose lower-cased
// name a `match` regex finds is answered from the rendered RR templates (AA set, the template's
// rcode); a name no regex finds gets SERVFAIL unless `fallthrough` covers it, then the next plugin.
// Queries outside the zones, class or type go to the next plugin.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/pipeline/handler.hpp"
#include "dnsd/plugins/template/compiled.hpp"

namespace dnsd::plugins::tmpl {

class TemplateHandler : public pipeline::Handler {
 public:
  explicit TemplateHandler(std::shared_ptr<const Template> t);
  void Serve(pipeline::Transaction& tx) override;

 private:
  // The index into zones of the longest zone holding `qname`, or -1.
  int ZoneOf(const wire::Name& qname) const;
  bool FallsThrough(const wire::Name& qname) const;
  void Answer(pipeline::Transaction& tx, const QueryData& data);

  std::shared_ptr<const Template> t_;
  // Reused per query, so that answering allocates nothing once they have grown.
  std::string name_, remote_, rendered_;
  std::vector<re2::StringPiece> groups_;
  std::vector<std::string_view> match_;
  std::vector<std::uint8_t> buffer_;
};

class TemplateFactory : public pipeline::HandlerFactory {
 public:
  explicit TemplateFactory(std::shared_ptr<const Template> t) : t_(std::move(t)) {}
  std::unique_ptr<pipeline::Handler> CreateHandler(pipeline::WorkerContext& /*worker*/) override {
    return std::make_unique<TemplateHandler>(t_);
  }

 private:
  std::shared_ptr<const Template> t_;
};

}  // namespace dnsd::plugins::tmpl
