#include "analysis/decoder_fts.h"

#include <optional>
#include <string_view>

#include "analysis/decoder.h"
#include "analysis/event.h"

namespace herald::analysis {
namespace {

constexpr std::size_t kFixedPartLimit = 255;  // snprintf into Wazuh's 256-byte buffer
constexpr std::size_t kKeyLimit = 256;        // strncat up to the buffer's last byte

void append_slot(std::string& key, bool wanted, std::optional<std::string_view> value) {
  key.push_back(' ');
  if (wanted && value) key.append(*value);
}

}  // namespace

FtsKeyFields fts_key_fields(const Decoder& decoder) {
  FtsKeyFields fields;
  fields.any = decoder.fts.any();
  fields.id = decoder.fts.id;
  fields.dstuser = decoder.fts.dstuser;
  fields.srcuser = decoder.fts.srcuser;
  fields.srcip = decoder.fts.srcip;
  fields.dstip = decoder.fts.dstip;
  fields.data = decoder.fts.data;
  fields.system_name = decoder.fts.system_name;
  fields.location = decoder.fts.location;
  for (std::size_t i = 0; i < decoder.order.size() && i < decoder.fts.order_fields.size(); ++i) {
    if (decoder.fts.order_fields.test(i)) fields.dynamic.push_back(decoder.order[i].name);
  }
  return fields;
}

std::string fts_key(std::string_view decoder_name, const Event& event, const FtsKeyFields& fields) {
  std::string key(decoder_name);
  append_slot(key, fields.id, event.static_field(StaticField::id));
  append_slot(key, fields.dstuser, event.static_field(StaticField::dstuser));
  append_slot(key, fields.srcuser, event.static_field(StaticField::srcuser));
  append_slot(key, fields.srcip, event.static_field(StaticField::srcip));
  append_slot(key, fields.dstip, event.static_field(StaticField::dstip));
  append_slot(key, fields.data, event.static_field(StaticField::data));
  append_slot(key, fields.system_name, event.static_field(StaticField::system_name));
  append_slot(key, fields.location, std::string_view(event.location));
  if (key.size() > kFixedPartLimit) key.resize(kFixedPartLimit);
  for (const std::string& name : fields.dynamic) {
    if (key.size() >= kKeyLimit) break;
    if (auto value = event.dynamic_field(name)) {
      key.push_back(' ');
      key.append(*value);
    }
  }
  if (key.size() > kKeyLimit) key.resize(kKeyLimit);
  return key;
}

std::string fts_key(const Event& event, const FtsKeyFields& fields) {
  return fts_key(event.decoder_name, event, fields);
}

std::string fts_key(const Decoder& decoder, const Event& event) {
  return fts_key(decoder.name, event, fts_key_fields(decoder));
}

}  // namespace herald::analysis
