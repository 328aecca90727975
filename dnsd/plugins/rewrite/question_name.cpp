#include "dnsd/plugins/rewrite/question_name.hpp"

#include <array>

namespace dnsd::plugins::rewrite {
namespace {

char LowerAscii(std::uint8_t c) {
  return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

bool NeedsBackslash(std::uint8_t c) {
  return c == '.' || c == ';' || c == '(' || c == ')' || c == '\\';
}

}  // namespace

bool ToQuestionName(const wire::Name& name, rules::QuestionName& out) {
  std::array<char, rules::QuestionName::kCapacity> text;
  std::size_t length = 0;
  auto wire = name.Wire();
  if (name.IsRoot()) {
    text[length++] = '.';
  } else {
    for (std::size_t pos = 0; wire[pos] != 0;) {
      const std::size_t label_end = pos + 1 + wire[pos];
      for (std::size_t i = pos + 1; i < label_end; ++i) {
        const std::uint8_t c = wire[i];
        if (length + 5 > text.size()) return false;
        if (NeedsBackslash(c)) {
          text[length++] = '\\';
          text[length++] = static_cast<char>(c);
        } else if (c > 0x20 && c < 0x7f) {
          text[length++] = LowerAscii(c);
        } else {
          text[length++] = '\\';
          text[length++] = static_cast<char>('0' + c / 100);
          text[length++] = static_cast<char>('0' + c / 10 % 10);
          text[length++] = static_cast<char>('0' + c % 10);
        }
      }
      text[length++] = '.';
      pos = label_end;
    }
  }
  return out.Assign({text.data(), length});
}

}  // namespace dnsd::plugins::rewrite
