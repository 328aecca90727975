// The regex prefilter: a literal string every match of a regex must contain, so a query name
// without it never runs the regex. Conservative: when in doubt it returns "" (no prefilter).
#pragma once

#include <string>
#include <string_view>

namespace dnsd::rules::detail {

// The longest run of literal characters at the top level of `pattern` (RE2/Go syntax) that no
// quantifier makes optional. "" when there is none or the pattern uses a construct not analysed
// here (top-level alternation, flags, \Q, \x, \p ...).
std::string RequiredLiteral(std::string_view pattern);

}  // namespace dnsd::rules::detail
