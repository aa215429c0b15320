#pragma once
// Result<T, E>: a value or an error value, for failures users can cause. The one result type of
// the code base: E is Error (a message) in the core, the D-Bus contract's refusal in chiefd's
// control API, and chiefctl's ClientError in the client.

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace chief {

// The plain error: a complete, human-readable sentence fragment.
struct Error {
    std::string message;
};

inline Error makeError(std::string message) { return Error{std::move(message)}; }

// Holds either a T or an E; callers check ok() before value() or error().
template <typename T, typename E = Error>
class Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T& value() const& { assert(ok()); return std::get<0>(state_); }
    T& value() & { assert(ok()); return std::get<0>(state_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }

    // The error itself; for Result<T> (E = Error) error() is its message, as callers print it.
    const E& failure() const { assert(!ok()); return std::get<1>(state_); }
    decltype(auto) error() const {
        assert(!ok());
        if constexpr (std::is_same_v<E, Error>)
            return static_cast<const std::string&>(std::get<1>(state_).message);
        else
            return static_cast<const E&>(std::get<1>(state_));
    }

private:
    std::variant<T, E> state_;
};

}  // namespace chief
