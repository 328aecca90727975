// Parser for CoreDNS `rewrite` directives (CoreDNS 1.11 plugin/rewrite grammar) into the Rule AST.
// Reads left to right over positioned tokens; the first problem is reported at the token that
// caused it, naming the token and what was wanted there.
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

#include "dnsd/wire/name.hpp"
#include "dnsd/wire/rr_types.hpp"
#include "rules/parse.hpp"

namespace dnsd::rules {
namespace {

using config::Token;

constexpr std::string_view kFieldList = "name, type, class, edns0, ttl, cname or rcode";
constexpr std::string_view kMatchList = "exact, prefix, suffix, substring or regex";
constexpr std::string_view kAnswerList = "auto, name FROM TO or value FROM TO";
constexpr std::string_view kNameUsage =
    "name [exact|prefix|suffix|substring|regex] FROM TO [answer auto|name FROM TO|value FROM TO]";
constexpr std::string_view kTtlUsage = "ttl [exact|prefix|suffix|substring|regex] NAME SECONDS|MIN-MAX";
constexpr std::string_view kRcodeUsage = "rcode [exact|prefix|suffix|substring|regex] NAME FROM TO";
constexpr std::string_view kCnameUsage = "cname [exact|prefix|suffix|substring|regex] FROM TO";
constexpr std::string_view kVariables =
    "{qname}, {qtype}, {client_ip}, {client_port}, {protocol}, {server_ip} or {server_port}";

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

// miekg/dns IsFqdn: ends in a dot that is not itself escaped.
bool IsFqdn(std::string_view s) {
  if (s.empty() || s.back() != '.') return false;
  std::size_t slashes = 0;
  for (std::size_t i = s.size() - 1; i > 0 && s[i - 1] == '\\'; --i) ++slashes;
  return slashes % 2 == 0;
}

// CoreDNS plugin.Name.Normalize: lower case, fully qualified.
std::string Normalize(std::string_view s) {
  std::string out = Lower(s);
  if (!IsFqdn(out)) out.push_back('.');
  return out;
}

std::optional<MatchKind> MatchKindFromWord(std::string_view word) {
  const std::string w = Lower(word);
  if (w == "exact") return MatchKind::kExact;
  if (w == "prefix") return MatchKind::kPrefix;
  if (w == "suffix") return MatchKind::kSuffix;
  if (w == "substring") return MatchKind::kSubstring;
  if (w == "regex") return MatchKind::kRegex;
  return std::nullopt;
}

// Unsigned integer as Go's strconv.ParseUint(s, base, bits): base 0 takes 0x, 0o, 0b and a
// leading 0 (octal) prefixes; base 10 digits only.
std::optional<std::uint64_t> ParseUnsigned(std::string_view s, int base, std::uint64_t max) {
  if (base == 0) {
    base = 10;
    if (s.size() > 1 && s[0] == '0') {
      const char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
      if (p == 'x' || p == 'o' || p == 'b') {
        base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
        s.remove_prefix(2);
      } else {
        base = 8;
        s.remove_prefix(1);
      }
    }
  }
  if (s.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
  if (ec != std::errc() || end != s.data() + s.size() || value > max) return std::nullopt;
  return value;
}

struct Mnemonic {
  std::string_view name;
  std::uint16_t code;
};

// What miekg/dns's StringToType (what CoreDNS accepts) takes beyond the types it prints, which
// dnsd/wire/rr_types.cpp lists.
constexpr auto kParseOnlyTypes = std::to_array<Mnemonic>({
    {"NONE", 0}, {"WKS", 11}, {"NSAP", 22}, {"NSAP-PTR", 23}, {"A6", 38}, {"SINK", 40},
    {"RESINFO", 261},
});

constexpr auto kClasses = std::to_array<Mnemonic>({
    {"IN", 1}, {"CS", 2}, {"CH", 3}, {"HS", 4}, {"NONE", 254}, {"ANY", 255},
});

// miekg/dns RcodeToString (BADVERS shares 16 with BADSIG).
constexpr auto kRcodes = std::to_array<Mnemonic>({
    {"NOERROR", 0},  {"FORMERR", 1},  {"SERVFAIL", 2},  {"NXDOMAIN", 3},  {"NOTIMP", 4},
    {"REFUSED", 5},  {"YXDOMAIN", 6}, {"YXRRSET", 7},   {"NXRRSET", 8},   {"NOTAUTH", 9},
    {"NOTZONE", 10}, {"DSOTYPENI", 11}, {"BADSIG", 16}, {"BADVERS", 16},  {"BADKEY", 17},
    {"BADTIME", 18}, {"BADMODE", 19}, {"BADNAME", 20},  {"BADALG", 21},   {"BADTRUNC", 22},
    {"BADCOOKIE", 23},
});

std::string ToUpper(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

template <std::size_t N>
std::optional<std::uint16_t> Lookup(const std::array<Mnemonic, N>& table, std::string_view text,
                                    std::string_view generic_prefix) {
  const std::string upper = ToUpper(text);
  for (const Mnemonic& m : table) {
    if (m.name == upper) return m.code;
  }
  if (!generic_prefix.empty() && upper.size() > generic_prefix.size() &&
      upper.compare(0, generic_prefix.size(), generic_prefix) == 0) {
    const std::string_view digits = std::string_view(upper).substr(generic_prefix.size());
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    if (auto v = ParseUnsigned(digits, 10, 65535)) return static_cast<std::uint16_t>(*v);
  }
  return std::nullopt;
}

// Decodes hex digits (Go's hex.DecodeString: even length, any case).
std::optional<std::string> DecodeHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) return std::nullopt;
    out.push_back(static_cast<char>(value));
  }
  return out;
}

std::string_view NameErrorReason(wire::WireError error) {
  switch (error) {
    case wire::WireError::kLabelTooLong: return "a label is longer than 63 octets";
    case wire::WireError::kNameTooLong: return "the name is longer than 255 octets";
    default: return "empty label or bad escape";
  }
}

std::string QuoteArg(const Token& t) {
  const bool plain = !t.text.empty() && !t.quoted &&
                     std::none_of(t.text.begin(), t.text.end(),
                                  [](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '"'; });
  if (plain) return t.text;
  std::string out = "\"";
  for (char c : t.text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// One rule's tokens, consumed left to right. Every method returning bool returns false once an
// error has been recorded (the first one wins).
class LineParser {
 public:
  LineParser(const Token& head, const std::vector<Token>& args) : head_(head), args_(args), end_(args.size()) {}

  std::optional<RuleError> Parse(Rule& rule) {
    if (!ParseRule(rule)) return error_;
    return std::nullopt;
  }

 private:
  bool ParseRule(Rule& rule) {
    const std::string want_field = "(want " + std::string(kFieldList) + ")";
    const Token* field = Expect("field", want_field);
    if (field == nullptr) return false;
    std::string word = Lower(field->text);
    if (word == "continue" || word == "stop") {
      rule.mode = word == "continue" ? Mode::kContinue : Mode::kStop;
      if ((field = Expect("field", want_field)) == nullptr) return false;
      word = Lower(field->text);
    }
    if (word == "name") return ParseName(rule);
    if (word == "type" || word == "class") return ParseTypeOrClass(rule, word == "type");
    if (word == "ttl") return ParseTtl(rule);
    if (word == "rcode") return ParseRcode(rule);
    if (word == "cname") return ParseCname(rule);
    if (word == "edns0") return ParseEdns0(rule);
    if (word == "answer")
      return Fail(*field, "response rewrites must begin with a name rule (want name ... answer ...)");
    return Fail(*field, "unknown field " + Quote(field->text) + " " + want_field);
  }

  // ---- tokens -------------------------------------------------------------------------------

  bool Fail(const Token& at, std::string message) {
    if (!error_) error_ = RuleError{{at.pos.file, at.pos.line, at.pos.column}, "rewrite: " + std::move(message)};
    return false;
  }
  bool AtEnd() const { return i_ >= end_; }
  std::size_t Remaining() const { return end_ - i_; }
  const Token& Peek() const { return args_[i_]; }
  const Token& Prev() const { return i_ == 0 ? head_ : args_[i_ - 1]; }

  // The next token, or an error "missing WHAT after "PREV" WANT".
  const Token* Expect(std::string_view what, std::string_view want) {
    if (AtEnd()) {
      Fail(Prev(), "missing " + std::string(what) + " after " + Quote(Prev().text) + " " + std::string(want));
      return nullptr;
    }
    return &args_[i_++];
  }
  bool ExpectEnd(std::string_view usage) {
    if (AtEnd()) return true;
    return Fail(Peek(), "unexpected " + Quote(Peek().text) + " (want " + std::string(usage) + ")");
  }
  static std::string Want(std::string_view usage) { return "(want " + std::string(usage) + ")"; }

  // ---- shared pieces --------------------------------------------------------------------------

  // The optional match type. `plain_count` is how many arguments the form without a match type
  // has: with more than that left, the first one must be a match type (CoreDNS's rule).
  bool ParseMatchKind(std::size_t plain_count, MatchKind& kind) {
    kind = MatchKind::kExact;
    if (AtEnd()) return true;
    if (auto k = MatchKindFromWord(Peek().text)) {
      kind = *k;
      ++i_;
      return true;
    }
    if (Remaining() > plain_count)
      return Fail(Peek(), "unknown match type " + Quote(Peek().text) + " (want " + std::string(kMatchList) + ")");
    return true;
  }

  bool CheckRegex(const Token& t, int* groups) {
    RE2::Options options;
    options.set_posix_syntax(false);
    options.set_longest_match(false);
    options.set_log_errors(false);
    const RE2 re(t.text, options);
    if (!re.ok()) return Fail(t, "invalid regex " + Quote(t.text) + ": " + re.error());
    if (groups) *groups = re.NumberOfCapturingGroups();
    return true;
  }

  // {N} in a template must name a group of the regex (CoreDNS only counts them; we check each).
  bool CheckTemplate(const Token& to, const std::string& from, int groups) {
    const std::string& s = to.text;
    for (std::size_t open = s.find('{'); open != std::string::npos; open = s.find('{', open + 1)) {
      const std::size_t close = s.find('}', open);
      if (close == std::string::npos || close == open + 1) continue;
      const std::string_view digits = std::string_view(s).substr(open + 1, close - open - 1);
      if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
      const auto n = ParseUnsigned(digits, 10, 1000000);
      if (n && *n > static_cast<std::uint64_t>(groups)) {
        return Fail(to, "template " + Quote(s) + " uses {" + std::string(digits) + "} but regex " + Quote(from) +
                            " has " + std::to_string(groups) + " group" + (groups == 1 ? "" : "s"));
      }
    }
    return true;
  }

  // A normalised TO (or a fragment of one, for prefix/suffix/substring) must be able to appear in
  // a domain name: labels of 1..63 octets, at most 255 octets.
  bool CheckNameText(const Token& t, std::string_view normalized, MatchKind kind) {
    std::string_view body = normalized;
    if (kind != MatchKind::kExact && !body.empty() && body.front() == '.') body.remove_prefix(1);
    if (body.empty() || (kind != MatchKind::kExact && body == ".")) return true;
    wire::Name name;
    const wire::WireError error = wire::Name::FromString(body, name);
    if (error == wire::WireError::kOk) return true;
    return Fail(t, "TO " + Quote(t.text) + " is not a possible domain name (" + std::string(NameErrorReason(error)) + ")");
  }

  // FROM of a name/ttl/rcode rule: normalised unless regex (then checked with RE2).
  bool ParseNameMatch(MatchKind kind, const Token& from, NameMatch& match, int* groups) {
    match.kind = kind;
    if (kind == MatchKind::kRegex) {
      match.pattern = from.text;
      return CheckRegex(from, groups);
    }
    match.pattern = Normalize(from.text);
    return true;
  }

  // ---- fields ---------------------------------------------------------------------------------

  bool ParseName(Rule& rule) {
    NameRule name;
    MatchKind kind;
    if (!ParseMatchKind(2, kind)) return false;
    const Token* from = Expect("FROM", Want(kNameUsage));
    if (from == nullptr) return false;
    const Token* to = Expect("TO", Want(kNameUsage));
    if (to == nullptr) return false;
    int groups = 0;
    if (!ParseNameMatch(kind, *from, name.match, &groups)) return false;
    name.to = Normalize(to->text);
    if (kind == MatchKind::kRegex) {
      if (!CheckTemplate(*to, from->text, groups)) return false;
    } else if (!CheckNameText(*to, name.to, kind)) {
      return false;
    }
    if (!ParseAnswers(name)) return false;
    rule.body = std::move(name);
    return true;
  }

  // [answer] auto | [answer] name FROM TO | [answer] value FROM TO, repeated; the first one needs
  // the `answer` keyword (CoreDNS lets later ones omit it).
  bool ParseAnswers(NameRule& name) {
    if (AtEnd()) {
      if (name.match.kind == MatchKind::kExact) name.answers.insert(name.answers.begin(), AnswerOption{});
      return true;
    }
    if (Lower(Peek().text) != "answer") {
      return Fail(Peek(), "unexpected " + Quote(Peek().text) + " after TO (want answer auto, answer name FROM TO or answer value FROM TO)");
    }
    const Token* explicit_auto = nullptr;
    const Token* first_name = nullptr;
    while (!AtEnd()) {
      const Token* kind_token = &args_[i_++];
      if (Lower(kind_token->text) == "answer") {
        kind_token = Expect("response option", Want(kAnswerList));
        if (kind_token == nullptr) return false;
      }
      const std::string kind = Lower(kind_token->text);
      if (kind == "auto") {
        if (!explicit_auto) explicit_auto = kind_token;
        continue;
      }
      if (kind != "name" && kind != "value")
        return Fail(*kind_token, "unknown response option " + Quote(kind_token->text) + " " + Want(kAnswerList));
      const std::string usage = "answer " + kind + " FROM TO";
      const Token* from = Expect("FROM", Want(usage));
      if (from == nullptr) return false;
      const Token* to = Expect("TO", Want(usage));
      if (to == nullptr) return false;
      int groups = 0;
      if (!CheckRegex(*from, &groups) || !CheckTemplate(*to, from->text, groups)) return false;
      AnswerOption option;
      option.kind = kind == "name" ? AnswerOption::Kind::kName : AnswerOption::Kind::kValue;
      option.from = from->text;
      option.to = Normalize(to->text);
      if (option.kind == AnswerOption::Kind::kName && !first_name) first_name = kind_token;
      name.answers.push_back(std::move(option));
    }
    if (explicit_auto && first_name)
      return Fail(*first_name, "answer name cannot be combined with answer auto (auto already reverts the names)");
    if (explicit_auto || name.match.kind == MatchKind::kExact) name.answers.insert(name.answers.begin(), AnswerOption{});
    return true;
  }

  bool ParseTypeOrClass(Rule& rule, bool is_type) {
    const std::string usage = is_type ? "type FROM TO" : "class FROM TO";
    std::uint16_t codes[2] = {0, 0};
    const char* what[2] = {"FROM", "TO"};
    for (int k = 0; k < 2; ++k) {
      const Token* t = Expect(what[k], Want(usage));
      if (t == nullptr) return false;
      const auto code = is_type ? TypeFromString(t->text) : ClassFromString(t->text);
      if (!code) {
        return Fail(*t, is_type ? "unknown type " + Quote(t->text) + " (want a record type such as A, AAAA, SRV, ANY or TYPE65280)"
                                : "unknown class " + Quote(t->text) + " (want IN, CH, HS, CS, NONE, ANY or CLASS65280)");
      }
      codes[k] = *code;
    }
    if (!ExpectEnd(usage)) return false;
    if (is_type) {
      rule.body = TypeRule{codes[0], codes[1]};
    } else {
      rule.body = ClassRule{codes[0], codes[1]};
    }
    return true;
  }

  // SECONDS | MIN-MAX | MIN- | -MAX, as CoreDNS's isValidTTL.
  bool ParseTtlValue(const Token& t, TtlRule& ttl) {
    const std::string& s = t.text;
    const auto fail = [&] {
      return Fail(t, "invalid TTL " + Quote(s) + " (want SECONDS, MIN-MAX, MIN- or -MAX, 0-4294967295, MIN <= MAX)");
    };
    const std::size_t dash = s.find('-');
    if (dash == std::string::npos) {
      const auto v = ParseUnsigned(s, 10, 0xffffffffu);
      if (!v) return fail();
      ttl.min = ttl.max = static_cast<std::uint32_t>(*v);
      return true;
    }
    const std::string_view lo = std::string_view(s).substr(0, dash);
    const std::string_view hi = std::string_view(s).substr(dash + 1);
    if (hi.find('-') != std::string_view::npos || (lo.empty() && hi.empty())) return fail();
    std::uint64_t min = 0, max = 2147483647;
    if (!lo.empty()) {
      const auto v = ParseUnsigned(lo, 10, 0xffffffffu);
      if (!v) return fail();
      min = *v;
    }
    if (!hi.empty()) {
      const auto v = ParseUnsigned(hi, 10, 0xffffffffu);
      if (!v) return fail();
      max = *v;
    }
    if (min > max) return fail();
    ttl.min = static_cast<std::uint32_t>(min);
    ttl.max = static_cast<std::uint32_t>(max);
    return true;
  }

  bool ParseTtl(Rule& rule) {
    TtlRule ttl;
    MatchKind kind;
    if (!ParseMatchKind(2, kind)) return false;
    const Token* name = Expect("NAME", Want(kTtlUsage));
    if (name == nullptr) return false;
    const Token* value = Expect("TTL", Want(kTtlUsage));
    if (value == nullptr) return false;
    if (!ParseNameMatch(kind, *name, ttl.match, nullptr) || !ParseTtlValue(*value, ttl)) return false;
    if (!ExpectEnd(kTtlUsage)) return false;
    rule.body = std::move(ttl);
    return true;
  }

  bool ParseRcode(Rule& rule) {
    RcodeRule rcode;
    MatchKind kind;
    if (!ParseMatchKind(3, kind)) return false;
    const Token* name = Expect("NAME", Want(kRcodeUsage));
    if (name == nullptr) return false;
    std::uint16_t codes[2] = {0, 0};
    const char* what[2] = {"FROM", "TO"};
    const Token* tokens[2] = {nullptr, nullptr};
    for (int k = 0; k < 2; ++k) {
      if ((tokens[k] = Expect(what[k], Want(kRcodeUsage))) == nullptr) return false;
    }
    if (!ParseNameMatch(kind, *name, rcode.match, nullptr)) return false;
    for (int k = 0; k < 2; ++k) {
      const auto code = RcodeFromString(tokens[k]->text);
      if (!code) {
        return Fail(*tokens[k], "unknown rcode " + Quote(tokens[k]->text) +
                                    " (want a name such as NOERROR, SERVFAIL, NXDOMAIN, REFUSED or a number 0-23)");
      }
      codes[k] = *code;
    }
    if (!ExpectEnd(kRcodeUsage)) return false;
    rcode.from = codes[0];
    rcode.to = codes[1];
    rule.body = std::move(rcode);
    return true;
  }

  bool ParseCname(Rule& rule) {
    CnameRule cname;
    MatchKind kind;
    if (!ParseMatchKind(2, kind)) return false;
    const Token* from = Expect("FROM", Want(kCnameUsage));
    if (from == nullptr) return false;
    const Token* to = Expect("TO", Want(kCnameUsage));
    if (to == nullptr) return false;
    cname.match.kind = kind;
    if (kind == MatchKind::kRegex) {
      int groups = 0;
      if (!CheckRegex(*from, &groups) || !CheckTemplate(*to, from->text, groups)) return false;
      cname.match.pattern = from->text;
      cname.to = Lower(to->text);
    } else {
      cname.match.pattern = Lower(from->text);
      cname.to = Lower(to->text);
      if (!CheckNameText(*to, cname.to, kind)) return false;
    }
    if (!ExpectEnd(kCnameUsage)) return false;
    rule.body = std::move(cname);
    return true;
  }

  bool ParseEdns0(Rule& rule) {
    Edns0Rule edns;
    const Token* option = Expect("EDNS0 option", "(want local, nsid or subnet)");
    if (option == nullptr) return false;
    const std::string opt = Lower(option->text);
    if (opt == "local") {
      edns.option = Edns0Rule::Option::kLocal;
    } else if (opt == "nsid") {
      edns.option = Edns0Rule::Option::kNsid;
    } else if (opt == "subnet") {
      edns.option = Edns0Rule::Option::kSubnet;
    } else {
      return Fail(*option, "unknown EDNS0 option " + Quote(option->text) + " (want local, nsid or subnet)");
    }
    const std::string usage =
        opt == "local"  ? "edns0 local set|append|replace CODE DATA [revert] or edns0 local unset CODE"
        : opt == "nsid" ? "edns0 nsid set|append|replace [revert] or edns0 nsid unset"
                        : "edns0 subnet set|append|replace V4BITS V6BITS [revert] or edns0 subnet unset";
    const Token* action = Expect("action", "(want set, append, replace or unset)");
    if (action == nullptr) return false;
    const std::string act = Lower(action->text);
    if (act == "set") {
      edns.action = Edns0Rule::Action::kSet;
    } else if (act == "append") {
      edns.action = Edns0Rule::Action::kAppend;
    } else if (act == "replace") {
      edns.action = Edns0Rule::Action::kReplace;
    } else if (act == "unset") {
      edns.action = Edns0Rule::Action::kUnset;
    } else {
      return Fail(*action, "unknown EDNS0 action " + Quote(action->text) + " (want set, append, replace or unset)");
    }
    const bool unset = edns.action == Edns0Rule::Action::kUnset;
    // CoreDNS strips a trailing `revert` before counting arguments (not for unset).
    if (!unset && !AtEnd() && Lower(args_[end_ - 1].text) == "revert") {
      edns.revert = true;
      --end_;
    }
    if (edns.option == Edns0Rule::Option::kLocal) {
      const Token* code = Expect("option code", Want(usage));
      if (code == nullptr) return false;
      const auto value = ParseUnsigned(code->text, 0, 65535);
      if (!value) return Fail(*code, "invalid EDNS0 option code " + Quote(code->text) + " (want 0-65535, decimal or 0x hex)");
      edns.code = static_cast<std::uint16_t>(*value);
      if (!unset) {
        const Token* data = Expect("data", Want(usage));
        if (data == nullptr || !ParseLocalData(*data, edns)) return false;
      }
    } else if (edns.option == Edns0Rule::Option::kSubnet && !unset) {
      const Token* bits[2] = {nullptr, nullptr};
      const char* what[2] = {"V4BITS", "V6BITS"};
      const std::uint64_t limit[2] = {32, 128};
      for (int k = 0; k < 2; ++k) {
        if ((bits[k] = Expect(what[k], Want(usage))) == nullptr) return false;
        const auto v = ParseUnsigned(bits[k]->text, 0, 65535);
        if (!v || *v > limit[k]) {
          return Fail(*bits[k], std::string("invalid ") + (k == 0 ? "IPv4" : "IPv6") + " prefix length " +
                                    Quote(bits[k]->text) + " (want 0-" + std::to_string(limit[k]) + ")");
        }
        (k == 0 ? edns.v4_bits : edns.v6_bits) = static_cast<std::uint8_t>(*v);
      }
    }
    if (!ExpectEnd(usage)) return false;
    rule.body = std::move(edns);
    return true;
  }

  // DATA: {variable}, 0x-prefixed hex, or the text itself.
  bool ParseLocalData(const Token& data, Edns0Rule& edns) {
    const std::string& s = data.text;
    if (s.size() >= 2 && s.front() == '{' && s.back() == '}') {
      static constexpr std::array<std::string_view, 7> kKnown = {
          "{qname}", "{qtype}", "{client_ip}", "{client_port}", "{protocol}", "{server_ip}", "{server_port}"};
      if (std::find(kKnown.begin(), kKnown.end(), s) == kKnown.end())
        return Fail(data, "unsupported EDNS0 variable " + Quote(s) + " (want " + std::string(kVariables) + ")");
      edns.data = s;
      edns.data_is_placeholder = true;
      return true;
    }
    if (s.rfind("0x", 0) == 0) {
      auto bytes = DecodeHex(std::string_view(s).substr(2));
      if (!bytes) return Fail(data, "invalid hex data " + Quote(s) + " (want 0x and an even number of hex digits)");
      edns.data = std::move(*bytes);
      return true;
    }
    edns.data = s;
    return true;
  }

  const Token& head_;
  const std::vector<Token>& args_;
  std::size_t end_;
  std::size_t i_ = 0;
  std::optional<RuleError> error_;
};

}  // namespace

std::optional<std::uint16_t> TypeFromString(std::string_view text) {
  if (const std::uint16_t code = wire::TypeFromMnemonic(ToUpper(text))) return code;
  return Lookup(kParseOnlyTypes, text, "TYPE");
}
std::optional<std::uint16_t> ClassFromString(std::string_view text) { return Lookup(kClasses, text, "CLASS"); }

std::optional<std::uint16_t> RcodeFromString(std::string_view text) {
  if (auto v = ParseUnsigned(text, 10, 23)) return static_cast<std::uint16_t>(*v);
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front()))) return std::nullopt;
  return Lookup(kRcodes, text, "");
}

