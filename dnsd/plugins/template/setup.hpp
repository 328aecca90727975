// template plugin setup: `template CLASS TYPE [ZONE...] { match REGEX...; answer RR...;
// additional RR...; authority RR...; rcode CODE; fallthrough [ZONE...]; upstream [ADDRESS...] }`
// (CoreDNS 1.11).
#pragma once

#include "dnsd/pipeline/plugin.hpp"
#include "dnsd/plugins/template/compiled.hpp"

namespace dnsd::plugins::tmpl {

pipeline::SetupResult Setup(const config::Directive& directive, const pipeline::SetupContext& ctx);

// The parsing half, for tests: errors point and start with "template: ". `zones` are the server
// block's, used when the directive names none.
config::Parsed<std::shared_ptr<const Template>> ParseTemplate(const config::Directive& directive,
                                                              const std::vector<std::string>& zones);

}  // namespace dnsd::plugins::tmpl
