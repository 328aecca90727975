// Parser for YAML rule sets (format in docs/rewrite.md). The YAML is read as events into a small
// tree (cheaper than yaml-cpp's Node graph: a 100,000-rule file is mostly scanning), then each rule
// is turned into the token list of the equivalent Corefile line, every token carrying the YAML
// position of the key or value it came from, and handed to the Corefile rule parser: both syntaxes
// give the same AST and the same checks, and value errors point into the YAML file.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "rules/parse.hpp"

namespace dnsd::rules {
namespace {

using config::Token;

// ---- the YAML tree --------------------------------------------------------------------------

struct YMark {
  int line = 0;  // 0-based, as yaml-cpp's Mark
  int column = 0;
};

// One YAML node: a scalar, a sequence (children) or a map (children as key, value, key, value).
class YNode {
 public:
  enum class Kind : std::uint8_t { kNull, kScalar, kSequence, kMap };

  Kind kind = Kind::kNull;
  bool quoted = false;  // a quoted scalar (its text starts one column after the mark)
  YMark mark;
  std::string scalar;
  std::vector<YNode> children;

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsMap() const { return kind == Kind::kMap; }
  const std::string& Scalar() const { return scalar; }
  YMark Mark() const { return mark; }
  std::size_t size() const { return IsMap() ? children.size() / 2 : children.size(); }
};

// Assembles a tree from yaml-cpp's parser events.
class TreeStack {
 public:
  explicit TreeStack(YNode& root) : root_(root) {}
  YNode& Add(YNode::Kind kind, int line, int column) {
    // Only the innermost open container grows, so pointers to its ancestors stay valid.
    YNode* node = &root_;
    if (!stack_.empty()) node = &stack_.back()->children.emplace_back();
    node->kind = kind;
    node->mark = {line, column};
    if (kind == YNode::Kind::kSequence || kind == YNode::Kind::kMap) stack_.push_back(node);
    return *node;
  }
  void Close() {
    if (!stack_.empty()) stack_.pop_back();
  }
  // A rule file nests six levels at most; a limit keeps hostile input from exhausting the stack
  // when the tree is destroyed.
  bool Full() const { return stack_.size() >= kMaxDepth; }
  static constexpr std::size_t kMaxDepth = 64;

 private:
  YNode& root_;
  std::vector<YNode*> stack_;
};

constexpr const char* kTooDeep = "nesting deeper than 64 levels";

// yaml-cpp's event interface feeding a TreeStack.
class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(YNode& root) : tree_(root) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { tree_.Add(YNode::Kind::kNull, mark.line, mark.column); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    throw YAML::ParserException(mark, "aliases are not supported in rule files");
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, const std::string& value) override {
    YNode& node = tree_.Add(YNode::Kind::kScalar, mark.line, mark.column);
    node.scalar = value;
    node.quoted = tag == "!";
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    if (tree_.Full()) throw YAML::ParserException(mark, kTooDeep);
    tree_.Add(YNode::Kind::kSequence, mark.line, mark.column);
  }
  void OnSequenceEnd() override { tree_.Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    if (tree_.Full()) throw YAML::ParserException(mark, kTooDeep);
    tree_.Add(YNode::Kind::kMap, mark.line, mark.column);
  }
  void OnMapEnd() override { tree_.Close(); }

 private:
  TreeStack tree_;
};

// Reads the first document of `text` into `root`, or returns the syntax error.
std::optional<RuleError> ReadTree(std::string_view text, const std::string& file, YNode& root) {
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser yaml(in);
    TreeBuilder builder(root);
    yaml.HandleNextDocument(builder);
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    const int column = e.mark.is_null() ? 0 : e.mark.column + 1;
    return RuleError{{file, line, column}, "rewrite: YAML syntax error: " + e.msg};
  }
}

