#include "cli/client_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "cli/failure.h"

namespace herald::cli {

namespace {

std::string scalar(const YAML::Node& value, const std::string& key, const std::string& source) {
  if (!value.IsScalar()) throw bad_arguments(source + ": '" + key + "' must be a string");
  return value.as<std::string>();
}

bool boolean(const YAML::Node& value, const std::string& key, const std::string& source) {
  bool result = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, result)) {
    throw bad_arguments(source + ": '" + key + "' must be true or false");
  }
  return result;
}

}  // namespace

ClientConfig parse_client_config(const std::string& yaml_text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw bad_arguments(source + ": invalid YAML: " + e.what());
  }
  ClientConfig config;
  if (root.IsNull()) return config;
  if (!root.IsMap()) throw bad_arguments(source + ": expected a mapping of url, user, password, insecure, ca_file");
  for (const auto& entry : root) {
    if (!entry.first.IsScalar()) throw bad_arguments(source + ": keys must be strings");
    auto key = entry.first.as<std::string>();
    const auto& value = entry.second;
    if (key == "url") {
      config.url = scalar(value, key, source);
    } else if (key == "user") {
      config.user = scalar(value, key, source);
    } else if (key == "password") {
      config.password = scalar(value, key, source);
    } else if (key == "insecure") {
      config.insecure = boolean(value, key, source);
    } else if (key == "ca_file") {
      config.ca_file = scalar(value, key, source);
    } else {
      throw bad_arguments(source + ": unknown key '" + key + "' (expected url, user, password, insecure, ca_file)");
    }
  }
  return config;
}

ClientConfig load_client_config(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) throw bad_arguments("cannot read client config file " + path.string());
  std::stringstream text;
  text << file.rdbuf();
  return parse_client_config(text.str(), path.string());
}

}  // namespace herald::cli
