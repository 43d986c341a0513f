#pragma once
// Invariant checks for the fuzz targets: a broken invariant prints what broke and aborts, which
// libFuzzer reports as a crash (and saves the input under -artifact_prefix).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#define FUZZ_CHECK(condition, what)                                                                            \
  do {                                                                                                         \
    if (!(condition)) {                                                                                        \
      std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s (%s)\n", __FILE__, __LINE__, what, #condition); \
      std::abort();                                                                                            \
    }                                                                                                          \
  } while (false)

namespace herald::fuzz {

// The functions under test promise to report errors as values: an exception reaching the fuzz
// target is a finding.
[[noreturn]] inline void escaped(const char* where, const std::exception* e) {
  std::fprintf(stderr, "fuzz: an exception escaped %s: %s\n", where, e != nullptr ? e->what() : "(not std::exception)");
  std::abort();
}

inline std::string_view as_text(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace herald::fuzz

// Wraps a call that must not throw.
#define FUZZ_NO_THROW(where, ...)              \
  [&]() -> decltype(auto) {                    \
    try {                                      \
      return __VA_ARGS__;                      \
    } catch (const std::exception& e) {        \
      ::herald::fuzz::escaped(where, &e);      \
    } catch (...) {                            \
      ::herald::fuzz::escaped(where, nullptr); \
    }                                          \
  }()
