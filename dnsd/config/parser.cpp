// The Corefile parser: server blocks, directives with nested blocks, (snippets) and `import`.
// Imports are expanded by splicing tokens in place, as Caddy v1 does; every token keeps the
// position it had in the file (or snippet) it came from.
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "dnsd/config/lexer.hpp"

namespace dnsd::config {

std::string ConfigError::ToString() const {
  if (pos.line <= 0) return pos.file.empty() ? message : pos.file + ": " + message;
  return pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " +
         message;
}

ConfigError ErrorAt(const Token& token, std::string message) {
  return ConfigError{token.pos, std::move(message)};
}

namespace {

using detail::LexToken;

constexpr int kMaxImportDepth = 32;          // nested imports (file or snippet) on one path
constexpr int kMaxImportExpansions = 10000;  // all imports in one parse: stops fan-out blow-ups
constexpr int kMaxBlockDepth = 100;          // nested { } inside a server block

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

bool HasGlobChars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::string DirOf(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string JoinPath(const std::string& dir, const std::string& rel) {
  if (dir.empty() || rel.starts_with('/')) return rel;
  return dir.ends_with('/') ? dir + rel : dir + "/" + rel;
}

std::string CanonicalKey(const std::string& path) {
  char* real = ::realpath(path.c_str(), nullptr);
  if (real == nullptr) return path;
  std::string out(real);
  std::free(real);
  return out;
}

// Reads a whole file; on failure returns false and sets `why` to strerror.
bool ReadFile(const std::string& path, std::string& out, std::string& why) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    why = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    why = std::strerror(EISDIR);
    return false;
  }
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      why = std::strerror(errno);
      ::close(fd);
      return false;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return true;
}

// One link of an import path: the root file, an imported file, or an imported snippet.
struct ImportLink {
  int parent = -1;
  std::string key;      // what identifies it for cycle detection
  std::string display;  // how errors name it
  int depth = 0;
};

struct Snippet {
  Token name;
  std::vector<LexToken> tokens;
};

class Parser {
 public:
  Parser(std::vector<LexToken> tokens, const std::string& file) : toks_(std::move(tokens)) {
    links_.push_back(ImportLink{-1, CanonicalKey(file), file, 0});
  }

  Parsed<Corefile> Run() {
    Corefile corefile;
    while (!AtEnd()) {
      if (IsImport(cur_)) {
        if (!ExpandImport()) return Fail();
        continue;
      }
      if (!ParseServerBlockOrSnippet(corefile)) return Fail();
    }
    return Parsed<Corefile>{std::move(corefile), {}};
  }

 private:
  bool AtEnd() const { return cur_ >= toks_.size(); }
  const LexToken& At(std::size_t i) const { return toks_[i]; }
  bool IsOpen(std::size_t i) const {
    return i < toks_.size() && toks_[i].brace && toks_[i].token.text == "{";
  }
  bool IsClose(std::size_t i) const {
    return i < toks_.size() && toks_[i].brace && toks_[i].token.text == "}";
  }
  bool IsImport(std::size_t i) const {
    return !toks_[i].token.quoted && toks_[i].token.text == "import" && NewLineAt(i);
  }

  // A token starts a new line when the previous token ended on an earlier line, or came from
  // a different import (a file or snippet pasted in always sits on lines of its own).
  bool NewLineAt(std::size_t i) const {
    if (i == 0) return true;
    const LexToken& prev = toks_[i - 1];
    return prev.chain != toks_[i].chain || prev.end_line < toks_[i].token.pos.line;
  }

  bool Error(const Token& at, std::string message) {
    error_ = ErrorAt(at, std::move(message));
    return false;
  }
  Parsed<Corefile> Fail() { return Parsed<Corefile>{std::nullopt, error_}; }

  // ---- server blocks -------------------------------------------------------------------------

