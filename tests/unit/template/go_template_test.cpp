// The Go text/template subset: what each supported action renders, as Go renders it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dnsd/plugins/template/go_template.hpp"

namespace dnsd::plugins::tmpl {
namespace {

struct Case {
  const char* name;
  const char* text;
  const char* rendered;  // nullptr: an execution error
};

class GoTemplateRenders : public ::testing::TestWithParam<Case> {};

TEST_P(GoTemplateRenders, AsGoDoes) {
  std::string error;
  auto t = GoTemplate::Compile(GetParam().text, &error);
  ASSERT_TRUE(t.has_value()) << error;
  const std::string_view match[] = {"ip-10-1-2.example.org.", "10", "1", ""};
  const std::vector<std::string> names = {"", "a", "b", "c"};
  QueryData data{.name = "ip-10-1-2.example.org.", .zone = "example.org.", .klass = "IN", .type = "A",
                 .regex = "^ip-(?P<a>[0-9]+)-(?P<b>[0-9]+)(?P<c>x?)", .remote = "192.0.2.1",
                 .match = match, .group_names = &names};
  std::string out = "kept ";
  const bool ok = t->Render(data, out);
  if (GetParam().rendered == nullptr) {
    EXPECT_FALSE(ok);
  } else {
    ASSERT_TRUE(ok);
    EXPECT_EQ(out, std::string("kept ") + GetParam().rendered);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Actions, GoTemplateRenders,
    ::testing::Values(
        Case{"PlainText", "x. 60 IN A 1.2.3.4", "x. 60 IN A 1.2.3.4"},
        Case{"EveryField", "{{ .Name }} {{.Zone}} {{ .Class }} {{ .Type }} {{ .Remote }}",
             "ip-10-1-2.example.org. example.org. IN A 192.0.2.1"},
        Case{"TheRegex", "{{ .Regex }}", "^ip-(?P<a>[0-9]+)-(?P<b>[0-9]+)(?P<c>x?)"},
        Case{"MatchByIndex", "{{ index .Match 0 }}|{{ index .Match 1 }}|{{index .Match 2}}",
             "ip-10-1-2.example.org.|10|1"},
        Case{"MatchOutOfRange", "{{ index .Match 9 }}", nullptr},
        Case{"NamedGroups", "10.{{ .Group.a }}.{{ .Group.b }}.1", "10.10.1.1"},
        Case{"AnEmptyGroup", "[{{ .Group.c }}]", "[]"},
        Case{"AGroupNoRegexHas", "{{ .Group.zz }}", "<no value>"},
        Case{"IndexGroupByNameAndNumber", "{{ index .Group \"a\" }} {{ index .Group \"2\" }} {{ index .Group `b` }}",
             "10 1 1"},
        Case{"ParseIntOfAHexGroup", "{{ parseInt .Group.a 16 8 }}.{{ parseInt (index .Match 2) 10 8 }}", "16.1"},
        Case{"ParseIntPrintsDecimal", "{{ parseInt .Group.a 16 8 }} {{ parseInt index .Match 2 0 0 }}", "16 1"},
        Case{"ParseIntBeyondItsBitsFails", "{{ parseInt .Group.a 10 2 }}", nullptr},
        Case{"ParseIntOfAnEmptyGroupFails", "{{ parseInt .Group.c 10 8 }}", nullptr},
        Case{"TrimMarkers", "a  {{- .Type -}}  b", "aAb"},
        Case{"AComment", "a{{/* why */}}b", "ab"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace dnsd::plugins::tmpl
