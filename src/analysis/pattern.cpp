#include "analysis/pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>

namespace herald::analysis {

struct Pattern::Pcre2 {
  pcre2_code* code = nullptr;
  std::uint32_t groups = 0;

  Pcre2() = default;
  Pcre2(const Pcre2&) = delete;
  Pcre2& operator=(const Pcre2&) = delete;
  ~Pcre2() { pcre2_code_free(code); }
};

namespace {

// Match data, a match context with the limit and a JIT stack, made once per thread and grown
// when a pattern needs more groups than any before: Pattern stays immutable and shareable.
class Pcre2Scratch {
 public:
  Pcre2Scratch() {
    context_ = pcre2_match_context_create(nullptr);
    if (context_ != nullptr) {
      pcre2_set_match_limit(context_, kPcre2MatchLimit);
      pcre2_set_depth_limit(context_, kPcre2MatchLimit);
      // JIT code runs on its own stack; the default 32 KiB is short for long subjects.
      jit_stack_ = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, nullptr);
      if (jit_stack_ != nullptr) pcre2_jit_stack_assign(context_, nullptr, jit_stack_);
    }
  }
  Pcre2Scratch(const Pcre2Scratch&) = delete;
  Pcre2Scratch& operator=(const Pcre2Scratch&) = delete;
  ~Pcre2Scratch() {
    pcre2_match_data_free(data_);
    pcre2_jit_stack_free(jit_stack_);
    pcre2_match_context_free(context_);
  }

  // Match data with room for `pairs` offset pairs, or null when out of memory.
  pcre2_match_data* data(std::uint32_t pairs) {
    if (data_ == nullptr || pairs_ < pairs) {
      pcre2_match_data_free(data_);
      data_ = pcre2_match_data_create(pairs, nullptr);
      pairs_ = data_ != nullptr ? pairs : 0;
    }
    return data_;
  }
  pcre2_match_context* context() const { return context_; }

 private:
  pcre2_match_context* context_ = nullptr;
  pcre2_jit_stack* jit_stack_ = nullptr;
  pcre2_match_data* data_ = nullptr;
  std::uint32_t pairs_ = 0;
};

Pcre2Scratch& pcre2_scratch() {
  thread_local Pcre2Scratch scratch;
  return scratch;
}

std::string pcre2_message(int code) {
  std::array<PCRE2_UCHAR, 256> buffer{};
  const int length = pcre2_get_error_message(code, buffer.data(), buffer.size());
  if (length < 0) return "error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buffer.data()), static_cast<std::size_t>(length));
}

}  // namespace

core::Result<PatternType> parse_pattern_type(std::string_view text) {
  if (nocase::equal(text, "osregex")) return PatternType::osregex;
  if (nocase::equal(text, "osmatch")) return PatternType::osmatch;
  if (nocase::equal(text, "pcre2")) return PatternType::pcre2;
  return core::invalid_argument("unknown pattern type '" + std::string(text) +
                                "' (expected osregex, osmatch or pcre2)");
}

std::string_view to_string(PatternType type) {
  switch (type) {
    case PatternType::osregex:
      return "osregex";
    case PatternType::osmatch:
      return "osmatch";
    case PatternType::pcre2:
      return "pcre2";
  }
  return "osregex";
}

core::Result<Pattern> Pattern::compile(std::string_view pattern, PatternType type, bool negate) {
  Pattern compiled;
  compiled.type_ = type;
  compiled.negated_ = negate;
  compiled.source_ = std::string(pattern);
  switch (type) {
    case PatternType::osregex: {
      auto regex = OsRegex::compile(pattern);
      if (!regex) return regex.error();
      compiled.engine_ = std::move(regex).value();
      break;
    }
    case PatternType::osmatch: {
      auto match = OsMatch::compile(pattern);
      if (!match) return match.error();
      compiled.engine_ = std::move(match).value();
      break;
    }
    case PatternType::pcre2: {
      int error_code = 0;
      PCRE2_SIZE error_offset = 0;
      auto code = std::make_shared<Pcre2>();
      code->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0, &error_code,
                                 &error_offset, nullptr);
      if (code->code == nullptr) {
        return core::invalid_argument("PCRE2 '" + std::string(pattern) + "': " + pcre2_message(error_code) +
                                      " at offset " + std::to_string(error_offset));
      }
      // Without JIT (not built in, or out of memory) the interpreter runs the same pattern.
      (void)pcre2_jit_compile(code->code, PCRE2_JIT_COMPLETE);
      pcre2_pattern_info(code->code, PCRE2_INFO_CAPTURECOUNT, &code->groups);
      compiled.engine_ = std::shared_ptr<const Pcre2>(std::move(code));
      break;
    }
  }
  return compiled;
}

std::size_t Pattern::capture_count() const {
  if (const auto* regex = std::get_if<OsRegex>(&engine_)) return regex->capture_count();
  if (const auto* pcre = std::get_if<std::shared_ptr<const Pcre2>>(&engine_)) return (*pcre)->groups;
  return 0;
}

bool Pattern::matches(std::string_view subject) const {
  return search_engine(subject, nullptr, nullptr) != negated_;
}

bool Pattern::search(std::string_view subject, Captures* captures, std::size_t* match_end) const {
  if (captures != nullptr) captures->clear();
  if (match_end != nullptr) *match_end = 0;
  if (negated_) return !search_engine(subject, nullptr, nullptr);
  return search_engine(subject, captures, match_end);
}

bool Pattern::search_engine(std::string_view subject, Captures* captures, std::size_t* match_end) const {
  if (const auto* regex = std::get_if<OsRegex>(&engine_)) return regex->search(subject, captures, match_end);
  if (const auto* match = std::get_if<OsMatch>(&engine_)) return match->matches(subject);
  const auto* pcre = std::get_if<std::shared_ptr<const Pcre2>>(&engine_);
  if (pcre == nullptr) return false;
  const Pcre2& compiled = **pcre;
  Pcre2Scratch& scratch = pcre2_scratch();
  pcre2_match_data* data = scratch.data(compiled.groups + 1);
  if (data == nullptr) return false;
  // A negative result is no match, a hit limit or an internal error: all "no match" to a rule.
  const int result = pcre2_match(compiled.code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0,
                                 data, scratch.context());
  if (result <= 0) return false;
  const PCRE2_SIZE* offsets = pcre2_get_ovector_pointer(data);
  if (match_end != nullptr) *match_end = offsets[1];
  if (captures != nullptr) {
    // `result` is one more than the highest group that took part; Wazuh passes groups up to it.
    captures->reserve(static_cast<std::size_t>(result - 1));
    for (int group = 1; group < result; ++group) {
      const PCRE2_SIZE start = offsets[2 * group];
      const PCRE2_SIZE end = offsets[2 * group + 1];
      if (start == PCRE2_UNSET || end < start) {
        captures->push_back(subject.substr(0, 0));
      } else {
        captures->push_back(subject.substr(start, end - start));
      }
    }
  }
  return true;
}

}  // namespace herald::analysis
