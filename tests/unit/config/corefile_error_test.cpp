// Every syntax error names file:line:column, the offending token, and what was wanted.
#include <gtest/gtest.h>

#include <string>

#include "dnsd/config/corefile.hpp"

namespace dnsd::config {
namespace {

struct ErrorCase {
  const char* name;
  const char* corefile;
  const char* want;  // ConfigError::ToString()
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class CorefileError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(CorefileError, PointsAtTheOffendingToken) {
  const ErrorCase& c = GetParam();
  Parsed<Corefile> got = ParseCorefile(c.corefile, "Corefile");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error.ToString(), c.want);
}

const ErrorCase kErrorCases[] = {
    {"StrayClosingBraceAfterABlock", ". {\n  log\n}\n  }\n",
     "Corefile:4:3: unexpected \"}\" (want a server block key)"},
    {"ClosingBraceInABracelessBlock", "example.org\n  whoami\n  }\n",
     "Corefile:3:3: unexpected \"}\" (want a directive or end of file)"},
    {"ClosingBraceWhereAKeyBelongs", "}\n",
     "Corefile:1:1: unexpected \"}\" (want a server block key)"},
    {"OpeningBraceWithoutKeys", "{\n  log\n}\n",
     "Corefile:1:1: unexpected \"{\" (want a server block key before it)"},
    {"UnmatchedServerBlockBrace", "example.org {\n  log\n",
     "Corefile:1:13: unmatched \"{\" after \"example.org\" (want \"}\" before end of file)"},
    {"UnmatchedDirectiveBrace", ". {\n  forward . 1.1.1.1 {\n    max_fails 3\n}\n",
     "Corefile:1:3: unmatched \"{\" after \".\" (want \"}\" before end of file)"},
    {"UnmatchedInnermostBraceIsReported", ". {\n  cache {\n    prefetch 10 {\n",
     "Corefile:3:17: unmatched \"{\" after \"prefetch\" (want \"}\" before end of file)"},
    {"BlockBraceOnItsOwnLine", ". {\n  forward . 1.1.1.1\n  {\n  }\n}\n",
     "Corefile:3:3: unexpected \"{\" (want a directive; a block opens on the same line as its "
     "directive)"},
    {"UnterminatedQuote", ". {\n  x \"abc\n}\n",
     "Corefile:2:5: unterminated quoted string (want a closing \" before end of file)"},
    {"UnterminatedQuoteEndingInAnEscape", ". {\n  x \"abc\\\"",
     "Corefile:2:5: unterminated quoted string (want a closing \" before end of file)"},
    {"UnterminatedBacktick", ". {\n  x `abc\n}\n",
     "Corefile:2:5: unterminated raw string (want a closing ` before end of file)"},
    {"EmptyQuotedKey", "\"\" {\n}\n", "Corefile:1:1: empty server block key \"\""},
    {"EmptyKeyBetweenCommas", "a.org,,b.org {\n}\n",
     "Corefile:1:1: empty server block key in \"a.org,,b.org\""},
    {"EmptyKeyBeforeAComma", ",a.org {\n}\n", "Corefile:1:1: empty server block key in \",a.org\""},
    {"LoneCommaBeforeAnyKey", ", a.org {\n}\n",
     "Corefile:1:1: unexpected \",\" (want a server block key)"},
    {"TrailingCommaBeforeTheBrace", "a.org, {\n}\n",
     "Corefile:1:8: unexpected \"{\" (want another server block key after \",\")"},
    {"TrailingCommaAtEndOfFile", "a.org,\n",
     "Corefile:1:1: unexpected end of file after \"a.org,\" (want another server block key after "
     "\",\")"},
    {"EmptyBlockWrittenWithoutASpace", ". {}\n",
     "Corefile:1:3: server block key \"{}\" is not a block (want a space between \"{\" and \"}\")"},
    {"BraceGluedToAKey", "example.org{\n  log\n}\n",
     "Corefile:1:1: server block key \"example.org{\" ends in \"{\" (want a space before \"{\")"},
    {"ImportWithoutAnArgument", ". {\n  import\n}\n",
     "Corefile:2:3: import: want a snippet name or a file glob after \"import\""},
    {"ImportWithTwoArguments", ". {\n  import a b\n}\n",
     "Corefile:2:12: import: unexpected \"b\" (want one snippet name or file glob)"},
    {"ImportOfAnEmptyName", ". {\n  import \"\"\n}\n",
     "Corefile:2:10: import: empty snippet name or file glob \"\""},
    {"ImportOfAnUnknownName", ". {\n  log\n\n  import foo\n}\n",
     "Corefile:4:3: import: no snippet or file matching \"foo\""},
    {"TopLevelImportOfAnUnknownName", "import nothing-here.conf\n",
     "Corefile:1:1: import: no snippet or file matching \"nothing-here.conf\""},
    {"SnippetUsedBeforeItIsDefined", ". {\n  import later\n}\n(later) {\n  log\n}\n",
     "Corefile:2:3: import: no snippet or file matching \"later\""},
    {"SnippetImportsItself", "(loop) {\n  log\n  import loop\n}\n. {\n  import loop\n}\n",
     "Corefile:3:3: import: import cycle: (loop) -> (loop)"},
    {"SnippetsImportEachOther", "(a) {\n  import b\n}\n(b) {\n  import a\n}\n. {\n  import a\n}\n",
     "Corefile:5:3: import: import cycle: (a) -> (b) -> (a)"},
    {"SnippetWithoutABlock", "(s)\n. {\n}\n",
     "Corefile:1:1: snippet \"(s)\" wants a block (want \"{\" after it)"},
    {"SnippetAtEndOfFile", "(s)",
     "Corefile:1:1: snippet \"(s)\" wants a block (want \"{\" after it)"},
    {"SnippetDefinedTwice", "(s) {\n}\n(s) {\n}\n",
     "Corefile:3:1: snippet \"(s)\" is already defined at Corefile:1:1"},
    {"SnippetNameWithOtherKeys", "(s) a.org {\n}\n",
     "Corefile:1:1: snippet \"(s)\" must be the only key before \"{\""},
    {"SnippetNameAfterOtherKeys", "a.org (s) {\n}\n",
     "Corefile:1:7: snippet \"(s)\" must be the only key before \"{\""},
    {"UnmatchedSnippetBrace", "(s) {\n  log {\n}\n",
     "Corefile:1:5: unmatched \"{\" of snippet \"(s)\" (want \"}\" before end of file)"},
    {"ErrorInsideASnippetPointsIntoTheSnippet", "(s) {\n  log\n  {\n  }\n}\n. {\n  import s\n}\n",
     "Corefile:3:3: unexpected \"{\" (want a directive; a block opens on the same line as its "
     "directive)"},
};

INSTANTIATE_TEST_SUITE_P(Syntax, CorefileError, ::testing::ValuesIn(kErrorCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CorefileError, FileNameInErrorsIsTheOneGiven) {
  Parsed<Corefile> got = ParseCorefile(". {\n  }\n}\n", "/etc/dnsd/Corefile");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error.ToString(),
            "/etc/dnsd/Corefile:3:1: unexpected \"}\" (want a server block key)");
}

TEST(CorefileError, DeeplyNestedBlocksAreRefused) {
  std::string text = ". {\n";
  for (int i = 0; i < 150; ++i) text += "x {\n";
  Parsed<Corefile> got = ParseCorefile(text, "Corefile");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error.ToString(), "Corefile:102:3: blocks nested deeper than 100 levels");
}

TEST(CorefileError, DeepSnippetImportChainIsRefused) {
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text += "(s" + std::to_string(i) + ") {\n  import s" + std::to_string(i + 1) + "\n}\n";
  }
  text += "(s40) {\n  log\n}\n. {\n  import s0\n}\n";
  Parsed<Corefile> got = ParseCorefile(text, "Corefile");
  ASSERT_FALSE(got.ok());
  // s31 is the 32nd link below the root; its import of s32 would be the 33rd.
  EXPECT_EQ(got.error.ToString(),
            "Corefile:95:3: import: imports nested deeper than 32 levels (at \"(s32)\")");
}

TEST(CorefileError, SnippetFanOutIsCapped) {
  // Each level imports the next twice: 2^20 expansions without a cap.
  std::string text;
  for (int i = 0; i < 20; ++i) {
    const std::string next = "f" + std::to_string(i + 1);
    text += "(f" + std::to_string(i) + ") {\n  import " + next + "\n  import " + next + "\n}\n";
  }
  text += "(f20) {\n  log\n}\n. {\n  import f0\n}\n";
  Parsed<Corefile> got = ParseCorefile(text, "Corefile");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error.message.find("import: more than 10000 imports expanded"), std::string::npos)
      << got.error.ToString();
}

}  // namespace
}  // namespace dnsd::config