  bool ParseServerBlockOrSnippet(Corefile& corefile) {
    ServerBlock block;
    if (!ParseKeys(block.keys)) return false;
    if (IsSnippetName(block.keys.front())) return ParseSnippet(block.keys);
    for (const Token& key : block.keys) {
      if (IsSnippetName(key)) {
        return Error(key, "snippet " + Quote(key.text) + " must be the only key before \"{\"");
      }
    }
    // Without "{", Caddy v1 lets the last (usually only) server block run to the end of the file.
    const bool braced = IsOpen(cur_);
    const LexToken open = braced ? At(cur_++) : LexToken{};
    if (!ParseBody(braced ? &open : nullptr, block.keys.front().text, 0, block.directives)) {
      return false;
    }
    corefile.blocks.push_back(std::move(block));
    return true;
  }

  static bool IsSnippetName(const Token& key) {
    return !key.quoted && key.text.size() >= 2 && key.text.front() == '(' && key.text.back() == ')';
  }

  // Keys: tokens up to "{" or the end of the line; a key ending in "," continues onto the next.
  bool ParseKeys(std::vector<Token>& keys) {
    bool want_another = false;
    const LexToken* last = nullptr;
    while (!AtEnd()) {
      const LexToken& t = At(cur_);
      if (t.brace) {
        if (t.token.text == "}")
          return Error(t.token, "unexpected \"}\" (want a server block key)");
        if (keys.empty())
          return Error(t.token, "unexpected \"{\" (want a server block key before it)");
        if (want_another) {
          return Error(t.token, "unexpected \"{\" (want another server block key after \",\")");
        }
        return true;
      }
      if (!SplitKeys(t.token, keys, want_another)) return false;
      last = &t;
      ++cur_;
      if (!AtEnd() && !want_another && NewLineAt(cur_)) break;
    }
    if (want_another) {
      return Error(last->token, "unexpected end of file after " + Quote(last->token.text) +
                                    " (want another server block key after \",\")");
    }
    return true;
  }

  // Splits one token on commas into keys; a trailing comma means another key follows.
  bool SplitKeys(const Token& t, std::vector<Token>& keys, bool& want_another) {
    if (t.text.empty()) return Error(t, "empty server block key \"\"");
    if (!t.quoted && t.text == ",") {
      if (keys.empty()) return Error(t, "unexpected \",\" (want a server block key)");
      want_another = true;
      return true;
    }
    if (!t.quoted && t.text == "{}") {
      return Error(t,
                   "server block key \"{}\" is not a block (want a space between \"{\" and \"}\")");
    }
    if (!t.quoted && t.text.size() > 1 && t.text.back() == '{') {
      return Error(
          t, "server block key " + Quote(t.text) + " ends in \"{\" (want a space before \"{\")");
    }
    std::size_t start = 0;
    int column = t.pos.column + (t.quoted ? 1 : 0);
    for (;;) {
      const std::size_t comma = t.text.find(',', start);
      const std::string piece =
          t.text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const bool trailing = comma != std::string::npos && comma + 1 == t.text.size();
      if (piece.empty()) return Error(t, "empty server block key in " + Quote(t.text));
      Token key = t;
      key.text = piece;
      key.pos.column = column;
      keys.push_back(std::move(key));
      if (comma == std::string::npos) {
        want_another = false;
        return true;
      }
      if (trailing) {
        want_another = true;
        return true;
      }
      for (std::size_t i = start; i <= comma; ++i) {
        if ((static_cast<unsigned char>(t.text[i]) & 0xC0) != 0x80) ++column;
      }
      start = comma + 1;
    }
  }

  // ---- snippets ------------------------------------------------------------------------------

