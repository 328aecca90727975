// The query name as rules see it: presentation form, lower case, fully qualified, escaped as
// wire::Name::ToString does. Written without heap allocation (it runs per query).
#pragma once

#include "dnsd/wire/name.hpp"
#include "rules/question.hpp"

namespace dnsd::rules {

// False when the text does not fit QuestionName.
bool ToQuestionName(const wire::Name& name, QuestionName& out);

}  // namespace dnsd::rules
