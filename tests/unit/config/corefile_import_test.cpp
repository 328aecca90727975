// `import` of files and globs: paths relative to the importing file, positions kept, cycles named.
#include <gtest/gtest.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "dnsd/config/corefile.hpp"
#include "dump.hpp"
#include "temp_dir.hpp"

namespace dnsd::config {
namespace {

using testing::Dump;
using testing::TempDir;

Parsed<Corefile> ParseIn(const TempDir& dir, const std::string& corefile) {
  return ParseCorefileFromPath(dir.Write("Corefile", corefile));
}

TEST(CorefileImport, ImportGlobKeepsImportedFilePositions) {
  TempDir dir;
  dir.Write("conf.d/a.conf", "cache 30\n");
  dir.Write("conf.d/b.conf", "\n  forward . 1.1.1.1\n");
  dir.Write("conf.d/ignored.txt", "nope\n");
  Parsed<Corefile> got = ParseIn(dir, ". {\n  import conf.d/*.conf\n  log\n}\n");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value, true),
            "[.@1:1]\n  cache@1:1 30@1:7\n  forward@2:3 .@2:11 1.1.1.1@2:13\n  log@3:3\n");
  const auto& ds = got.value->blocks[0].directives;
  EXPECT_EQ(ds[0].name.pos.file, dir.Path("conf.d/a.conf"));
  EXPECT_EQ(ds[1].name.pos.file, dir.Path("conf.d/b.conf"));
  EXPECT_EQ(ds[2].name.pos.file, dir.Path("Corefile"));
}

TEST(CorefileImport, ImportPathIsRelativeToTheImportingFile) {
  TempDir dir;
  dir.Write("sub/one.conf", "import two.conf\nlog\n");
  dir.Write("sub/two.conf", "errors\n");
  Parsed<Corefile> got = ParseIn(dir, ". {\n  import sub/one.conf\n}\n");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value), "[.]\n  errors\n  log\n");
  EXPECT_EQ(got.value->blocks[0].directives[0].name.pos.file, dir.Path("sub/two.conf"));
}

TEST(CorefileImport, AbsoluteImportPathIsUsedAsIs) {
  TempDir dir;
  const std::string abs = dir.Write("abs.conf", "whoami\n");
  Parsed<Corefile> got = ParseCorefile(". {\n  import " + abs + "\n}\n", "elsewhere/Corefile");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value), "[.]\n  whoami\n");
}

TEST(CorefileImport, TopLevelImportAddsServerBlocksAndSnippets) {
  TempDir dir;
  dir.Write("zones.conf", "a.org {\n  whoami\n}\n(common) {\n  log\n}\n");
  Parsed<Corefile> got = ParseIn(dir, "import zones.conf\nb.org {\n  import common\n}\n");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value), "[a.org]\n  whoami\n[b.org]\n  log\n");
}

TEST(CorefileImport, ImportInsideASnippetIsRelativeToTheSnippetsFile) {
  TempDir dir;
  dir.Write("sub/snippets.conf", "(s) {\n  import extra.conf\n}\n");
  dir.Write("sub/extra.conf", "cache\n");
  Parsed<Corefile> got = ParseIn(dir, "import sub/snippets.conf\n. {\n  import s\n}\n");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value), "[.]\n  cache\n");
}

TEST(CorefileImport, GlobMatchingNothingImportsNothing) {
  TempDir dir;
  Parsed<Corefile> got = ParseIn(dir, ". {\n  import conf.d/*.conf\n  log\n}\n");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value), "[.]\n  log\n");
}

TEST(CorefileImport, MissingNamedFileIsAnError) {
  TempDir dir;
  Parsed<Corefile> got = ParseIn(dir, ". {\n  log\n  import missing.conf\n}\n");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error.ToString(),
            dir.Path("Corefile") + ":3:3: import: no snippet or file matching \"missing.conf\"");
}

TEST(CorefileImport, DirectoryIsAnError) {
  TempDir dir;
  dir.Write("sub/x.conf", "");
  Parsed<Corefile> got = ParseIn(dir, ". {\n  import sub\n}\n");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error.ToString(), dir.Path("Corefile") + ":2:3: import: cannot read \"" +
                                      dir.Path("sub") + "\": Is a directory");
}

TEST(CorefileImport, CycleBetweenFilesNamesTheFiles) {
  TempDir dir;
  dir.Write("a.conf", "log\nimport b.conf\n");
  dir.Write("b.conf", "  import a.conf\n");
  Parsed<Corefile> got = ParseIn(dir, ". {\n  import a.conf\n}\n");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error.ToString(), dir.Path("b.conf") +
                                      ":1:3: import: import cycle: " + dir.Path("a.conf") + " -> " +
                                      dir.Path("b.conf") + " -> " + dir.Path("a.conf"));
}

TEST(CorefileImport, CorefileImportingItselfIsACycle) {
  TempDir dir;
  Parsed<Corefile> got = ParseIn(dir, "import Corefile\n");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error.ToString(), dir.Path("Corefile") + ":1:1: import: import cycle: " +
                                      dir.Path("Corefile") + " -> " + dir.Path("Corefile"));
}

TEST(CorefileImport, LexErrorInAnImportedFilePointsIntoThatFile) {
  TempDir dir;
  dir.Write("bad.conf", "log\nx \"open\n");
  Parsed<Corefile> got = ParseIn(dir, ". {\n  import bad.conf\n}\n");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error.ToString(),
            dir.Path("bad.conf") +
                ":2:3: unterminated quoted string (want a closing \" before end of file)");
}

TEST(CorefileImport, SyntaxErrorInAnImportedFilePointsIntoThatFile) {
  TempDir dir;
  dir.Write("bad.conf", "log\n  {\n");
  Parsed<Corefile> got = ParseIn(dir, ". {\n  import bad.conf\n}\n");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error.ToString(), dir.Path("bad.conf") +
                                      ":2:3: unexpected \"{\" (want a directive; a block opens on "
                                      "the same line as its directive)");
}

TEST(CorefileImport, ImportedFileCannotCloseTheImportingBlockEarly) {
  // Tokens are spliced, as in CoreDNS: a "}" in the imported file closes the open block.
  TempDir dir;
  dir.Write("closer.conf", "log\n}\n");
  Parsed<Corefile> got = ParseIn(dir, ". {\n  import closer.conf\n}\n");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error.ToString(),
            dir.Path("Corefile") + ":3:1: unexpected \"}\" (want a server block key)");
}

TEST(CorefileImport, UnreadableCorefileNamesThePath) {
  TempDir dir;
  Parsed<Corefile> got = ParseCorefileFromPath(dir.Path("nope/Corefile"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error.ToString(),
            dir.Path("nope/Corefile") + ": cannot read Corefile: No such file or directory");
}

TEST(CorefileImport, StdinIsReadWhenThePathIsStdin) {
  TempDir dir;
  const std::string path = dir.Write("piped", ". {\n  whoami\n}\n");
  ASSERT_NE(std::freopen(path.c_str(), "r", stdin), nullptr);
  std::cin.clear();
  Parsed<Corefile> got = ParseCorefileFromPath("stdin");
  ASSERT_TRUE(got.ok()) << got.error.ToString();
  EXPECT_EQ(Dump(*got.value), "[.]\n  whoami\n");
  EXPECT_EQ(got.value->blocks[0].keys[0].pos.file, "stdin");
}

}  // namespace
}  // namespace dnsd::config
