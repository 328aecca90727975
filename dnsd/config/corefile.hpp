// The Corefile as data: server blocks of directives, every token carrying its file:line:column.
// Lexing and parsing follow Caddy v1 / CoreDNS: whitespace-separated tokens, "quoted" and `raw`
// tokens, # comments, { } blocks, (snippet) definitions, `import` of snippets and file globs,
// and {$ENV} / {%ENV%} substitution.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dnsd::config {

struct Position {
  std::string file;  // as given (path of the Corefile or of the imported file)
  int line = 0;      // 1-based
  int column = 0;    // 1-based, in characters
};

struct Token {
  std::string text;
  Position pos;
  bool quoted = false;
};

// An error that points: "file:line:column: message". Message names the token and what was wanted.
struct ConfigError {
  Position pos;
  std::string message;
  std::string ToString() const;  // "Corefile:12:9: rewrite: unknown match type \"sufix\" (want ...)"
};

// One line of a block: `name args... [{ sub-directives }]`.
struct Directive {
  Token name;
  std::vector<Token> args;
  std::vector<Directive> block;  // lines inside { } after the directive, if any
  bool has_block = false;
};

struct ServerBlock {
  std::vector<Token> keys;  // "example.org:1053", ".", "dns://.:53", one token per key
  std::vector<Directive> directives;
};

struct Corefile {
  std::vector<ServerBlock> blocks;
};

// Result type: either a value or a ConfigError.
template <typename T>
struct Parsed {
  std::optional<T> value;
  ConfigError error;
  bool ok() const { return value.has_value(); }
};

// Parses Corefile text. `file` is used in positions and to resolve relative import globs
// (relative to the directory of `file`). Environment is read with getenv.
Parsed<Corefile> ParseCorefile(std::string_view text, const std::string& file);
Parsed<Corefile> ParseCorefileFromPath(const std::string& path);  // "stdin" reads standard input

// A server block key, split and normalised: zone fully qualified and lower case.
struct ServerAddress {
  std::string zone;  // "example.org." or "."
  std::uint16_t port = 53;
  Token token;       // the key as written
};

// Parses a key such as "example.org", "example.org:1053", ".:53", "dns://example.org:53", "[::1]"
// is not a key form. Unsupported transports (tls://, https://, grpc://) are errors that name them.
// `default_port` comes from -dns.port.
Parsed<ServerAddress> ParseServerAddress(const Token& key, std::uint16_t default_port);

// Helpers for plugin setup code: errors positioned at a token.
ConfigError ErrorAt(const Token& token, std::string message);

}  // namespace dnsd::config
