#pragma once
// A file built into the binary (cmake/EmbedFiles.cmake): Herald's default ruleset, the
// dashboard's static files.
#include <span>
#include <string_view>

namespace herald {

struct EmbeddedFile {
  std::string_view path;     // relative to the embedded folder, '/'-separated
  std::string_view content;  // the bytes, not NUL-terminated in the view
};

}  // namespace herald
