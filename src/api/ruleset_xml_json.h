#pragma once
// A ruleset XML file as JSON, the way the Wazuh API answers GET /rules/files/{filename} without
// raw=true (xmltodict): attributes as "@name", text next to attributes or children as "#text",
// an element without either as its text, repeated names as arrays.
#include <boost/json/value.hpp>
#include <string_view>

#include "core/result.h"

namespace herald::api {

core::Result<boost::json::value> ruleset_xml_to_json(std::string_view text, std::string_view file_name);

}  // namespace herald::api
