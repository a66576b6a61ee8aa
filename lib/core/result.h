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

// Passing an error up is the common case; these keep it to one line (as in
// ccache's util/expected.hpp). The enclosing function returns an Expected or
// a Status.
//   TRY(write_file_atomic(path, bytes));
//   TRY_ASSIGN(auto lock, SiteLock::acquire(dir));   // declares `lock`
#define TRY(expr_)                                 \
  do {                                             \
    auto&& caora_try_ = (expr_);                   \
    if (!caora_try_) return caora_try_.error();    \
  } while (false)

#define CAORA_TRY_CAT2_(a_, b_) a_##b_
#define CAORA_TRY_CAT_(a_, b_) CAORA_TRY_CAT2_(a_, b_)
#define CAORA_TRY_ASSIGN_(tmp_, decl_, expr_)      \
  auto tmp_ = (expr_);                             \
  if (!tmp_) return tmp_.error();                  \
  decl_ = std::move(*tmp_)
#define TRY_ASSIGN(decl_, expr_) CAORA_TRY_ASSIGN_(CAORA_TRY_CAT_(caora_try_, __LINE__), decl_, expr_)

}  // namespace caora