  bool ParseSnippet(const std::vector<Token>& keys) {
    const Token& key = keys.front();
    if (keys.size() > 1) {
      return Error(key, "snippet " + Quote(key.text) + " must be the only key before \"{\"");
    }
    const std::string name = key.text.substr(1, key.text.size() - 2);
    if (!IsOpen(cur_)) {
      return Error(key, "snippet " + Quote(key.text) + " wants a block (want \"{\" after it)");
    }
    if (auto it = snippets_.find(name); it != snippets_.end()) {
      const Position& p = it->second.name.pos;
      return Error(key, "snippet " + Quote(key.text) + " is already defined at " + p.file + ":" +
                            std::to_string(p.line) + ":" + std::to_string(p.column));
    }
    const LexToken open = At(cur_++);
    Snippet snippet{key, {}};
    int depth = 1;
    while (!AtEnd()) {
      const LexToken& t = At(cur_++);
      if (IsClose(cur_ - 1) && --depth == 0) {
        snippets_.emplace(name, std::move(snippet));
        return true;
      }
      if (IsOpen(cur_ - 1)) ++depth;
      snippet.tokens.push_back(t);
    }
    return Error(open.token, "unmatched \"{\" of snippet " + Quote(key.text) +
                                 " (want \"}\" before end of file)");
  }

  // ---- directives ----------------------------------------------------------------------------

  // Directive lines until the "}" matching `open`, or until end of file when there is no `open`.
  bool ParseBody(const LexToken* open, const std::string& owner, int depth,
                 std::vector<Directive>& out) {
    if (depth > kMaxBlockDepth) {
      return Error(open->token,
                   "blocks nested deeper than " + std::to_string(kMaxBlockDepth) + " levels");
    }
    for (;;) {
      if (AtEnd()) {
        if (open == nullptr) return true;
        return Error(open->token,
                     "unmatched \"{\" after " + Quote(owner) + " (want \"}\" before end of file)");
      }
      const LexToken& t = At(cur_);
      if (IsClose(cur_)) {
        if (open == nullptr)
          return Error(t.token, "unexpected \"}\" (want a directive or end of file)");
        ++cur_;
        return true;
      }
      if (IsOpen(cur_)) {
        return Error(
            t.token,
            "unexpected \"{\" (want a directive; a block opens on the same line as its directive)");
      }
      if (!t.token.quoted && t.token.text == "import") {
        if (!ExpandImport()) return false;
        continue;
      }
      Directive d;
      d.name = t.token;
      ++cur_;
      while (!AtEnd() && !NewLineAt(cur_) && !At(cur_).brace) d.args.push_back(At(cur_++).token);
      if (IsOpen(cur_) && !NewLineAt(cur_)) {
        const LexToken sub_open = At(cur_++);
        d.has_block = true;
        if (!ParseBody(&sub_open, d.name.text, depth + 1, d.block)) return false;
      }
      out.push_back(std::move(d));
    }
  }

  // ---- import --------------------------------------------------------------------------------

  // Replaces `import PATTERN` at cur_ with the snippet's or the files' tokens.
  bool ExpandImport() {
    const LexToken imp = At(cur_);
    std::vector<Token> args;
    for (std::size_t j = cur_ + 1; j < toks_.size() && !NewLineAt(j) && !At(j).brace; ++j) {
      args.push_back(At(j).token);
    }
    if (args.empty())
      return Error(imp.token, "import: want a snippet name or a file glob after \"import\"");
    if (args.size() > 1) {
      return Error(args[1], "import: unexpected " + Quote(args[1].text) +
                                " (want one snippet name or file glob)");
    }
    const std::string& pattern = args[0].text;
    if (pattern.empty()) return Error(args[0], "import: empty snippet name or file glob \"\"");
    if (++expansions_ > kMaxImportExpansions) {
      return Error(imp.token, "import: more than " + std::to_string(kMaxImportExpansions) +
                                  " imports expanded (fan-out too large)");
    }

    std::vector<LexToken> pasted;
    if (auto it = snippets_.find(pattern); it != snippets_.end()) {
      const int link = NewLink(imp, "snippet " + pattern, "(" + pattern + ")");
      if (link < 0) return false;
      for (LexToken t : it->second.tokens) {
        t.chain = link;
        pasted.push_back(std::move(t));
      }
    } else if (!ImportFiles(imp, pattern, pasted)) {
      return false;
    }
    toks_.erase(toks_.begin() + static_cast<std::ptrdiff_t>(cur_),
                toks_.begin() + static_cast<std::ptrdiff_t>(cur_ + 2));
    toks_.insert(toks_.begin() + static_cast<std::ptrdiff_t>(cur_),
                 std::make_move_iterator(pasted.begin()), std::make_move_iterator(pasted.end()));
    return true;
  }

