// Private to dnsd/config: the Corefile lexer. Turns text into tokens with positions, the way
// Caddy v1 (CoreDNS's Corefile dialect) does, and substitutes {$ENV} / {%ENV%} per token.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dnsd/config/corefile.hpp"

namespace dnsd::config::detail {

// A token plus what the parser needs to see structure: where it ends and whether it is a brace.
struct LexToken {
  Token token;
  int end_line = 0;    // last line the token touches (a quoted token may span lines)
  bool brace = false;  // an unquoted "{" or "}" standing alone: block structure, not text
  int chain = 0;       // which import (file or snippet) brought this token in; 0 = the root file
};

struct Lexed {
  std::vector<LexToken> tokens;
  std::optional<ConfigError> error;
};

Lexed Lex(std::string_view text, const std::string& file);

// Replaces {$NAME} and {%NAME%} with getenv(NAME) (empty when unset), left to right, once:
// substituted values are not scanned again.
std::string ExpandEnv(std::string_view text);

}  // namespace dnsd::config::detail
