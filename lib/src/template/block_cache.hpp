// Blocks of one size kept for reuse: what the shared payloads of values (tuples, lists,
// dicts) are made in.
//
// Evaluation makes and drops such payloads by the thousand: dictsort makes a pair per
// entry, split a list per call, and all of them end together. glibc's malloc keeps only
// seven freed blocks of a size at hand (tcache); past them a free of a block above its
// fast-bin size merges it with its neighbours, and the next render splits them again.
// CPython keeps free lists of tuples for the same reason.
//
// A cache is per thread and per block size. A block freed on another thread than the one
// that made it joins that thread's cache: every block comes from operator new and goes
// back to operator delete, so which cache holds it does not matter. At most `limit`
// blocks wait in a cache; the rest are freed. A thread's cache is freed when it ends.
#pragma once

#include <cstddef>
#include <new>

namespace slap::tmpl {

template <std::size_t Size>
class BlockCache {
 public:
  static constexpr std::size_t limit = 16384;

  static BlockCache& local() noexcept {
    thread_local BlockCache cache;
    return cache;
  }
  BlockCache() = default;
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;
  ~BlockCache() {
    while (head_) {
      Node* n = head_;
      head_ = n->next;
      ::operator delete(n, Size);
    }
    count_ = limit;  // a value that ends after the thread's cache (a static one) is freed, not kept
  }

  void* take() {
    if (Node* n = head_) {
      head_ = n->next;
      --count_;
      return n;
    }
    return ::operator new(Size);
  }
  void give(void* p) noexcept {
    if (count_ == limit) {
      ::operator delete(p, Size);
      return;
    }
    head_ = new (p) Node{head_};
    ++count_;
  }

 private:
  struct Node {
    Node* next;
  };
  static_assert(Size >= sizeof(Node));
  Node* head_ = nullptr;
  std::size_t count_ = 0;
};

// An allocator for std::allocate_shared: single objects (the control block and the value
// together) come from the cache of their size, arrays from operator new.
template <class T>
struct CachedAllocator {
  using value_type = T;
  CachedAllocator() noexcept = default;
  template <class U>
  CachedAllocator(const CachedAllocator<U>&) noexcept {}

  static constexpr std::size_t block = (sizeof(T) + 15) / 16 * 16;

  T* allocate(std::size_t n) {
    if (n == 1) return static_cast<T*>(BlockCache<block>::local().take());
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n == 1) BlockCache<block>::local().give(p);
    else ::operator delete(p, n * sizeof(T));
  }
  template <class U>
  bool operator==(const CachedAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace slap::tmpl
