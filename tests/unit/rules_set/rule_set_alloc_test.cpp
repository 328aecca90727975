// RuleSet::Evaluate is on the hot path: it must not allocate. This binary replaces the global
// operator new to count allocations made while a guard is active.
// GCC flags malloc/free inside a replaced operator new/delete pair as mismatched; they are a pair.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "rule_builders.hpp"

namespace {
thread_local bool counting = false;
thread_local int allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
// The nothrow forms too (std::stable_sort's temporary buffer takes one and gives it back through
// the sized delete above): under ASan an unreplaced one comes from ASan's operator new, and the
// free() above reports that as an alloc-dealloc mismatch.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (counting) ++allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace dnsd::rules::test {
namespace {

TEST(RuleSetEvaluate, AllocationCounterWorks) {
  counting = true;
  void* p = ::operator new(16);  // a direct call: not elidable like a new-expression
  counting = false;
  ::operator delete(p);
  EXPECT_EQ(allocations, 1);
  allocations = 0;
}

TEST(RuleSetEvaluate, DoesNotAllocate) {
  allocations = 0;
  auto compiled = RuleSet::Compile(Numbered({
      TypeRuleOf(255, 13, Mode::kContinue),
      NameRuleOf(MatchKind::kExact, "a.marathon.mesos.", "a.ns-default.svc.cluster.local."),
      NameRuleOf(MatchKind::kSuffix, ".marathon.mesos.", ".mesos.internal.", Mode::kContinue),
      NameRuleOf(MatchKind::kSuffix, "l.mesos.internal.", ".x.", Mode::kContinue),
      NameRuleOf(MatchKind::kPrefix, "old.", "svc1."),
      NameRuleOf(MatchKind::kSubstring, ".legacy.", ".svc."),
      TtlRuleOf(MatchKind::kSuffix, ".internal.", 5),
      NameRuleOf(MatchKind::kExact, "a.", std::string(64, 'x') + "."),
  }));
  ASSERT_TRUE(compiled.ok());
  Outcome out;
  int rewritten = 0;
  for (const char* name : {"a.marathon.mesos.", "b.c.marathon.mesos.", "old.ns.", "x.legacy.y.", "miss.example.",
                           "a.", "."}) {
    Question q = QuestionOf(name, 255);
    counting = true;
    compiled.rule_set->Evaluate(q, out);
    counting = false;
    rewritten += out.status != Outcome::Status::kNoMatch;
  }
  EXPECT_EQ(allocations, 0);
  EXPECT_EQ(rewritten, 7);  // the type rule applies to every name
}

}  // namespace
}  // namespace dnsd::rules::test