  bool ImportFiles(const LexToken& imp, const std::string& pattern, std::vector<LexToken>& out) {
    const std::string full = JoinPath(DirOf(imp.token.pos.file), pattern);
    std::vector<std::string> matches;
    glob_t g{};
    const int rc = ::glob(full.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      for (std::size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
    }
    ::globfree(&g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      return Error(imp.token, "import: cannot expand " + Quote(pattern));
    }
    if (matches.empty() && !HasGlobChars(pattern)) {
      // A glob that matches nothing is fine (CoreDNS only warns); a named file must exist.
      return Error(imp.token, "import: no snippet or file matching " + Quote(pattern));
    }
    for (const std::string& path : matches) {
      std::string text, why;
      if (!ReadFile(path, text, why)) {
        return Error(imp.token, "import: cannot read " + Quote(path) + ": " + why);
      }
      const int link = NewLink(imp, CanonicalKey(path), path);
      if (link < 0) return false;
      detail::Lexed lexed = detail::Lex(text, path);
      if (lexed.error) {
        error_ = *lexed.error;
        return false;
      }
      for (LexToken& t : lexed.tokens) {
        t.chain = link;
        out.push_back(std::move(t));
      }
    }
    return true;
  }

  // Records that `imp` pulls in `key`; refuses cycles and overly deep nesting. Returns the link.
  int NewLink(const LexToken& imp, const std::string& key, const std::string& display) {
    std::string path = display;
    bool cycle = false;
    for (int l = imp.chain; l >= 0; l = links_[l].parent) {
      path = links_[l].display + " -> " + path;
      if (links_[l].key == key) cycle = true;
      if (cycle) break;
    }
    if (cycle) {
      Error(imp.token, "import: import cycle: " + path);
      return -1;
    }
    const int depth = links_[imp.chain].depth + 1;
    if (depth > kMaxImportDepth) {
      Error(imp.token, "import: imports nested deeper than " + std::to_string(kMaxImportDepth) +
                           " levels (at " + Quote(display) + ")");
      return -1;
    }
    links_.push_back(ImportLink{imp.chain, key, display, depth});
    return static_cast<int>(links_.size()) - 1;
  }

  std::vector<LexToken> toks_;
  std::size_t cur_ = 0;
  std::vector<ImportLink> links_;
  std::map<std::string, Snippet> snippets_;
  int expansions_ = 0;
  ConfigError error_;
};

}  // namespace

Parsed<Corefile> ParseCorefile(std::string_view text, const std::string& file) {
  detail::Lexed lexed = detail::Lex(text, file);
  if (lexed.error) return Parsed<Corefile>{std::nullopt, *lexed.error};
  return Parser(std::move(lexed.tokens), file).Run();
}

Parsed<Corefile> ParseCorefileFromPath(const std::string& path) {
  std::string text;
  if (path == "stdin") {
    std::ostringstream buf;
    buf << std::cin.rdbuf();
    if (std::cin.bad()) {
      return Parsed<Corefile>{std::nullopt,
                              ConfigError{{path, 0, 0}, "cannot read standard input"}};
    }
    text = buf.str();
  } else {
    std::string why;
    if (!ReadFile(path, text, why)) {
      return Parsed<Corefile>{std::nullopt,
                              ConfigError{{path, 0, 0}, "cannot read Corefile: " + why}};
    }
  }
  return ParseCorefile(text, path);
}

}  // namespace dnsd::config