constexpr std::array<std::string_view, 8> kFields = {"name", "type", "class", "ttl", "rcode", "cname", "edns0", "line"};
constexpr std::string_view kFieldList = "name, type, class, ttl, rcode, cname, edns0 or line";
constexpr std::array<std::string_view, 5> kMatchKeys = {"exact", "prefix", "suffix", "substring", "regex"};

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string_view KindOf(const YNode& node) {
  switch (node.kind) {
    case YNode::Kind::kScalar: return "a string";
    case YNode::Kind::kSequence: return "a list";
    case YNode::Kind::kMap: return "a map";
    default: return "nothing";
  }
}

bool IsMatchKey(std::string_view key) {
  return std::find(kMatchKeys.begin(), kMatchKeys.end(), key) != kMatchKeys.end();
}

// A map's entries by key, in order, with duplicate and unknown keys reported.
struct Entry {
  const std::string& key;
  const YNode& key_node;
  const YNode& value;
};

class YamlParser {
 public:
  YamlParser(const std::string& file, std::uint32_t first_index) : file_(file), next_index_(first_index) {}

  std::optional<RuleError> Parse(const YNode& root, std::vector<Rule>& out) {
    if (!ParseRoot(root, out)) return error_;
    return std::nullopt;
  }

 private:
  // ---- errors and tokens ----------------------------------------------------------------------

  config::Position PosOf(const YNode& node) const {
    const YMark mark = node.Mark();
    return {file_, mark.line + 1, mark.column + 1};
  }
  bool Fail(const YNode& at, std::string message) {
    if (!error_) {
      const config::Position pos = PosOf(at);
      error_ = RuleError{{pos.file, pos.line, pos.column}, "rewrite: " + std::move(message)};
    }
    return false;
  }
  Token TokenAt(const YNode& node, std::string text) const { return Token{std::move(text), PosOf(node), false}; }

