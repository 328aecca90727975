// Memory for an asynchronous operation that is never outstanding twice at once (a socket's wait,
// the worker's posted flush): Asio's per-thread cache holds one block, which the listener's own
// posts often hold, so without this each such operation could cost a heap allocation.
#pragma once

#include <cstddef>
#include <new>
#include <utility>

namespace dnsd::plugins::forward {

class HandlerMemory {
 public:
  void* Allocate(std::size_t size) {
    if (!in_use_ && size <= sizeof storage_) {
      in_use_ = true;
      return storage_;
    }
    return ::operator new(size);
  }
  void Deallocate(void* p) {
    if (p == storage_) {
      in_use_ = false;
    } else {
      ::operator delete(p);
    }
  }

 private:
  alignas(std::max_align_t) unsigned char storage_[256];
  bool in_use_ = false;
};

template <typename T>
class HandlerAllocator {
 public:
  using value_type = T;
  explicit HandlerAllocator(HandlerMemory& memory) : memory_(&memory) {}
  template <typename U>
  HandlerAllocator(const HandlerAllocator<U>& other) : memory_(other.memory_) {}  // NOLINT(google-explicit-constructor)
  T* allocate(std::size_t n) { return static_cast<T*>(memory_->Allocate(sizeof(T) * n)); }
  void deallocate(T* p, std::size_t) { memory_->Deallocate(p); }
  bool operator==(const HandlerAllocator& other) const { return memory_ == other.memory_; }

 private:
  template <typename>
  friend class HandlerAllocator;
  HandlerMemory* memory_;
};

// `handler` with its operation's memory taken from `memory`, which must outlive the operation
// (the handler usually keeps its owner alive).
template <typename Handler>
class WithMemory {
 public:
  using allocator_type = HandlerAllocator<Handler>;
  WithMemory(HandlerMemory& memory, Handler handler) : memory_(memory), handler_(std::move(handler)) {}
  allocator_type get_allocator() const noexcept { return allocator_type(memory_); }
  template <typename... Args>
  void operator()(Args&&... args) {
    handler_(std::forward<Args>(args)...);
  }

 private:
  HandlerMemory& memory_;
  Handler handler_;
};

}  // namespace dnsd::plugins::forward
