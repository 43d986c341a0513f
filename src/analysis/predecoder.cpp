#include "analysis/predecoder.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

namespace herald::analysis {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_alnum(char c) {
  return is_digit(c) || is_lower(c) || (c >= 'A' && c <= 'Z');
}
// Wazuh's hostname_map: the characters of a host or program name.
bool is_name_char(char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '@' || c == '/' || c == '(' || c == ')';
}

// Reads one header the way OS_CleanMSG does. Wazuh splits the text by writing NUL bytes into a
// copy of it and lets each piece run to the next NUL; this scanner records those positions
// ("cuts") instead and ends every piece at the first cut after its start, which reproduces the
// same pieces, odd cases included, without modifying anything.
class HeaderScanner {
 public:
  explicit HeaderScanner(std::string_view text) : text_(text) {
    // "Mär" (UTF-8 a-umlaut, two bytes) is read as "Mar" for the date checks: the layout is
    // checked on a view one byte shorter, and positions found on it are one byte further on.
    march_umlaut_ = text_.size() >= 2 && at(1) == '\xC3' && at(2) == '\xA4';
    shift_ = march_umlaut_ ? 1 : 0;
  }

  LogHeader parse() {
    if (at(0) == '{') {
      header_.form = HeaderForm::json;
      return finish();
    }
    if (const auto advance = syslog_family_date()) {
      syslog_date_then_host(*advance);
    } else if (long_enough(28) && date_at(3) == ' ' && date_at(7) == ' ' && date_at(10) == ' ' && date_at(13) == ':' &&
               date_at(16) == ':' && date_at(19) == ' ' && date_at(24) == ' ' && date_at(26) == ' ') {
      fixed_date(HeaderForm::xferlog, 0, 24, 25);
    } else if (long_enough(24) && date_at(2) == '/' && date_at(5) == '-' && date_at(8) == ':' && date_at(11) == ':' &&
               date_at(14) == '.' && date_at(21) == ' ') {
      fixed_date(HeaderForm::snort, 0, 21, 23);
    } else if (long_enough(28) && date_at(2) == '/' && date_at(5) == '/' && date_at(10) == '-' && date_at(13) == ':' &&
               date_at(16) == ':' && date_at(19) == '.' && date_at(26) == ' ') {
      fixed_date(HeaderForm::suricata, 0, 26, 28);
    } else if (long_enough(27) && date_at(0) == '[' && date_at(4) == ' ' && date_at(8) == ' ' && date_at(11) == ' ' &&
               date_at(14) == ':' && date_at(17) == ':' && date_at(20) == ' ' && date_at(25) == ']') {
      fixed_date(HeaderForm::apache, 1, 25, 27);
    } else if (long_enough(26) && date_at(0) == '[' && date_at(1) == 'T' && date_at(5) == ' ' && date_at(10) == '.' &&
               date_at(13) == '.' && date_at(16) == ' ' && date_at(19) == ':') {
      macos_asl();
    } else if (long_enough(32) && date_at(0) == '1' && is_digit(date_at(1)) && is_digit(date_at(2)) &&
               is_digit(date_at(3)) && date_at(10) == '.' && is_digit(date_at(13)) && date_at(14) == ' ' &&
               (date_at(21) == ' ' || date_at(22) == ' ')) {
      squid();
    }
    return finish();
  }

 private:
  char at(std::size_t i) const { return i < text_.size() ? text_[i] : '\0'; }
  // The character at i of the view the date layouts are checked on.
  char date_at(std::size_t i) const {
    if (!march_umlaut_) return at(i);
    if (i == 0) return 'M';
    if (i == 1) return 'a';
    return at(i + 1);
  }
  // Wazuh compares strlen + 1 with its minimum lengths.
  bool long_enough(std::size_t minimum) const { return text_.size() + 1 > minimum; }
  std::size_t clamp(std::size_t position) const { return std::min(position, text_.size()); }

  void cut(std::size_t position) {
    if (cut_count_ < cuts_.size()) cuts_[cut_count_++] = position;
  }
  std::size_t end_from(std::size_t start) const {
    std::size_t end = text_.size();
    for (std::size_t i = 0; i < cut_count_; ++i) {
      if (cuts_[i] >= start) end = std::min(end, cuts_[i]);
    }
    return std::max(end, start);
  }