  // The entries of a map, or an error naming `what` if `node` is not a map or repeats a key.
  bool Entries(const YNode& node, std::string_view what, std::vector<Entry>& out) {
    if (!node.IsMap()) return Fail(node, std::string(what) + " wants a map (got " + std::string(KindOf(node)) + ")");
    out.clear();
    for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
      const YNode& key = node.children[i];
      if (!key.IsScalar()) return Fail(key, "keys of " + std::string(what) + " must be strings");
      for (const Entry& seen : out) {
        if (seen.key == key.scalar) return Fail(key, "duplicate key " + Quote(key.scalar) + " in " + std::string(what));
      }
      out.push_back(Entry{key.scalar, key, node.children[i + 1]});
    }
    return true;
  }
  bool UnknownKey(const Entry& e, std::string_view what, std::string_view wanted) {
    return Fail(e.key_node, "unknown key " + Quote(e.key) + " in " + std::string(what) + " (want " + std::string(wanted) + ")");
  }
  // A scalar value as a token at the value's position.
  bool ScalarToken(const Entry& e, std::string_view what, std::vector<Token>& tokens) {
    if (!e.value.IsScalar()) {
      return Fail(e.value.IsNull() ? e.key_node : e.value,
                  "key " + Quote(e.key) + " in " + std::string(what) + " wants a string (got " + std::string(KindOf(e.value)) + ")");
    }
    tokens.push_back(TokenAt(e.value, e.value.Scalar()));
    return true;
  }
  bool Missing(const YNode& at, std::string_view key, std::string_view what) {
    return Fail(at, "missing key " + Quote(key) + " in " + std::string(what));
  }

  // ---- document -------------------------------------------------------------------------------

  bool ParseRoot(const YNode& root, std::vector<Rule>& out) {
    if (root.IsNull()) {
      error_ = RuleError{{file_, 0, 0}, "rewrite: empty rule file (want version: 1 and rules:)"};
      return false;
    }
    std::vector<Entry> entries;
    if (!Entries(root, "the rule file", entries)) return false;
    const Entry* version = nullptr;
    const Entry* rules = nullptr;
    for (const Entry& e : entries) {
      if (e.key == "version") {
        version = &e;
      } else if (e.key == "rules") {
        rules = &e;
      } else {
        return UnknownKey(e, "the rule file", "version or rules");
      }
    }
    if (version == nullptr) return Missing(root, "version", "the rule file (want version: 1)");
    if (!version->value.IsScalar() || version->value.Scalar() != "1") {
      return Fail(version->value.IsNull() ? version->key_node : version->value,
                  "unsupported version " + Quote(version->value.IsScalar() ? version->value.Scalar() : "") + " (want 1)");
    }
    if (rules == nullptr) return Missing(root, "rules", "the rule file (want a list of rules)");
    if (rules->value.IsNull()) return true;  // `rules:` with nothing: an empty rule set
    if (!rules->value.IsSequence())
      return Fail(rules->value, "rules wants a list (got " + std::string(KindOf(rules->value)) + ")");
    out.reserve(rules->value.size());
    for (const YNode& item : rules->value.children) {
      if (!ParseRule(item, out)) return false;
    }
    return true;
  }

  bool ParseRule(const YNode& item, std::vector<Rule>& out) {
    std::vector<Entry> entries;
    if (!Entries(item, "a rule", entries)) return false;
    const Entry* field = nullptr;
    const Entry* mode = nullptr;
    for (const Entry& e : entries) {
      if (e.key == "mode") {
        mode = &e;
      } else if (std::find(kFields.begin(), kFields.end(), e.key) != kFields.end()) {
        if (field) return Fail(e.key_node, "rule has both " + Quote(field->key) + " and " + Quote(e.key) + " (want one field per rule)");
        field = &e;
      } else {
        return UnknownKey(e, "a rule", std::string(kFieldList) + ", and mode");
      }
    }
    if (field == nullptr) return Fail(item, "rule has no field (want one of " + std::string(kFieldList) + ")");

    Token head = TokenAt(item, "rewrite");
    std::vector<Token> args;
    if (field->key == "line") {
      if (mode) return Fail(mode->key_node, "a line rule takes no mode key (write the mode in the line)");
      if (!ParseLine(*field, head, args)) return false;
    } else {
      if (mode) {
        if (!mode->value.IsScalar() || (mode->value.Scalar() != "stop" && mode->value.Scalar() != "continue")) {
          return Fail(mode->value.IsNull() ? mode->key_node : mode->value,
                      "invalid mode " + Quote(mode->value.IsScalar() ? mode->value.Scalar() : "") + " (want stop or continue)");
        }
        args.push_back(TokenAt(mode->value, mode->value.Scalar()));
      }
      args.push_back(TokenAt(field->key_node, field->key));
      if (!FieldTokens(*field, args)) return false;
    }
    ParsedRules parsed = ParseRewriteArgs(head, args, next_index_, file_);
    if (!parsed.ok()) {
      error_ = std::move(parsed.error);
      return false;
    }
    ++next_index_;
    out.push_back(std::move(parsed.rules.front()));
    return true;
  }

  bool FieldTokens(const Entry& field, std::vector<Token>& args) {
    const std::string what = field.key + " rule";
    std::vector<Entry> entries;
    if (!Entries(field.value, what, entries)) return false;
    if (field.key == "type" || field.key == "class") return FromTo(field, entries, what, args);
    if (field.key == "edns0") return Edns0Tokens(field, entries, args);
    // name, ttl, rcode, cname: one match key, then the field's own keys.
    std::vector<std::string_view> own;
    if (field.key == "name" || field.key == "cname") own = {"to"};
    if (field.key == "name") own.push_back("answer");
    if (field.key == "ttl") own = {"ttl"};
    if (field.key == "rcode") own = {"from", "to"};
    std::string wanted = "exact, prefix, suffix, substring, regex";
    for (std::string_view k : own) wanted += ", " + std::string(k);
    const Entry* match = nullptr;
    std::vector<const Entry*> values(own.size(), nullptr);
    for (const Entry& e : entries) {
      if (IsMatchKey(e.key)) {
        if (match) return Fail(e.key_node, what + " has both " + Quote(match->key) + " and " + Quote(e.key) + " (want one match type)");
        match = &e;
        continue;
      }
      const auto at = std::find(own.begin(), own.end(), e.key);
      if (at == own.end()) return UnknownKey(e, what, wanted);
      values[static_cast<std::size_t>(at - own.begin())] = &e;
    }
    if (match == nullptr) return Fail(field.value, what + " wants a match type key (exact, prefix, suffix, substring or regex)");
    args.push_back(TokenAt(match->key_node, match->key));
    if (!ScalarToken(*match, what, args)) return false;
    for (std::size_t k = 0; k < own.size(); ++k) {
      if (own[k] == "answer") continue;
      if (values[k] == nullptr) return Missing(field.value, own[k], what);
      if (!ScalarToken(*values[k], what, args)) return false;
    }
    if (field.key == "name" && values.back() != nullptr) return AnswerTokens(*values.back(), args);
    return true;
  }

  bool FromTo(const Entry& field, const std::vector<Entry>& entries, const std::string& what, std::vector<Token>& args) {
    const Entry* from = nullptr;
    const Entry* to = nullptr;
    for (const Entry& e : entries) {
      if (e.key == "from") {
        from = &e;
      } else if (e.key == "to") {
        to = &e;
      } else {
        return UnknownKey(e, what, "from or to");
      }
    }
    if (from == nullptr) return Missing(field.value, "from", what);
    if (to == nullptr) return Missing(field.value, "to", what);
    return ScalarToken(*from, what, args) && ScalarToken(*to, what, args);
  }

  // answer: auto | [auto, {name: FROM, to: TO}, {value: FROM, to: TO}, ...]
  bool AnswerTokens(const Entry& answer, std::vector<Token>& args) {
    if (answer.value.IsScalar()) {
      args.push_back(TokenAt(answer.key_node, "answer"));
      args.push_back(TokenAt(answer.value, answer.value.Scalar()));
      return true;
    }
    if (!answer.value.IsSequence())
      return Fail(answer.value.IsNull() ? answer.key_node : answer.value,
                  "answer wants auto or a list (got " + std::string(KindOf(answer.value)) + ")");
    for (const YNode& item : answer.value.children) {
      args.push_back(TokenAt(item, "answer"));
      if (item.IsScalar()) {
        args.push_back(TokenAt(item, item.Scalar()));
        continue;
      }
      std::vector<Entry> entries;
      if (!Entries(item, "an answer option", entries)) return false;
      const Entry* kind = nullptr;
      const Entry* to = nullptr;
      for (const Entry& e : entries) {
        if (e.key == "name" || e.key == "value") {
          if (kind) return Fail(e.key_node, "answer option has both " + Quote(kind->key) + " and " + Quote(e.key) + " (want one)");
          kind = &e;
        } else if (e.key == "to") {
          to = &e;
        } else {
          return UnknownKey(e, "an answer option", "name, value or to");
        }
      }
      if (kind == nullptr) return Fail(item, "answer option wants a name or value key (or auto)");
      if (to == nullptr) return Missing(item, "to", "an answer option");
      args.push_back(TokenAt(kind->key_node, kind->key));
      if (!ScalarToken(*kind, "an answer option", args) || !ScalarToken(*to, "an answer option", args)) return false;
    }
    return true;
  }

  // edns0: {option: local|nsid|subnet, action: ..., code, data, v4_bits, v6_bits, revert: bool}
  bool Edns0Tokens(const Entry& field, const std::vector<Entry>& entries, std::vector<Token>& args) {
    static constexpr std::array<std::string_view, 7> kKeys = {"option", "action", "code", "data", "v4_bits", "v6_bits", "revert"};
    std::array<const Entry*, kKeys.size()> found{};
    for (const Entry& e : entries) {
      const auto at = std::find(kKeys.begin(), kKeys.end(), e.key);
      if (at == kKeys.end()) return UnknownKey(e, "edns0 rule", "option, action, code, data, v4_bits, v6_bits or revert");
      found[static_cast<std::size_t>(at - kKeys.begin())] = &e;
    }
    if (found[0] == nullptr) return Missing(field.value, "option", "edns0 rule");
    if (found[1] == nullptr) return Missing(field.value, "action", "edns0 rule");
    const std::string option = found[0]->value.IsScalar() ? found[0]->value.Scalar() : "";
    // Keys that the option does not use are errors rather than silently ignored (an unknown
    // option is reported by the rule parser).
    const bool known = option == "local" || option == "nsid" || option == "subnet";
    for (std::size_t k = 2; known && k < 6; ++k) {
      if (found[k] == nullptr) continue;
      const bool used = (option == "local" && k <= 3) || (option == "subnet" && k >= 4);
      if (!used) return Fail(found[k]->key_node, "key " + Quote(kKeys[k]) + " is not used by edns0 option " + Quote(option));
    }
    for (std::size_t k = 0; k < 6; ++k) {
      if (found[k] != nullptr && !ScalarToken(*found[k], "edns0 rule", args)) return false;
    }
    if (const Entry* revert = found[6]) {
      const std::string value = revert->value.IsScalar() ? revert->value.Scalar() : "";
      if (value != "true" && value != "false")
        return Fail(revert->value.IsNull() ? revert->key_node : revert->value, "revert wants true or false (got " + Quote(value) + ")");
      if (value == "true") args.push_back(TokenAt(revert->key_node, "revert"));
    }
    return true;
  }

  // line: 'rewrite ...' — split as the Corefile lexer does (spaces; "quoted" tokens with \" and
  // \\), without environment substitution or blocks.
  bool ParseLine(const Entry& field, Token& head, std::vector<Token>& args) {
    if (!field.value.IsScalar())
      return Fail(field.value.IsNull() ? field.key_node : field.value, "line wants a string (got " + std::string(KindOf(field.value)) + ")");
    const std::string& text = field.value.Scalar();
    config::Position base = PosOf(field.value);
    if (field.value.quoted) base.column += 1;  // a quoted scalar: its text starts after the quote
    std::vector<Token> tokens;
    for (std::size_t i = 0; i < text.size();) {
      if (std::isspace(static_cast<unsigned char>(text[i]))) {
        ++i;
        continue;
      }
      Token t;
      t.pos = base;
      t.pos.column = base.column + static_cast<int>(i);
      if (text[i] == '"') {
        t.quoted = true;
        std::size_t j = i + 1;
        for (; j < text.size() && text[j] != '"'; ++j) {
          if (text[j] == '\\' && j + 1 < text.size() && (text[j + 1] == '"' || text[j + 1] == '\\')) ++j;
          t.text.push_back(text[j]);
        }
        if (j >= text.size()) return Fail(field.value, "unterminated quote in line at column " + std::to_string(t.pos.column));
        i = j + 1;
      } else {
        std::size_t j = i;
        while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
        t.text = text.substr(i, j - i);
        i = j;
        if (t.text == "{" || t.text == "}") {
          error_ = RuleError{{t.pos.file, t.pos.line, t.pos.column},
                             "rewrite: the block form is not supported in a line (write the rule on one line)"};
          return false;
        }
      }
      tokens.push_back(std::move(t));
    }
    if (tokens.empty() || tokens.front().text != "rewrite") {
      return Fail(field.value, "line wants a rewrite directive (got " + Quote(tokens.empty() ? "" : tokens.front().text) + ")");
    }
    head = tokens.front();
    head.pos = PosOf(field.value);
    head.pos.column = tokens.front().pos.column;
    args.assign(std::make_move_iterator(tokens.begin() + 1), std::make_move_iterator(tokens.end()));
    return true;
  }

  const std::string& file_;
  std::uint32_t next_index_;
  std::optional<RuleError> error_;
};

}  // namespace

ParsedRules ParseRuleYaml(std::string_view text, const std::string& file, std::uint32_t first_index) {
  ParsedRules result;
  YNode root;
  if (auto syntax = ReadTree(text, file, root)) {
    result.error = std::move(syntax);
    return result;
  }
  YamlParser parser(file, first_index);
  if (auto error = parser.Parse(root, result.rules)) {
    result.rules.clear();
    result.error = std::move(error);
  }
  return result;
}

ParsedRules ParseRuleFile(const std::string& path, std::uint32_t first_index) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ParsedRules result;
    result.error = RuleError{{path, 0, 0}, "rewrite: cannot read rule file: " + std::string(std::strerror(errno))};
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseRuleYaml(text.str(), path, first_index);
}

}  // namespace dnsd::rules
