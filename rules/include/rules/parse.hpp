// The rule parsers: CoreDNS `rewrite` directives (one line or the block form) and YAML rule sets,
// both producing the Rule AST of ast.hpp with every FROM/TO normalised as CoreDNS 1.11 does.
// Errors are values that point: "file:line:column: rewrite: <what was wrong and what was wanted>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "rules/ast.hpp"

namespace dnsd::rules {

// Either rules (error empty) or the first error found (rules empty).
struct ParsedRules {
  std::vector<Rule> rules;
  std::optional<RuleError> error;
  bool ok() const { return !error.has_value(); }
};

// Parses one Corefile `rewrite` directive: `rewrite [continue|stop] FIELD ...` or the block form
// `rewrite [continue|stop] { name regex ... \n answer name ... }` (whose lines are joined into one
// argument list, as CoreDNS does). One directive gives one rule, numbered `first_index`.
//
// What the AST then holds (see docs/rewrite.md for the full list):
//  - name/ttl/rcode FROM and name TO for exact/prefix/suffix/substring: lower case, fully
//    qualified (`old` -> `old.`, `.marathon.mesos` -> `.marathon.mesos.`). A TO that cannot be
//    (part of) a domain name (label over 63, name over 255 octets, empty label) is an error.
//  - regex FROM: as written, checked with RE2; regex TO and `answer name|value` TO: lower case,
//    fully qualified templates whose {N} must name an existing group.
//  - an `exact` name rule always carries AnswerOption::kAuto first in `answers` (CoreDNS always
//    reverts exact rules); an explicit `answer auto` is likewise kept once, first.
//  - cname FROM/TO: lower case only (CoreDNS does not make them fully qualified); regex as written.
ParsedRules ParseRewriteDirective(const config::Directive& d, std::uint32_t first_index,
                                  const std::string& set_name);

// The same parser on an already flattened argument list: `head` is the `rewrite` token (its
// position is the rule's position), `args` what follows it. Used by the YAML parser, which
// synthesises tokens carrying YAML positions, and by tools.
ParsedRules ParseRewriteArgs(const config::Token& head, const std::vector<config::Token>& args,
                             std::uint32_t index, const std::string& set_name);

// A YAML rule set (format in docs/rewrite.md): `version: 1` and `rules:` in evaluation order,
// numbered from `first_index`; `set_name` of each rule is `file`.
ParsedRules ParseRuleYaml(std::string_view text, const std::string& file,
                          std::uint32_t first_index = 0);
// Reads `path` and parses it with ParseRuleYaml. An unreadable file is an error at line 0.
ParsedRules ParseRuleFile(const std::string& path, std::uint32_t first_index = 0);

// Record type and class mnemonics as CoreDNS/miekg accept them (case-insensitive), plus the
// RFC 3597 forms TYPEnnn / CLASSnnn.
std::optional<std::uint16_t> TypeFromString(std::string_view text);
std::optional<std::uint16_t> ClassFromString(std::string_view text);
// RCODE names (NOERROR, SERVFAIL, NXDOMAIN, ...) or a number 0..23, as CoreDNS's rcode rule.
std::optional<std::uint16_t> RcodeFromString(std::string_view text);

}  // namespace dnsd::rules
