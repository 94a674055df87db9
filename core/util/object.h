// Reference-counted objects handed to C callers (virConnectPtr, virDomainPtr, ...).
//
// Counts are atomic, so handles may be shared across threads. A handle's memory is never
// returned to malloc: on destruction its magic is cleared and the block goes back to a
// per-type pool, so a stale (freed) pointer passed back to the API reads as invalid and gets
// libvirt's VIR_ERR_INVALID_* error instead of crashing.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

namespace vh {

// The magic word of a handle, in a base of its own: checking a stale pointer reads only this
// plain field, never the (dead) object's virtual parts.
struct Magic {
    explicit Magic(uint32_t v) : magic_(v) {}
    std::atomic<uint32_t> magic_;
};

class Object : public Magic {
public:
    Object(const Object &) = delete;
    Object &operator=(const Object &) = delete;

    void ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
    // Drops one reference; returns how many remain (0: the object is gone).
    int unref() noexcept
    {
        int left = refs_.fetch_sub(1, std::memory_order_acq_rel) - 1;
        if (left == 0)
            delete this;
        return left;
    }
    int refs() const noexcept { return refs_.load(std::memory_order_relaxed); }
protected:
    explicit Object(uint32_t magic) : Magic(magic) {}
    virtual ~Object() { magic_.store(0, std::memory_order_release); }

private:
    std::atomic<int> refs_{1};
};

// Gives T a pool allocator: freed blocks are kept for the next T, never unmapped.
template <class T>
class Pooled {
public:
    static void *operator new(std::size_t n)
    {
        Pool &p = pool();
        {
            std::lock_guard<std::mutex> g(p.lock);
            if (n == sizeof(T) && !p.free.empty()) {
                void *b = p.free.back();
                p.free.pop_back();
                return b;
            }
        }
        return ::operator new(n);
    }
    static void operator delete(void *b, std::size_t n)
    {
        if (n != sizeof(T)) {
            ::operator delete(b);
            return;
        }
        Pool &p = pool();
        std::lock_guard<std::mutex> g(p.lock);
        p.free.push_back(b);
    }

private:
    struct Pool {
        std::mutex lock;
        std::vector<void *> free;
    };
    static Pool &pool()
    {
        static Pool *p = new Pool;   // never destroyed: handles may be freed during exit
        return *p;
    }
};

// True when p points to a live T.
template <class T>
bool alive(const T *p) noexcept
{
    const Magic *m = p;
    return p && m->magic_.load(std::memory_order_acquire) == T::kMagic;
}

// An owning pointer to an Object (an intrusive shared pointer).
template <class T>
class Ref {
public:
    Ref() = default;
    // Adopts one reference the caller already holds.
    static Ref adopt(T *p) { return Ref(p); }
    // Takes a new reference.
    static Ref share(T *p)
    {
        if (p)
            p->ref();
        return Ref(p);
    }
    Ref(const Ref &o) : p_(o.p_)
    {
        if (p_)
            p_->ref();
    }
    Ref(Ref &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    Ref &operator=(Ref o) noexcept
    {
        std::swap(p_, o.p_);
        return *this;
    }
    ~Ref()
    {
        if (p_)
            p_->unref();
    }

    T *get() const { return p_; }
    T *operator->() const { return p_; }
    T &operator*() const { return *p_; }
    explicit operator bool() const { return p_ != nullptr; }
    // Hands the reference to the caller (a C API return value).
    T *release() { return std::exchange(p_, nullptr); }

private:
    explicit Ref(T *p) : p_(p) {}
    T *p_ = nullptr;
};

} // namespace vh
