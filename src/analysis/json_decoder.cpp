#include "analysis/json_decoder.h"

#include <cstdio>
#include <string>

#include "analysis/decoder_json_text.h"
#include "analysis/event.h"

namespace herald::analysis {
namespace {

// Wazuh's OS_MAXSTR: the buffer the "csv" array text is built in.
constexpr std::size_t kCsvLimit = 65536;

// The text Wazuh's JSON decoder gives a number, and the length snprintf reports for it (which
// exceeds the text when "%f" needed more than the 63 characters of Wazuh's buffer).
std::size_t number_text(const JsonNode& node, char (&buffer)[64]) {
  const int length = static_cast<double>(node.integer) == node.number
                         ? std::snprintf(buffer, sizeof(buffer), "%i", node.integer)
                         : std::snprintf(buffer, sizeof(buffer), "%f", node.number);
  return length < 0 ? 0 : static_cast<std::size_t>(length);
}

class JsonFlattener {
 public:
  JsonFlattener(const JsonDocument& document, const JsonDecodeOptions& options, Event& event)
      : document_(document), options_(options), event_(event) {}

  void run() {
    const JsonNode& root = document_.node(document_.root());
    // Wazuh walks the root as a one-element list: only an object root has keyed members.
    if (root.kind == JsonKind::object) walk_members(root.first_child, false);
  }

 private:
  void walk_members(std::uint32_t first, bool has_parent) {
    const std::size_t parent_size = key_.size();
    for (std::uint32_t index = first; index != JsonNode::kNone; index = document_.node(index).next_sibling) {
      const JsonNode& member = document_.node(index);
      key_.resize(parent_size);
      if (has_parent) key_.push_back('.');
      key_.append(document_.key(member));
      switch (member.kind) {
        case JsonKind::string: fill(document_.text(member)); break;
        case JsonKind::number: {
          char text[64];
          number_text(member, text);
          fill(text);
          break;
        }
        case JsonKind::true_value: fill("true"); break;
        case JsonKind::false_value: fill("false"); break;
        case JsonKind::null_value:
          if (options_.null_field == JsonNullField::string) fill("null");
          break;
        case JsonKind::array: fill_array(index); break;
        case JsonKind::object: walk_members(member.first_child, true); break;
      }
    }
    key_.resize(parent_size);
  }

  void fill_array(std::uint32_t index) {
    value_.clear();
    if (options_.array_structure == JsonArrayStructure::array) {
      if (!document_.print(index, value_, kMaxJsonArrayText)) return;
    } else if (!join_csv(document_.node(index))) {
      return;
    }
    if (!value_.empty()) fill(value_);
  }

  // Wazuh's "csv" text. Its buffer bookkeeping counts a cut number at its full length, so the
  // visible text stops after such a number while the count (and the 64 KiB limit) goes on.
  bool join_csv(const JsonNode& array) {
    std::size_t count = 0;
    bool visible = true;
    for (std::uint32_t index = array.first_child; index != JsonNode::kNone;
         index = document_.node(index).next_sibling) {
      const JsonNode& item = document_.node(index);
      char number[64];
      std::string_view piece;
      std::size_t length = 0;
      switch (item.kind) {
        case JsonKind::string: piece = document_.text(item); length = piece.size(); break;
        case JsonKind::number:
          length = number_text(item, number);
          piece = number;
          break;
        case JsonKind::null_value: piece = "null"; length = 4; break;
        case JsonKind::true_value: piece = "true"; length = 4; break;
        case JsonKind::false_value: piece = "false"; length = 5; break;
        case JsonKind::array:
        case JsonKind::object: continue;
      }
      if (count + length >= kCsvLimit) return false;
      if (visible) {
        value_.append(piece);
        if (piece.size() < length) visible = false;
      }
      count += length;
      if (count + 1 >= kCsvLimit) return false;
      if (item.next_sibling != JsonNode::kNone) {
        if (visible) value_.push_back(',');
        count += 1;
      }
    }
    return true;
  }

  void fill(std::string_view value) {
    if (const auto field = json_key_static_field(key_, event_)) {
      event_.set_static_field(*field, value);
    } else {
      event_.append_field(key_, value);  // beyond the event's limit Wazuh drops it too
    }
  }

  const JsonDocument& document_;
  const JsonDecodeOptions& options_;
  Event& event_;
  std::string key_;
  std::string value_;
};

}  // namespace

void decode_json(std::string_view input, const JsonDecodeOptions& options, Event& event, JsonDocument& scratch) {
  if (!scratch.parse(input)) return;
  JsonFlattener(scratch, options, event).run();
}

}  // namespace herald::analysis
