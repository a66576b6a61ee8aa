// BER-TLV as the card-face confirmation AP stores EF 0002: an outer FF20 whose
// value holds DF21…DF2A. Lengths come short (<0x80) or as 81 xx / 82 hh ll /
// 83 hh mm ll. Everything is bounds-checked: the bytes come from a card.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace caora {

struct Tlv {
  uint32_t tag = 0;
  size_t header_size = 0;  // tag + length bytes
  std::string value;
};

// One TLV at `pos`; on success `pos` moves past it.
Expected<Tlv> parse_tlv(const std::string& bytes, size_t& pos);
// Every TLV in `bytes`, one after the other (00/FF padding at the end is allowed).
Expected<std::vector<Tlv>> parse_tlv_list(const std::string& bytes);
// From the first bytes of a file: how long the whole outer TLV is (header + value),
// so a reader knows how much to READ BINARY. Needs at most 8 bytes.
Expected<size_t> tlv_total_size(const std::string& head);

}  // namespace caora
