#include "dnsd/wire/name.hpp"

#include <gtest/gtest.h>

#include <string>

#include "packet.hpp"

namespace dnsd::wire {
namespace {

using testing::Packet;

Name FromText(std::string_view text) {
  Name name;
  EXPECT_EQ(Name::FromString(text, name), WireError::kOk) << text;
  return name;
}

// A 12-octet dummy header so pointers into the body are legal targets.
Packet Body() { return Packet().Head(0, 0, 1); }

TEST(NameParse, ReadsUncompressedNameAndKeepsCase) {
  Packet p = Body().Name("WwW.ExAmple.ORG");
  Name name;
  std::size_t end = 0;
  ASSERT_EQ(Name::Parse(p, 12, name, &end), WireError::kOk);
  EXPECT_EQ(end, p.size());
  EXPECT_EQ(name.ToString(), "WwW.ExAmple.ORG.");
  EXPECT_EQ(name.LabelCount(), 3u);
  EXPECT_EQ(name.WireLength(), 17u);
}

TEST(NameParse, FollowsBackwardPointerAndEndsAfterThePointer) {
  Packet p = Body().Name("example.org");  // at 12
  const std::size_t second = p.size();
  p.Label("www").Pointer(12).U8(0xAA);  // trailing octet must not be consumed
  Name name;
  std::size_t end = 0;
  ASSERT_EQ(Name::Parse(p, second, name, &end), WireError::kOk);
  EXPECT_EQ(end, second + 4 + 2);
  EXPECT_EQ(name.ToString(), "www.example.org.");
}

TEST(NameParse, ReadsRootName) {
  Packet p = Body().U8(0);
  Name name = FromText("x");
  std::size_t end = 0;
  ASSERT_EQ(Name::Parse(p, 12, name, &end), WireError::kOk);
  EXPECT_TRUE(name.IsRoot());
  EXPECT_EQ(end, 13u);
  EXPECT_EQ(name.ToString(), ".");
}

TEST(NameParse, RejectsCompressionLoop) {
  // Two pointers pointing at each other: the second is backward, the first forward. With
  // backward-only pointers whose names must end before them, loops cannot be built at all.
  Packet p = Body().Pointer(14).Pointer(12);
  Name name;
  std::size_t end = 0;
  EXPECT_EQ(Name::Parse(p, 14, name, &end), WireError::kBadPointer);  // 14 -> 12 -> 14 (forward)
  EXPECT_EQ(Name::Parse(p, 12, name, &end), WireError::kBadPointer);  // forward at once
}

TEST(NameParse, RejectsLongPointerChainAsLoop) {
  // 200 pointers each pointing at the previous one: strictly backwards, but more jumps than
  // kMaxCompressionPointers.
  Packet p = Body().U8(0);  // root at 12
  std::size_t last = 12;
  for (int i = 0; i < 200; ++i) {
    const std::size_t here = p.size();
    p.Pointer(static_cast<std::uint16_t>(last));
    last = here;
  }
  Name name;
  std::size_t end = 0;
  EXPECT_EQ(Name::Parse(p, last, name, &end), WireError::kPointerLoop);
  // A chain of exactly kMaxCompressionPointers jumps is still fine.
  std::size_t ok_start = 13 + 2 * (kMaxCompressionPointers - 1);
  EXPECT_EQ(Name::Parse(p, ok_start, name, &end), WireError::kOk);
  EXPECT_TRUE(name.IsRoot());
}

TEST(NameParse, RejectsPointerWhoseNameRunsPastThePointer) {
  // 12: [2][1]['x'] 15: [C0 0D]. The pointer is backwards, but the name at 13 ([1]['x'] then
  // octet 15) runs into the pointer itself: it does not lie before the pointer.
  Packet p = Body().U8(2).U8(1).U8('x').Pointer(13);
  Name name;
  std::size_t end = 0;
  EXPECT_EQ(Name::Parse(p, 12, name, &end), WireError::kBadPointer);
}

TEST(NameParse, AcceptsCompressionWithinTheSameName) {
  // 12: [1]['a'][0] 15: [1]['b'][C0 0C] -> "b.a." via a pointer to an earlier complete name.
  Packet p = Body().Label("a").U8(0).Label("b").Pointer(12);
  Name name;
  std::size_t end = 0;
  ASSERT_EQ(Name::Parse(p, 15, name, &end), WireError::kOk);
  EXPECT_EQ(name.ToString(), "b.a.");
  EXPECT_EQ(end, p.size());
}

TEST(NameParse, RejectsSelfPointer) {
  Packet p = Body().Pointer(12);
  Name name;
  std::size_t end = 0;
  EXPECT_EQ(Name::Parse(p, 12, name, &end), WireError::kBadPointer);
}

TEST(NameParse, RejectsForwardPointer) {
  Packet p = Body().Pointer(14).Name("example.org");
  Name name;
  std::size_t end = 0;
  EXPECT_EQ(Name::Parse(p, 12, name, &end), WireError::kBadPointer);
}

TEST(NameParse, RejectsPointerIntoHeader) {
  Packet p = Body().Pointer(0);
  Name name;
  std::size_t end = 0;
  EXPECT_EQ(Name::Parse(p, 12, name, &end), WireError::kBadPointer);
}

TEST(NameParse, RejectsPointerCutInHalf) {
  Packet p = Body().Label("a").U8(0xC0);
  Name name;
  std::size_t end = 0;
  EXPECT_EQ(Name::Parse(p, 12, name, &end), WireError::kTruncated);
}

TEST(NameParse, RejectsLabelOf64OctetsAsBadLabelType) {
  // On the wire a length octet of 64 is the 0x40 (extended) label type: there is no way to
  // encode a 64-octet label, so kLabelTooLong only comes from presentation form.
  Packet p = Body().Label(std::string(64, 'a')).U8(0);
  Name name;
  std::size_t end = 0;
  EXPECT_EQ(Name::Parse(p, 12, name, &end), WireError::kBadLabelType);
}

TEST(NameParse, RejectsExtendedAndReservedLabelTypes) {
  for (std::uint8_t type : {std::uint8_t{0x41}, std::uint8_t{0x80}, std::uint8_t{0xBF}}) {
    Packet p = Body().U8(type).U8(0).U8(0);
    Name name;
    std::size_t end = 0;
    EXPECT_EQ(Name::Parse(p, 12, name, &end), WireError::kBadLabelType) << int(type);
  }
}

TEST(NameParse, AcceptsName255AndRejectsName256) {
  // 3 x (1+63) + (1+61) + root = 255.
  Packet ok = Body();
  for (int i = 0; i < 3; ++i) ok.Label(std::string(63, 'a'));
  ok.Label(std::string(61, 'b')).U8(0);
  Name name;
  std::size_t end = 0;
  ASSERT_EQ(Name::Parse(ok, 12, name, &end), WireError::kOk);
  EXPECT_EQ(name.WireLength(), 255u);

  Packet bad = Body();
  for (int i = 0; i < 3; ++i) bad.Label(std::string(63, 'a'));
  bad.Label(std::string(62, 'b')).U8(0);
  EXPECT_EQ(Name::Parse(bad, 12, name, &end), WireError::kNameTooLong);
}

TEST(NameParse, CountsLengthAcrossPointers) {
  Packet p = Body();
  for (int i = 0; i < 3; ++i) p.Label(std::string(63, 'a'));
  p.U8(0);  // 193 octets at 12
  const std::size_t second = p.size();
  p.Label(std::string(62, 'c')).Pointer(12);  // 63 + 193 = 256
  Name name;
  std::size_t end = 0;
  EXPECT_EQ(Name::Parse(p, second, name, &end), WireError::kNameTooLong);
}

TEST(NameParse, RejectsTruncatedNames) {
  Name name;
  std::size_t end = 0;
  Packet no_root = Body().Label("example");
  EXPECT_EQ(Name::Parse(no_root, 12, name, &end), WireError::kTruncated);
  Packet short_label = Body().U8(10).U8('a');
  EXPECT_EQ(Name::Parse(short_label, 12, name, &end), WireError::kTruncated);
  Packet empty = Body();
  EXPECT_EQ(Name::Parse(empty, 12, name, &end), WireError::kTruncated);
  EXPECT_EQ(Name::Parse(empty, 500, name, &end), WireError::kTruncated);
}

TEST(NameParse, LeavesTheRootBehindOnFailure) {
  Packet p = Body().Label("abc").Label("defghijklmnopqrstuvwxyz").Pointer(500);
  Name name = FromText("previous.example");
  std::size_t end = 0;
  EXPECT_EQ(Name::Parse(p, 12, name, &end), WireError::kBadPointer);
  EXPECT_TRUE(name.IsRoot());
  EXPECT_EQ(name.LabelCount(), 0u);
  Name text = FromText("previous.example");
  EXPECT_EQ(Name::FromString("abc.def..", text), WireError::kBadText);
  EXPECT_TRUE(text.IsRoot());
}

TEST(NameFromString, ParsesPlainNamesWithAndWithoutTrailingDot) {
  EXPECT_TRUE(FromText("www.example.org").IdenticalTo(FromText("www.example.org.")));
  EXPECT_EQ(FromText("www.example.org").WireLength(), 17u);
  EXPECT_TRUE(FromText(".").IsRoot());
  EXPECT_EQ(FromText(".").LabelCount(), 0u);
}

TEST(NameFromString, DecodesEscapes) {
  Name name = FromText("a\\.b.c\\065\\000");
  const std::uint8_t expected[] = {3, 'a', '.', 'b', 3, 'c', 'A', 0, 0};
  ASSERT_EQ(name.WireLength(), sizeof(expected));
  EXPECT_TRUE(std::equal(name.Wire().begin(), name.Wire().end(), expected));
  EXPECT_EQ(name.LabelCount(), 2u);
}

TEST(NameFromString, RejectsBadText) {
  Name name;
  for (std::string_view text : {"", "a..b", ".a", "..", "a\\", "\\1", "\\25", "\\256", "a.\\9x"}) {
    EXPECT_EQ(Name::FromString(text, name), WireError::kBadText) << text;
  }
}

TEST(NameFromString, RejectsLongLabelsAndNames) {
  Name name;
  EXPECT_EQ(Name::FromString(std::string(64, 'a'), name), WireError::kLabelTooLong);
  EXPECT_EQ(Name::FromString(std::string(63, 'a'), name), WireError::kOk);
  const std::string l63(63, 'a');
  EXPECT_EQ(Name::FromString(l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b'), name),
            WireError::kOk);
  EXPECT_EQ(name.WireLength(), 255u);
  EXPECT_EQ(Name::FromString(l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b') + ".", name),
            WireError::kOk);
  EXPECT_EQ(Name::FromString(l63 + "." + l63 + "." + l63 + "." + std::string(62, 'b'), name),
            WireError::kNameTooLong);
  EXPECT_EQ(Name::FromString(l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b') + ".c", name),
            WireError::kNameTooLong);
}

TEST(NameToString, EscapesLikeLdns) {
  EXPECT_EQ(FromText("a\\.b.example").ToString(), "a\\.b.example.");
  EXPECT_EQ(FromText("\\\\\\;\\(\\)").ToString(), "\\\\\\;\\(\\).");
  EXPECT_EQ(FromText("\\032x\\127\\255\\000").ToString(), "\\032x\\127\\255\\000.");
  // ldns 1.8 prints these literally.
  EXPECT_EQ(FromText("\"@$*").ToString(), "\"@$*.");
}

TEST(NameToString, RoundTripsEveryOctet) {
  for (int octet = 0; octet < 256; ++octet) {
    const std::uint8_t wire[] = {12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // header
                                 2, 'x', static_cast<std::uint8_t>(octet), 0};
    Name parsed;
    std::size_t end = 0;
    ASSERT_EQ(Name::Parse(wire, 12, parsed, &end), WireError::kOk);
    Name again;
    ASSERT_EQ(Name::FromString(parsed.ToString(), again), WireError::kOk) << parsed.ToString();
    EXPECT_TRUE(again.IdenticalTo(parsed)) << octet;
  }
}

TEST(NameCompare, IgnoresAsciiCaseOnly) {
  EXPECT_EQ(FromText("WWW.Example.ORG"), FromText("www.example.org"));
  EXPECT_FALSE(FromText("WWW.Example.ORG").IdenticalTo(FromText("www.example.org")));
  EXPECT_TRUE(FromText("WWW.Example.ORG").IdenticalTo(FromText("WWW.Example.ORG.")));
  EXPECT_FALSE(FromText("www.example.org") == FromText("www.example.com"));
  EXPECT_FALSE(FromText("a\\196") == FromText("a\\228"));  // Ä/ä in Latin-1 are not folded
  EXPECT_FALSE(FromText("ab") == FromText("a.b"));
  EXPECT_TRUE(WireNamesEqual(FromText("A.b").Wire(), FromText("a.B").Wire()));
}

TEST(NameCompare, ToLowerLowersInPlace) {
  Name name = FromText("WwW.EXAMPLE.org");
  name.ToLower();
  EXPECT_TRUE(name.IdenticalTo(FromText("www.example.org")));
}

TEST(NameSubdomain, RespectsLabelBoundaries) {
  const Name zone = FromText("example.org");
  EXPECT_TRUE(FromText("example.org").IsSubdomainOf(zone));
  EXPECT_TRUE(FromText("WWW.Example.Org").IsSubdomainOf(zone));
  EXPECT_TRUE(FromText("a.b.c.example.org").IsSubdomainOf(zone));
  EXPECT_FALSE(FromText("xexample.org").IsSubdomainOf(zone));
  EXPECT_FALSE(FromText("org").IsSubdomainOf(zone));
  EXPECT_FALSE(FromText("example.org.evil").IsSubdomainOf(zone));
  EXPECT_TRUE(FromText("anything.at.all").IsSubdomainOf(Name()));
  EXPECT_TRUE(Name().IsSubdomainOf(Name()));
  EXPECT_FALSE(Name().IsSubdomainOf(zone));
  // A label that contains the zone's wire bytes but is not on a boundary.
  EXPECT_FALSE(FromText("a\\007example\\003org").IsSubdomainOf(zone));
}

}  // namespace
}  // namespace dnsd::wire