ParsedRules ParseRewriteArgs(const config::Token& head, const std::vector<config::Token>& args,
                             std::uint32_t index, const std::string& set_name) {
  ParsedRules result;
  Rule rule;
  LineParser parser(head, args);
  if (auto error = parser.Parse(rule)) {
    result.error = std::move(error);
    return result;
  }
  rule.index = index;
  rule.pos = {head.pos.file, head.pos.line, head.pos.column};
  rule.set_name = set_name;
  rule.text = head.text;
  for (const Token& t : args) rule.text += " " + QuoteArg(t);
  result.rules.push_back(std::move(rule));
  return result;
}

ParsedRules ParseRewriteDirective(const config::Directive& d, std::uint32_t first_index,
                                  const std::string& set_name) {
  if (!d.has_block) return ParseRewriteArgs(d.name, d.args, first_index, set_name);
  ParsedRules result;
  const auto fail = [&](const Token& at, std::string message) {
    result.error = RuleError{{at.pos.file, at.pos.line, at.pos.column}, "rewrite: " + std::move(message)};
    return result;
  };
  // CoreDNS reads a block only when the line has fewer than two arguments, then joins its lines.
  if (d.args.size() >= 2) {
    return fail(d.args.back(), "unexpected block after " + Quote(d.args.back().text) +
                                   " (want a block only after \"rewrite\", \"rewrite continue\" or \"rewrite stop\")");
  }
  std::vector<Token> args = d.args;
  for (const config::Directive& line : d.block) {
    if (line.has_block) return fail(line.name, "nested block after " + Quote(line.name.text) + " (want plain rule lines in a rewrite block)");
    args.push_back(line.name);
    args.insert(args.end(), line.args.begin(), line.args.end());
  }
  return ParseRewriteArgs(d.name, args, first_index, set_name);
}

}  // namespace dnsd::rules
