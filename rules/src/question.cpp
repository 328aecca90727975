#include "rules/question.hpp"

#include <cstring>

namespace dnsd::rules {

bool QuestionName::Assign(std::string_view text) {
  if (text.size() > kCapacity) return false;
  if (!text.empty()) std::memmove(text_.data(), text.data(), text.size());
  length_ = text.size();
  return true;
}

}  // namespace dnsd::rules
