#include "rules/question_name.hpp"

#include <array>

#include "reverter_names.hpp"

namespace dnsd::rules {

bool ToQuestionName(const wire::Name& name, QuestionName& out) {
  // Any wire name's text fits (QuestionName's capacity is the worst case), so 0 means a bad name.
  std::array<char, QuestionName::kCapacity> text;
  const std::size_t length = detail::WireToLowerText(name.Wire(), text.data(), text.size());
  return length != 0 && out.Assign({text.data(), length});
}

}  // namespace dnsd::rules
