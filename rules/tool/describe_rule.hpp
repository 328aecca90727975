// How dnsd-rules prints rules and local answers: a LocalRule (which has no CoreDNS text of its
// own) as `local NXDOMAIN <match kind> <pattern> (soa <zone>)`, a preset rule with its family.
#pragma once

#include <cstdint>
#include <string>

#include "rules/ast.hpp"
#include "rules/question.hpp"

namespace dnsd::rules_tool {

// NOERROR, NXDOMAIN, ... (miekg/dns's names), else RCODEn.
std::string RcodeName(std::uint16_t rcode);
// "mesos. 60 IN SOA ns1.mesos. root.ns1.mesos. 1 60 600 86400 60"
std::string SoaText(const rules::SoaParams& soa);
// The rule as `explain` and `test` show it: a LocalRule described from its fields, any other rule
// as written (Rule::text); then "  (family F)" when the rule has one.
std::string RuleText(const rules::Rule& rule);
// What a LocalRule answers to `question` (the question the rules left, lower case), one line per
// section: "answered locally: NXDOMAIN\n  authority: <SOA>\n".
std::string LocalAnswer(const rules::Rule& rule, const rules::Question& question);

}  // namespace dnsd::rules_tool