  // The advance past a date of the five layouts followed by a host and a program, if one is there.
  std::optional<std::size_t> syslog_family_date() {
    if (long_enough(17) && date_at(3) == ' ' && date_at(6) == ' ' && date_at(9) == ':' && date_at(12) == ':' &&
        date_at(15) == ' ') {
      header_.form = HeaderForm::syslog;
      return 16;
    }
    if (long_enough(24) && date_at(4) == '-' && date_at(7) == '-' && date_at(10) == ' ' && date_at(13) == ':' &&
        date_at(16) == ':' && date_at(19) == ',') {
      header_.form = HeaderForm::proftpd;
      return 24;
    }
    if (long_enough(33) && date_at(4) == '-' && date_at(7) == '-' && date_at(10) == 'T' && date_at(13) == ':' &&
        date_at(16) == ':') {
      // "...:55-04:00 ", else a fraction: ".288+00:00", ".214994-07:00", or anything 32 long.
      std::optional<std::size_t> advance;
      if (date_at(22) == ':' && date_at(25) == ' ') {
        advance = 26;
      } else if (date_at(19) == '.') {
        advance = date_at(26) == ':' ? 30 : date_at(29) == ':' ? 33 : 32;
      }
      if (advance) {
        header_.form = HeaderForm::iso8601;
        return advance;
      }
    }
    if (long_enough(21) && is_digit(date_at(0)) && date_at(4) == ' ' && date_at(8) == ' ' && date_at(11) == ' ' &&
        date_at(14) == ':' && date_at(17) == ':' && date_at(20) == ' ') {
      header_.form = HeaderForm::with_year;
      return 21;
    }
    if (long_enough(33) && is_digit(date_at(0)) && date_at(4) == '-' && date_at(7) == '-' && date_at(10) == ' ' &&
        date_at(13) == ':' && date_at(16) == ':' && date_at(19) == '.' && (date_at(26) == '-' || date_at(26) == '+') &&
        date_at(31) == ' ') {
      header_.form = HeaderForm::macos_uls;
      return 32;
    }
    return std::nullopt;
  }

  // A date of a layout with no host: the timestamp is [begin, end), the message starts at log.
  void fixed_date(HeaderForm form, std::size_t begin, std::size_t end, std::size_t log) {
    header_.form = form;
    end = clamp(end + shift_);
    cut(end);
    header_.timestamp = {true, begin, end - begin};
    log_ = clamp(log + shift_);
  }

  void syslog_date_then_host(std::size_t advance) {
    log_ = clamp(advance + shift_);
    cut(log_ - 1);
    header_.timestamp = {true, 0, log_ - 1};
    if (at(log_) == ' ') ++log_;

    std::size_t p = log_;
    const std::size_t host_start = p;
    while (is_name_char(at(p))) ++p;
    bool message_after_program = true;
    if (at(p) == ':' && at(p + 1) == ' ') {
      // Solaris 8/9: "prog: msg" with no host.
      cut(p);
      program_start_ = host_start;
      p += 2;
    } else if (at(p) != ' ') {
      message_after_program = false;  // no host: the message starts right after the date
    } else {
      cut(p);
      host_start_ = host_start;
      log_ = ++p;
      message_after_program = program(p);
    }
    if (!message_after_program) return;
    log_ = p;
    if (at(p) == '[' && at(p + 1) == 'I' && at(p + 2) == 'D' && at(p + 3) == ' ') {
      // Solaris' "[ID 123456 auth.info] ": the message starts two bytes after the ']'.
      const auto close = text_.find(']', p + 4);
      if (close != std::string_view::npos) log_ = clamp(close + 2);
    }
  }

  // "prog: ", "prog:", "prog[pid]: ", "prog[pid]:", "prog[pid] " or AIX's form, at p. True with p
  // at the message when one of them is there.
  bool program(std::size_t& p) {
    const std::size_t start = p;
    while (is_name_char(at(p))) ++p;
    if (at(p) == ':') {
      cut(p);
      program_start_ = start;
      ++p;
      if (at(p) == ' ') ++p;
      return true;
    }
    if (at(p) == '[' && is_digit(at(p + 1))) {
      std::size_t q = p + 2;
      while (is_digit(at(q))) ++q;
      if (at(q) != ']' || (at(q + 1) != ':' && at(q + 1) != ' ')) return false;
      cut(p);
      program_start_ = start;
      header_.pid = {true, p + 1, q - (p + 1)};
      if (at(q + 1) == ':') {
        q += 2;
        if (at(q) == ' ') ++q;
      } else {
        q += 2;
      }
      p = q;
      return true;
    }
    if (at(p) == '|' && is_lower(at(p + 1))) return aix_program(p);
    return false;
  }

  // AIX: "auth|security:info prog: " or "... prog[pid]: " at p (on '|').
  bool aix_program(std::size_t& p) {
    p += 2;
    while (is_alnum(at(p))) ++p;  // facility
    if (at(p) != ':') return false;
    ++p;
    while (is_alnum(at(p))) ++p;  // severity
    if (at(p) != ' ') return false;
    const std::size_t start = ++p;
    program_start_ = start;
    while (is_name_char(at(p))) ++p;
    if (at(p) == ':' && at(p + 1) == ' ') {
      cut(p);
      p += 2;
      return true;
    }
    if (at(p) == '[' && is_digit(at(p + 1))) {
      cut(p);
      const std::size_t pid_start = p + 1;
      p += 2;
      while (is_digit(at(p))) ++p;
      if (at(p) == ']' && at(p + 1) == ':' && at(p + 2) == ' ') {
        header_.pid = {true, pid_start, p - pid_start};
        p += 3;
        return true;
      }
      return false;  // Wazuh keeps the program name but not where the message starts
    }
    // Wazuh keeps going with no end written for the name: it runs to the end of the log.
    return true;
  }

