// The subset of Go's text/template that template's RR lines use, compiled at setup into literal
// text and references to the query's data, so a query renders by appending to a reused string.
// Supported actions: {{ .Name }}, {{ .Zone }}, {{ .Class }}, {{ .Type }}, {{ .Regex }},
// {{ .Remote }}, {{ .Group.NAME }}, {{ index .Match N }}, {{ index .Group "NAME" }}, comments
// {{/* */}} and the trim markers {{- -}}. Anything else is refused at setup, naming the action.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dnsd::plugins::tmpl {

// What a query offers a template: views of strings owned by the handler for the query's duration.
struct QueryData {
  std::string_view name, zone, klass, type, regex, remote;
  std::span<const std::string_view> match;  // [0] the whole match, then the groups
  const std::vector<std::string>* group_names = nullptr;  // by group index, "" when unnamed
};

class GoTemplate {
 public:
  // Compiles `text`; on failure returns nullopt and says why in `*error` (no prefix).
  static std::optional<GoTemplate> Compile(std::string_view text, std::string* error);

  // Appends the rendering to `out`; false on an execution error (index out of range), as Go's.
  bool Render(const QueryData& data, std::string& out) const;
  const std::string& source() const { return source_; }

 private:
  enum class Kind : std::uint8_t { kText, kName, kZone, kClass, kType, kRegex, kRemote, kMatch, kGroup };
  struct Piece {
    Kind kind;
    std::string text;     // kText: the literal; kGroup: the group's name (digits: its number)
    std::size_t index = 0;  // kMatch: N
  };
  static std::optional<Piece> Action(std::string_view action, std::string* error);

  std::string source_;
  std::vector<Piece> pieces_;
};

}  // namespace dnsd::plugins::tmpl
