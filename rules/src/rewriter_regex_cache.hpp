// Internal: compiled RE2 objects for the regexes the response side needs (`answer name`,
// `answer value`, and a regex rule's FROM when a `continue` chain is replayed), one cache per
// thread so lookups take no lock. The compiled RuleSet owns the query-side regexes; these are
// kept here so the reverter does not depend on the RuleSet's internals. The first use of a pattern
// on a thread allocates; later uses do not (heterogeneous lookup by string_view).
#pragma once

#include <string_view>

namespace re2 {
class RE2;
}

namespace dnsd::rules::detail {

// The compiled `pattern` (Go/RE2 syntax), or null when RE2 rejects it.
const re2::RE2* CachedRegex(std::string_view pattern);

}  // namespace dnsd::rules::detail
