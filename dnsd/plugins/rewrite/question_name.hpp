// The query name as rules see it: presentation form, lower case, fully qualified, escaped as
// wire::Name::ToString does. Written without heap allocation (it runs per query).
#pragma once

#include "dnsd/wire/name.hpp"
#include "rules/question.hpp"

namespace dnsd::plugins::rewrite {

// False when the text does not fit QuestionName.
bool ToQuestionName(const wire::Name& name, rules::QuestionName& out);

}  // namespace dnsd::plugins::rewrite
