// Replaces the global operator new/delete of the test binary whose ONE source file includes this
// header, counting every allocation, so a test can assert that a hot path does not allocate.
//
// GCC 12 flags malloc/free inside a replaced operator new/delete pair as mismatched once it
// inlines them into library code; the pair is matched by construction.
#pragma once
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <atomic>
#include <cstdlib>
#include <new>

namespace dnsd::testing {
inline std::atomic<long> g_allocations{0};
}  // namespace dnsd::testing

void* operator new(std::size_t size) {
  dnsd::testing::g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
// The nothrow forms too (std::stable_sort's temporary buffer takes one and gives it back through
// the sized delete above): under ASan an unreplaced one comes from ASan's operator new, and the
// free() above reports that as an alloc-dealloc mismatch.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  dnsd::testing::g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
