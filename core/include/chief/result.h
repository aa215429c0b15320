#pragma once
// Result<T>: a value or a user-facing error message, for failures users can cause.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace chief {

// The error half of a Result: a complete, human-readable sentence fragment.
struct Error {
    std::string message;
};

inline Error makeError(std::string message) { return Error{std::move(message)}; }

// Holds either a T or an Error; callers must check ok() before value().
template <typename T>
class Result {
public:
    Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { assert(ok()); return std::get<T>(state_); }
    T& value() & { assert(ok()); return std::get<T>(state_); }
    T&& value() && { assert(ok()); return std::get<T>(std::move(state_)); }
    const std::string& error() const { assert(!ok()); return std::get<Error>(state_).message; }

private:
    std::variant<T, Error> state_;
};

}  // namespace chief
