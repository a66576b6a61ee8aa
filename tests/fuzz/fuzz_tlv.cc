// EF 0002 comes from a card: any bytes.
#include <cstdint>
#include <string>

#include "card/confirmation_ap.h"
#include "card/tlv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto list = caora::parse_tlv_list(bytes);
  if (list.ok()) {
    size_t covered = 0;
    for (const auto& t : *list) covered += t.header_size + t.value.size();
    if (covered > bytes.size()) __builtin_trap();
  }
  auto total = caora::tlv_total_size(bytes);
  (void)total;
  auto record = caora::parse_card_face_record(bytes);
  if (record.ok() && record->face_jp2.empty()) __builtin_trap();
  return 0;
}
