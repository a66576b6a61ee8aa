// Recoverable failures travel as values (Expected<T>); exceptions are for the
// truly fatal. An Error carries a stable kind for the exit code and a message
// in both languages.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "core/text.h"

namespace caora {

enum class ErrorKind {
  Usage,           // bad arguments or unknown code -> exit 2
  NotFound,        // file, root, device missing
  Permission,      // access denied
  Parse,           // malformed file
  Encoding,        // undecodable text
  Locked,          // another caora holds the site lock
  Unsupported,     // not possible on this backend or platform
  NeedsTechnician, // confirmation needed but no terminal -> exit 3
  Io,              // other I/O failure
  Internal,
};

struct Error {
  ErrorKind kind = ErrorKind::Internal;
  Text message;
};

inline Error make_error(ErrorKind kind, std::string ja, std::string en) {
  return Error{kind, Text{std::move(ja), std::move(en)}};
}

template <typename T>
class Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}
  Expected(Error error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that return nothing on success.
struct Done {};
using Status = Expected<Done>;
inline Status ok_status() { return Done{}; }

}  // namespace caora