  void macos_asl() {
    header_.form = HeaderForm::macos_asl;
    log_ = clamp(25 + shift_);
    bool message_seen = false;  // only the first [Message ...]: a later one could be forged
    auto cursor = text_.find('[', log_);
    while (cursor != std::string_view::npos) {
      ++cursor;
      const auto entry = text_.substr(cursor);
      if (!program_start_ && entry.starts_with("Sender ")) {
        const auto close = text_.find(']', cursor + 7);
        if (close == std::string_view::npos) break;
        program_start_ = cursor + 7;
        cut(close);
        cursor = close + 1;
      } else if (!message_seen && entry.starts_with("Message ")) {
        message_seen = true;
        log_ = cursor + 8;
        const auto close = text_.find(']', log_);
        if (close == std::string_view::npos) break;
        cut(close);
        cursor = close + 1;
      } else if (entry.starts_with("Host ")) {
        const auto close = text_.find(']', cursor + 5);
        if (close != std::string_view::npos) {
          host_start_ = cursor + 5;
          cut(close);
        }
        break;
      }
      cursor = text_.find('[', cursor);
    }
  }

  void squid() {
    header_.form = HeaderForm::squid;
    log_ = clamp(14 + shift_);
    while (at(log_) == ' ') ++log_;
    cut(log_ - 1);
    header_.timestamp = {true, 0, log_ - 1};
  }

  LogHeader finish() {
    if (host_start_) header_.hostname = {true, *host_start_, end_from(*host_start_) - *host_start_};
    if (program_start_) header_.program_name = {true, *program_start_, end_from(*program_start_) - *program_start_};
    header_.log_offset = log_;
    header_.log_length = end_from(log_) - log_;
    return header_;
  }

  std::string_view text_;
  bool march_umlaut_ = false;
  std::size_t shift_ = 0;
  std::array<std::size_t, 8> cuts_{};
  std::size_t cut_count_ = 0;
  std::optional<std::size_t> host_start_;
  std::optional<std::size_t> program_start_;
  std::size_t log_ = 0;
  LogHeader header_;
};

void assign_span(OptionalText& target, std::string_view text, const TextSpan& span) {
  if (span.present) {
    target.assign(text.substr(span.offset, span.length));
  } else {
    target.reset();
  }
}

// "[<id>] (<name>) <ip>-><path>": agent id out, Wazuh's location and hostname in.
core::Status take_agent_location(Event& event) {
  auto& location = event.location;
  const auto close = location.find(']');
  if (close == std::string::npos) {
    return core::invalid_argument("location starts with '[' but no ']' ends the agent id");
  }
  event.agent_id.assign(location, 1, close - 1);
  // Wazuh skips "] " whatever the byte after ']' is.
  location.erase(0, location.size() - close > 1 ? std::min(close + 2, location.size()) : location.size());

  if (location.empty() || location[0] != '(') {
    event.hostname.assign("");
    return core::ok_status();
  }
  const auto name_end = location.find(')');
  if (name_end == std::string::npos) {
    event.hostname.assign("");
    return core::ok_status();
  }
  const std::string_view name = std::string_view(location).substr(1, name_end - 1);
  event.hostname.assign(name);
  if (event.agent_name.empty()) event.agent_name.assign(name);
  if (event.agent_ip.empty() && name_end + 2 <= location.size()) {
    // As alerts read it: from two bytes after ')' up to the '-' of "->".
    const std::string_view rest = std::string_view(location).substr(name_end + 2);
    event.agent_ip.assign(rest.substr(0, rest.find('-')));
  }
  return core::ok_status();
}

}  // namespace

LogHeader parse_log_header(std::string_view text) {
  return HeaderScanner(text).parse();
}

core::Status predecode(Event& event, const PredecodeOptions& options) {
  std::string_view text = event.full_log;
  text = text.substr(0, text.find('\0'));
  const LogHeader header = parse_log_header(text);
  assign_span(event.timestamp, text, header.timestamp);
  assign_span(event.header_hostname, text, header.hostname);
  assign_span(event.program_name, text, header.program_name);
  assign_span(event.pid, text, header.pid);
  event.set_log(header.log_offset, header.log_length);

  if (!event.location.empty() && event.location[0] == '[') return take_agent_location(event);
  if (event.header_hostname.has_value()) {
    event.hostname.assign(event.header_hostname.view());
  } else {
    event.hostname.assign(options.manager_hostname);
  }
  event.agent_id.assign("000");
  return core::ok_status();
}

}  // namespace herald::analysis
