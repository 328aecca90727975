// Corefile syntax that parses: blocks, keys, nested blocks, quoting, comments, environment.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "dnsd/config/corefile.hpp"
#include "dump.hpp"

namespace dnsd::config {
namespace {

using testing::Dump;

struct ParseCase {
  const char* name;
  const char* corefile;
  const char* want;  // Dump() of the result
};

void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.name; }

class CorefileParse : public ::testing::TestWithParam<ParseCase> {};

TEST_P(CorefileParse, ProducesTheExpectedBlocks) {
  const ParseCase& c = GetParam();
  Parsed<Corefile> got = ParseCorefile(c.corefile, "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value), c.want);
}

const ParseCase kParseCases[] = {
    {"EmptyFileHasNoBlocks", "", ""},
    {"OnlyCommentsAndBlankLinesHaveNoBlocks", "# nothing\n\n   # still nothing\n", ""},
    {"OneBlockWithDirectives", ". {\n  forward . 1.1.1.1 8.8.8.8\n  cache 30\n}\n",
     "[.]\n  forward . 1.1.1.1 8.8.8.8\n  cache 30\n"},
    {"MultipleBlocksKeepTheirOrder", "example.org {\n  whoami\n}\n.:1053 {\n  log\n}\n",
     "[example.org]\n  whoami\n[.:1053]\n  log\n"},
    {"SeveralKeysSeparatedBySpaces", "a.org b.org:1053 {\n whoami\n}",
     "[a.org b.org:1053]\n  whoami\n"},
    {"CommaSeparatedKeysWithoutSpaces", "a.org,b.org,c.org {\n}", "[a.org b.org c.org]\n"},
    {"TrailingCommaContinuesKeysOnTheNextLine", "a.org,\n  b.org ,\n  c.org {\n}\n",
     "[a.org b.org c.org]\n"},
    {"OpeningBraceMayStandOnTheLineAfterTheKeys", "example.org\n{\n  whoami\n}\n",
     "[example.org]\n  whoami\n"},
    {"EmptyBlockHasNoDirectives", ". {\n}\n", "[.]\n"},
    {"BlockOnOneLine", ". { whoami }", "[.]\n  whoami\n"},
    {"NestedBlocksBecomeDirectiveBlocks",
     ". {\n  forward . 1.1.1.1 {\n    max_fails 3\n    health_check 5s {\n      domain x.org\n    "
     "}\n  }\n  cache\n}\n",
     "[.]\n  forward . 1.1.1.1 {\n    max_fails 3\n    health_check 5s {\n      domain x.org\n    "
     "}\n  }\n  cache\n"},
    {"EmptyDirectiveBlockIsStillABlock", ". {\n  cache {\n  }\n}", "[.]\n  cache {\n  }\n"},
    {"DirectiveBlockOnOneLine", ". {\n  cache { success 100 }\n  log\n}",
     "[.]\n  cache {\n    success 100\n  }\n  log\n"},
    {"QuotedTokenKeepsSpaces", ". {\n  template \"a b  c\" x\n}", "[.]\n  template «a b  c» x\n"},
    {"QuotedTokenMaySpanLines", ". {\n  answer \"line one\nline two\" x\n}",
     "[.]\n  answer «line one\nline two» x\n"},
    {"BackslashQuoteEscapesAQuote", ". {\n  x \"say \\\"hi\\\"\"\n}", "[.]\n  x «say \"hi\"»\n"},
    {"OtherBackslashesAreKept", ". {\n  x \"a\\.b\\\\\"\n}", "[.]\n  x «a\\.b\\\\»\n"},
    {"EmptyQuotedTokenIsAnArgument", ". {\n  x \"\" y\n}", "[.]\n  x «» y\n"},
    {"BacktickRawStringTakesEverythingLiterally",
     ". {\n  rewrite name regex `(.*)\\.a\\.\"b\" #x` c\n}",
     "[.]\n  rewrite name regex «(.*)\\.a\\.\"b\" #x» c\n"},
    {"QuotedBraceIsTextNotABlock", ". {\n  x \"{\" \"}\"\n}", "[.]\n  x «{» «}»\n"},
    {"BraceInsideATokenIsText", ". {\n  rewrite name regex a{2}b c\n}",
     "[.]\n  rewrite name regex a{2}b c\n"},
    {"CommentRunsToEndOfLine", ". { # the root\n  whoami # who\n  # log\n}\n", "[.]\n  whoami\n"},
    {"HashInsideATokenIsNotAComment", ". {\n  x a#b #c\n}", "[.]\n  x a#b\n"},
    {"HashInsideQuotesIsNotAComment", ". {\n  x \"#a\"\n}", "[.]\n  x «#a»\n"},
    {"SingleBlockMayOmitBraces", "example.org\nwhoami\nlog stdout\n",
     "[example.org]\n  whoami\n  log stdout\n"},
    {"KeysAloneMakeABlockWithoutDirectives", "example.org:1053", "[example.org:1053]\n"},
    {"LastBlockMayOmitBraces", "a.org {\n}\nb.org\nwhoami\n", "[a.org]\n[b.org]\n  whoami\n"},
    {"CrLfLineEndingsAreWhitespace", ". {\r\n  cache 30\r\n  log\r\n}\r\n",
     "[.]\n  cache 30\n  log\n"},
    {"TabsSeparateTokens", ".\t{\n\tcache\t30\n}", "[.]\n  cache 30\n"},
    {"ImportAsAnArgumentIsJustText", ". {\n  x import y\n}", "[.]\n  x import y\n"},
    {"QuotedImportIsADirectiveNamedImport", ". {\n  \"import\" y\n}", "[.]\n  «import» y\n"},
};

INSTANTIATE_TEST_SUITE_P(Syntax, CorefileParse, ::testing::ValuesIn(kParseCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CorefileParse, TokensCarryLineAndColumn) {
  Parsed<Corefile> got = ParseCorefile(
      "a.org, b.org {\n"
      "\tforward . \"x y\" {\n"
      "    max_fails 3\n"
      "  }\n"
      "}\n",
      "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(testing::Dump(*got.value, true),
            "[a.org@1:1 b.org@1:8]\n"
            "  forward@2:2 .@2:10 «x y»@2:12 {\n"
            "    max_fails@3:5 3@3:15\n"
            "  }\n");
  EXPECT_EQ(got.value->blocks[0].keys[0].pos.file, "Corefile");
}

TEST(CorefileParse, KeysSplitFromOneTokenGetTheirOwnColumns) {
  Parsed<Corefile> got = ParseCorefile("  a.org,b.org,c.org {\n}", "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(testing::Dump(*got.value, true), "[a.org@1:3 b.org@1:9 c.org@1:15]\n");
  Parsed<Corefile> quoted = ParseCorefile("\"a.org,b.org\" {\n}", "Corefile");
  ASSERT_TRUE(quoted.ok()) << quoted.error.ToString();
  EXPECT_EQ(testing::Dump(*quoted.value, true), "[«a.org»@1:2 «b.org»@1:8]\n");
}

TEST(CorefileParse, ColumnsCountCharactersNotBytes) {
  Parsed<Corefile> got = ParseCorefile(". {\n  x \"héllo\" wörld z\n}", "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(testing::Dump(*got.value, true), "[.@1:1]\n  x@2:3 «héllo»@2:5 wörld@2:13 z@2:19\n");
}

TEST(CorefileParse, TokenAfterAMultiLineQuoteContinuesThatLine) {
  Parsed<Corefile> got = ParseCorefile(". {\n  x \"a\nb\" c\n  y\n}", "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(testing::Dump(*got.value, true), "[.@1:1]\n  x@2:3 «a\nb»@2:5 c@3:4\n  y@4:3\n");
}

TEST(CorefileParse, EnvironmentVariablesAreSubstitutedInTokens) {
  ::setenv("DNSD_TEST_UPSTREAM", "9.9.9.9", 1);
  ::setenv("DNSD_TEST_ZONE", "example.org", 1);
  ::setenv("DNSD_TEST_SPACED", "a b", 1);
  ::unsetenv("DNSD_TEST_UNSET");
  Parsed<Corefile> got = ParseCorefile(
      "{$DNSD_TEST_ZONE}:1053 {\n"
      "  forward . {$DNSD_TEST_UPSTREAM}:53 {%DNSD_TEST_UPSTREAM%}\n"
      "  x \"[{$DNSD_TEST_ZONE}]\" `{$DNSD_TEST_ZONE}` pre{$DNSD_TEST_UNSET}post\n"
      "  y {$DNSD_TEST_SPACED} {$} {$DNSD_TEST_ZONE\n"
      "}\n",
      "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value),
            "[example.org:1053]\n"
            "  forward . 9.9.9.9:53 9.9.9.9\n"
            "  x «[example.org]» «example.org» prepost\n"
            "  y a b {$} {$DNSD_TEST_ZONE\n");
  // A value with spaces stays one token, as in CoreDNS (substitution happens per token).
  EXPECT_EQ(got.value->blocks[0].directives[2].args.size(), 3u);
}

TEST(CorefileParse, EnvironmentValueIsNotExpandedAgain) {
  ::setenv("DNSD_TEST_TRICK", "{$DNSD_TEST_ZONE2}", 1);
  ::setenv("DNSD_TEST_ZONE2", "no", 1);
  Parsed<Corefile> got = ParseCorefile(". {\n  x {$DNSD_TEST_TRICK}\n}", "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value), "[.]\n  x {$DNSD_TEST_ZONE2}\n");
}

TEST(CorefileParse, EnvironmentValueThatLooksLikeABraceIsText) {
  ::setenv("DNSD_TEST_BRACE", "{", 1);
  Parsed<Corefile> got = ParseCorefile(". {\n  x {$DNSD_TEST_BRACE}\n}", "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value), "[.]\n  x {\n");
  EXPECT_FALSE(got.value->blocks[0].directives[0].has_block);
}

TEST(CorefileParse, SnippetIsPastedWhereImported) {
  Parsed<Corefile> got = ParseCorefile(
      "(common) {\n"
      "  log\n"
      "  errors\n"
      "}\n"
      "a.org {\n"
      "  import common\n"
      "  whoami\n"
      "}\n"
      "b.org {\n"
      "  cache {\n"
      "    import common\n"
      "  }\n"
      "  import common\n"
      "}\n",
      "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value),
            "[a.org]\n  log\n  errors\n  whoami\n"
            "[b.org]\n  cache {\n    log\n    errors\n  }\n  log\n  errors\n");
}

TEST(CorefileParse, SnippetTokensKeepTheirDefinitionPositions) {
  Parsed<Corefile> got = ParseCorefile(
      "(s) {\n"
      "  forward . 1.1.1.1\n"
      "}\n"
      ". {\n"
      "  import s\n"
      "}\n",
      "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value, true), "[.@4:1]\n  forward@2:3 .@2:11 1.1.1.1@2:13\n");
}

TEST(CorefileParse, SnippetMayHoldWholeServerBlocksAndBeImportedAtTopLevel) {
  Parsed<Corefile> got = ParseCorefile(
      "(servers) {\n"
      "  a.org {\n"
      "    whoami\n"
      "  }\n"
      "}\n"
      "import servers\n"
      "b.org {\n"
      "}\n",
      "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value), "[a.org]\n  whoami\n[b.org]\n");
}

TEST(CorefileParse, SnippetMayImportAnotherSnippet) {
  Parsed<Corefile> got = ParseCorefile(
      "(inner) {\n  cache\n}\n"
      "(outer) {\n  import inner\n  log\n}\n"
      ". {\n  import outer\n}\n",
      "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value), "[.]\n  cache\n  log\n");
}

TEST(CorefileParse, SnippetImportedTwiceInARowIsNotACycle) {
  Parsed<Corefile> got =
      ParseCorefile("(s) {\n  log\n}\n. {\n  import s\n  import s\n}\n", "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value), "[.]\n  log\n  log\n");
}

TEST(CorefileParse, EmptySnippetImportsNothing) {
  Parsed<Corefile> got = ParseCorefile("(s) {\n}\n. {\n  import s\n  log\n}\n", "Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value), "[.]\n  log\n");
}

TEST(CorefileParse, ErrorToStringIsFileLineColumnMessage) {
  ConfigError e{{"Corefile", 12, 9}, "rewrite: unknown match type \"sufix\""};
  EXPECT_EQ(e.ToString(), "Corefile:12:9: rewrite: unknown match type \"sufix\"");
  ConfigError no_line{{"/etc/Corefile", 0, 0}, "cannot read Corefile: No such file or directory"};
  EXPECT_EQ(no_line.ToString(), "/etc/Corefile: cannot read Corefile: No such file or directory");
}

TEST(CorefileParse, ErrorAtPointsAtTheToken) {
  Token t{"sufix", {"Corefile", 3, 17}, false};
  EXPECT_EQ(ErrorAt(t, "rewrite: unknown match type \"sufix\"").ToString(),
            "Corefile:3:17: rewrite: unknown match type \"sufix\"");
}

}  // namespace
}  // namespace dnsd::config
