#pragma once
// What a request says its body is. One check for every route that reads a JSON body.
#include <string_view>

#include "http/message.h"

namespace herald::api {

// The media type of Content-Type, lower-cased, without parameters ("" when absent).
std::string media_type(const http::Request& request);
// True when the body is declared as JSON (application/json, any case, any parameters such as
// charset).
bool declares_json(const http::Request& request);

}  // namespace herald::api
