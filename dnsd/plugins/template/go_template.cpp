#include "dnsd/plugins/template/go_template.hpp"

#include <cctype>

namespace dnsd::plugins::tmpl {
namespace {

constexpr std::string_view kSupported =
    "(dnsd supports .Name, .Zone, .Class, .Type, .Regex, .Remote, .Group.NAME, index .Match N and "
    "index .Group \"NAME\")";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool IsNumber(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A Go string literal "..." or `...` (only the escapes \" and \\ in "..."); nullopt if not one.
std::optional<std::string> StringLiteral(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  if (s.front() == '`' && s.back() == '`') return std::string(s.substr(1, s.size() - 2));
  if (s.front() != '"' || s.back() != '"') return std::nullopt;
  std::string out;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\') {
      if (i + 2 >= s.size() || (s[i + 1] != '"' && s[i + 1] != '\\')) return std::nullopt;
      ++i;
    }
    out += s[i];
  }
  return out;
}

// Splits "index .Match 1" into its words (a quoted word kept whole).
std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < s.size()) {
    if (IsSpace(s[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    if (s[i] == '"' || s[i] == '`') {
      const char quote = s[i];
      for (j = i + 1; j < s.size() && s[j] != quote; ++j) {
        if (quote == '"' && s[j] == '\\') ++j;
      }
      j = j < s.size() ? j + 1 : s.size();
    } else {
      while (j < s.size() && !IsSpace(s[j])) ++j;
    }
    words.push_back(s.substr(i, j - i));
    i = j;
  }
  return words;
}

}  // namespace

std::optional<GoTemplate::Piece> GoTemplate::Action(std::string_view action, std::string* error) {
  const std::vector<std::string_view> words = Words(action);
  const auto unsupported = [&](std::string_view why) {
    *error = std::string(why) + " \"{{ " + std::string(action) + " }}\" " + std::string(kSupported);
    return std::nullopt;
  };
  if (words.size() == 1) {
    const std::string_view field = words[0];
    if (field == ".Name") return Piece{Kind::kName, {}};
    if (field == ".Zone") return Piece{Kind::kZone, {}};
    if (field == ".Class") return Piece{Kind::kClass, {}};
    if (field == ".Type") return Piece{Kind::kType, {}};
    if (field == ".Regex") return Piece{Kind::kRegex, {}};
    if (field == ".Remote") return Piece{Kind::kRemote, {}};
    if (field.starts_with(".Group.") && IsIdentifier(field.substr(7))) {
      return Piece{Kind::kGroup, std::string(field.substr(7))};
    }
  }
  if (words.size() == 3 && words[0] == "index" && words[1] == ".Match" && IsNumber(words[2]) &&
      words[2].size() < 6) {
    return Piece{Kind::kMatch, {}, std::stoul(std::string(words[2]))};
  }
  if (words.size() == 3 && words[0] == "index" && words[1] == ".Group") {
    if (auto key = StringLiteral(words[2])) return Piece{Kind::kGroup, *key};
  }
  if (!words.empty() && words[0] == ".Meta") {
    return unsupported("metadata (.Meta) is not supported by dnsd:");
  }
  return unsupported("unsupported template action");
}

std::optional<GoTemplate> GoTemplate::Compile(std::string_view text, std::string* error) {
  GoTemplate compiled;
  compiled.source_ = std::string(text);
  std::size_t pos = 0;
  bool trim_next = false;  // the previous action ended with -}}
  while (pos <= text.size()) {
    const std::size_t open = text.find("{{", pos);
    std::string_view literal = text.substr(pos, open == std::string_view::npos ? std::string_view::npos : open - pos);
    const bool trim_before = open != std::string_view::npos && open + 3 < text.size() &&
                             text[open + 2] == '-' && IsSpace(text[open + 3]);
    if (trim_next) while (!literal.empty() && IsSpace(literal.front())) literal.remove_prefix(1);
    if (trim_before) while (!literal.empty() && IsSpace(literal.back())) literal.remove_suffix(1);
    if (!literal.empty()) compiled.pieces_.push_back({Kind::kText, std::string(literal)});
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      *error = "unclosed action in \"" + std::string(text) + "\"";
      return std::nullopt;
    }
    std::string_view inner = text.substr(open + 2, close - open - 2);
    if (trim_before) inner.remove_prefix(1);
    trim_next = inner.size() >= 2 && inner.back() == '-' && IsSpace(inner[inner.size() - 2]);
    if (trim_next) inner.remove_suffix(1);
    inner = Trim(inner);
    pos = close + 2;
    if (inner.starts_with("/*") && inner.ends_with("*/") && inner.size() >= 4) continue;  // a comment
    auto piece = Action(inner, error);
    if (!piece) return std::nullopt;
    compiled.pieces_.push_back(std::move(*piece));
  }
  return compiled;
}

bool GoTemplate::Render(const QueryData& data, std::string& out) const {
  for (const Piece& piece : pieces_) {
    switch (piece.kind) {
      case Kind::kText: out += piece.text; break;
      case Kind::kName: out += data.name; break;
      case Kind::kZone: out += data.zone; break;
      case Kind::kClass: out += data.klass; break;
      case Kind::kType: out += data.type; break;
      case Kind::kRegex: out += data.regex; break;
      case Kind::kRemote: out += data.remote; break;
      case Kind::kMatch:
        if (piece.index >= data.match.size()) return false;  // Go: "index out of range"
        out += data.match[piece.index];
        break;
      case Kind::kGroup: {
        // Go's map lookup: the group's text, or "<no value>" for a name no group has.
        bool found = false;
        if (IsNumber(piece.text)) {
          const std::size_t n = std::stoul(piece.text.size() < 6 ? piece.text : "999999");
          if (n < data.match.size()) {
            out += data.match[n];
            found = true;
          }
        } else if (data.group_names != nullptr) {
          for (std::size_t i = 0; i < data.group_names->size() && i < data.match.size(); ++i) {
            if ((*data.group_names)[i] == piece.text) {
              out += data.match[i];
              found = true;
              break;
            }
          }
        }
        if (!found) out += "<no value>";
        break;
      }
    }
  }
  return true;
}

}  // namespace dnsd::plugins::tmpl
