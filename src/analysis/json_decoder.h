#pragma once
// Wazuh's JSON_Decoder plugin: the fields of a JSON log, flattened into an Event.
//
//  * Object members become fields named by their path: {"a":{"b":1}} gives "a.b". A member
//    whose full path is one of Wazuh's JSON static names (srcip dstip srcport dstport protocol
//    action srcuser dstuser id status url data extra_data systemname, exact case) sets that
//    static field (the last value wins); "user" sets dstuser only while dstuser is unset or
//    empty. Every other member is appended as a dynamic field (duplicates kept, up to the
//    event's limit).
//  * Strings keep their bytes; true/false/null are "true"/"false"/"null" (null is dropped with
//    json_null_field "discard"); a number is "%i" of its integer view when that equals it, else
//    "%f" of it, cut to 63 characters.
//  * An array is, by default (json_array_structure "array"), the text cJSON_Print gives it
//    ("[1, \"a\"]", objects inside printed over several lines); with "csv" the strings, numbers,
//    booleans and nulls it holds joined by "," (objects and arrays inside skipped), dropped when
//    the joined text would reach 65536 bytes. Nested arrays are not descended into.
//  * The root must be an object for anything to be decoded; an unparsable input decodes nothing.
// See decoder_json_text.h for what counts as JSON.
#include <cstddef>
#include <string_view>

namespace herald::analysis {

class Event;
class JsonDocument;

enum class JsonNullField : unsigned char { string, discard };
enum class JsonArrayStructure : unsigned char { array, csv };

struct JsonDecodeOptions {
  JsonNullField null_field = JsonNullField::string;
  JsonArrayStructure array_structure = JsonArrayStructure::array;
};

// The longest array text kept in "array" mode: cJSON_Print indents nested objects by their
// depth, so a deeply nested input could print far larger than it is. Longer arrays are dropped
// (Wazuh keeps them whole).
inline constexpr std::size_t kMaxJsonArrayText = 1 << 20;

// Decodes `input` into `event`. `scratch` is a reusable parse buffer (one per worker).
void decode_json(std::string_view input, const JsonDecodeOptions& options, Event& event, JsonDocument& scratch);

}  // namespace herald::analysis
