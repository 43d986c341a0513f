#include "analysis/ruleset_sources.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace herald::analysis {

namespace fs = std::filesystem;

namespace {

bool excluded(const std::vector<std::string>& names, std::string_view file_name) {
  return std::find(names.begin(), names.end(), file_name) != names.end();
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_list_file_name(std::string_view name) { return !name.empty() && name.front() != '.' && !ends_with(name, ".cdb"); }

core::Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::unavailable("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return core::unavailable("cannot read " + path.string());
  return text.str();
}

// The regular files directly in `directory`, sorted by name (bytewise, as Wazuh sorts them).
core::Result<std::vector<fs::path>> files_in(const fs::path& directory) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) return core::unavailable("cannot read " + directory.string() + ": " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename().string() < b.filename().string(); });
  return files;
}

void add_xml(RulesetSources& sources, RulesetFile file, std::string_view file_name, const RulesetExcludes& excludes) {
  if (is_decoder_file(file.text)) {
    if (!excluded(excludes.decoder_files, file_name)) sources.decoders.push_back(std::move(file));
  } else if (!excluded(excludes.rule_files, file_name)) {
    sources.rules.push_back(std::move(file));
  }
}

core::Status add_xml_files(RulesetSources& sources, const fs::path& directory, const RulesetExcludes& excludes,
                           std::size_t& found) {
  auto files = files_in(directory);
  if (!files) return files.error();
  for (const auto& path : *files) {
    const std::string name = path.filename().string();
    if (!ends_with(name, ".xml")) continue;
    auto text = read_file(path);
    if (!text) return text.error();
    ++found;
    add_xml(sources, RulesetFile{path.string(), std::move(*text)}, name, excludes);
  }
  return core::ok_status();
}

core::Status add_lists(RulesetSources& sources, const fs::path& lists_directory, std::size_t& found) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(lists_directory, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && is_list_file_name(it->path().filename().string())) files.push_back(it->path());
  }
  if (ec) return core::unavailable("cannot read " + lists_directory.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    auto text = read_file(path);
    if (!text) return text.error();
    ++found;
    const std::string relative = path.lexically_relative(lists_directory).generic_string();
    sources.lists.push_back(RulesetFile{list_reference_name(relative), std::move(*text)});
  }
  return core::ok_status();
}

}  // namespace

bool is_decoder_file(std::string_view text) {
  std::size_t at = 0;
  for (;;) {
    at = text.find('<', at);
    if (at == std::string_view::npos) return false;
    const std::string_view rest = text.substr(at + 1);
    if (rest.starts_with("!--")) {
      at = text.find("-->", at);
      if (at == std::string_view::npos) return false;
      at += 3;
      continue;
    }
    if (rest.starts_with("?") || rest.starts_with("!")) {
      at = text.find('>', at);
      if (at == std::string_view::npos) return false;
      at += 1;
      continue;
    }
    std::size_t name_end = 0;
    while (name_end < rest.size() && rest[name_end] != '>' && rest[name_end] != '/' &&
           !std::isspace(static_cast<unsigned char>(rest[name_end]))) {
      ++name_end;
    }
    const std::string_view name = rest.substr(0, name_end);
    if (name == "var") {
      at = text.find("</var>", at);
      if (at == std::string_view::npos) return false;
      at += 6;
      continue;
    }
    return name == "decoder";
  }
}

std::string list_reference_name(std::string_view relative_path) { return "etc/lists/" + std::string(relative_path); }

core::Status add_directory(RulesetSources& sources, const std::string& directory, const RulesetExcludes& excludes) {
  std::error_code ec;
  const fs::path root(directory);
  if (!fs::exists(root, ec)) return core::not_found("ruleset directory " + directory + " does not exist");
  if (!fs::is_directory(root, ec)) return core::invalid_argument("ruleset directory " + directory + " is not a directory");
  std::size_t found = 0;
  if (root.filename() == "lists" || (root.filename().empty() && root.parent_path().filename() == "lists")) {
    if (auto added = add_lists(sources, root, found); !added) return added;
  } else {
    if (auto added = add_xml_files(sources, root, excludes, found); !added) return added;
    for (const char* kind : {"decoders", "rules"}) {
      if (fs::is_directory(root / kind, ec)) {
        if (auto added = add_xml_files(sources, root / kind, excludes, found); !added) return added;
      }
    }
    if (fs::is_directory(root / "lists", ec)) {
      if (auto added = add_lists(sources, root / "lists", found); !added) return added;
    }
  }
  if (found == 0) {
    return core::invalid_argument("ruleset directory " + directory +
                                  " holds no ruleset file (XML decoders or rules, or CDB lists under lists/)");
  }
  return core::ok_status();
}

void add_embedded(RulesetSources& sources, std::span<const EmbeddedFile> files, const std::string& label,
                  const RulesetExcludes& excludes) {
  std::vector<const EmbeddedFile*> sorted;
  for (const auto& file : files) sorted.push_back(&file);
  std::sort(sorted.begin(), sorted.end(), [](const EmbeddedFile* a, const EmbeddedFile* b) { return a->path < b->path; });
  for (const auto* file : sorted) {
    const std::string_view path = file->path;
    const std::string_view name = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
    if (path.starts_with("lists/")) {
      if (is_list_file_name(name)) {
        sources.lists.push_back(RulesetFile{list_reference_name(path.substr(6)), std::string(file->content)});
      }
    } else if (ends_with(path, ".xml")) {
      add_xml(sources, RulesetFile{label + "/" + std::string(path), std::string(file->content)}, name, excludes);
    }
  }
}

}  // namespace herald::analysis
