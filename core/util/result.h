// vh::Result<T>: a value or a vh::Error. Drivers and conf code return it; nothing in the core
// throws libvirt errors as exceptions.
#pragma once

#include <utility>
#include <variant>

#include "util/error.h"

namespace vh {

template <class T>
class [[nodiscard]] Result {
public:
    Result(const T &v) : v_(v) {}
    Result(T &&v) : v_(std::move(v)) {}
    Result(const Error &e) : v_(e) {}
    Result(Error &&e) : v_(std::move(e)) {}
    template <class U, class = std::enable_if_t<std::is_constructible_v<T, U &&> &&
                                                !std::is_same_v<std::decay_t<U>, Error> &&
                                                !std::is_same_v<std::decay_t<U>, T>>>
    Result(U &&v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}

    explicit operator bool() const { return v_.index() == 0; }
    T &operator*() & { return std::get<0>(v_); }
    T &&operator*() && { return std::get<0>(std::move(v_)); }
    T *operator->() { return &std::get<0>(v_); }
    const T &operator*() const & { return std::get<0>(v_); }
    const T *operator->() const { return &std::get<0>(v_); }
    Error &error() & { return std::get<1>(v_); }
    Error &&error() && { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(const Error &e) : e_(e), failed_(true) {}
    Result(Error &&e) : e_(std::move(e)), failed_(true) {}

    explicit operator bool() const { return !failed_; }
    Error &error() & { return e_; }
    Error &&error() && { return std::move(e_); }

private:
    Error e_;
    bool failed_ = false;
};

} // namespace vh

// Propagate a failed Result out of the current function (which returns some Result).
#define VH_TRY(expr)                                  \
    do {                                              \
        auto vh_try_ = (expr);                        \
        if (!vh_try_)                                 \
            return std::move(vh_try_).error();        \
    } while (0)

// Declare var as the value of a Result (a reference into it), or propagate its error.
#define VH_TRY_ASSIGN(var, expr)                      \
    auto vh_res_##var = (expr);                       \
    if (!vh_res_##var)                                \
        return std::move(vh_res_##var).error();       \
    auto &var = *vh_res_##var
