#include "analysis/decoder_fts.h"

#include <optional>
#include <string_view>

#include "analysis/decoder.h"
#include "analysis/event.h"

namespace herald::analysis {
namespace {

constexpr std::size_t kFixedPartLimit = 255;  // snprintf into Wazuh's 256-byte buffer
constexpr std::size_t kKeyLimit = 256;        // strncat up to the buffer's last byte

void append_limited(std::string& key, std::string_view text) {
  if (key.size() >= kKeyLimit) return;
  key.append(text.substr(0, kKeyLimit - key.size()));
}

}  // namespace

std::string fts_key(const Decoder& decoder, const Event& event) {
  const FtsFields& fts = decoder.fts;
  std::string key = decoder.name;
  auto add = [&](bool wanted, StaticField field) {
    key.push_back(' ');
    if (!wanted) return;
    if (const std::optional<std::string_view> value = event.static_field(field)) key.append(*value);
  };
  add(fts.id, StaticField::id);
  add(fts.dstuser, StaticField::dstuser);
  add(fts.srcuser, StaticField::srcuser);
  add(fts.srcip, StaticField::srcip);
  add(fts.dstip, StaticField::dstip);
  add(fts.data, StaticField::data);
  add(fts.system_name, StaticField::system_name);
  key.push_back(' ');
  if (fts.location) key.append(event.location);
  if (key.size() > kFixedPartLimit) key.resize(kFixedPartLimit);

  for (std::size_t i = 0; i < decoder.order.size() && i < kDecoderOrderSize; ++i) {
    if (!fts.order_fields.test(i)) continue;
    if (const std::optional<std::string_view> value = event.dynamic_field(decoder.order[i].name)) {
      append_limited(key, " ");
      append_limited(key, *value);
    }
  }
  return key;
}

}  // namespace herald::analysis
