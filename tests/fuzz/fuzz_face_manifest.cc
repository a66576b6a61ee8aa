// The face-recognition weights loader: a tfjs weights manifest, a NUL byte, then
// the weight bytes it describes. Bad input must be an error value, never a crash,
// a hang or a huge allocation; what decodes must be self-consistent.
#include <cstdint>
#include <string>

#include "face/recognition_net.h"
#include "face/weights.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  size_t cut = s.find('\0');
  std::string manifest = s.substr(0, cut);
  std::string weights = cut == std::string::npos ? std::string() : s.substr(cut + 1);
  (void)caora::face::manifest_paths(manifest);
  auto set = caora::face::decode_weights(manifest, weights);
  if (!set.ok()) {
    if (set.error().message.en.empty() || set.error().message.ja.empty()) __builtin_trap();
    return 0;
  }
  for (const auto& t : set->tensors) {
    size_t n = 1;
    for (int d : t.shape) n *= size_t(d);
    if (t.values.size() != n) __builtin_trap();
  }
  (void)caora::face::RecognitionNet::from_weights(*set);
  return 0;
}
