// The 128-d face descriptor network: dlib's ResNet (dlib_face_recognition_resnet_model_v1)
// as face-api.js ships it, run on the CPU: a direct convolution with a register-tiled
// AVX-512 or AVX2 kernel where the CPU has one, else im2col + BLAS. Input: a 150x150 RGB face
// chip as dlib's get_face_chip_details(shape, 150, 0.25) cuts it. Output: the descriptor,
// not normalised; two chips are the same person when their Euclidean distance is below
// kMatchThreshold.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "image/image.h"
#include "face/weights.h"

namespace caora::face {

inline constexpr int kChipSize = 150;
inline constexpr int kDescriptorSize = 128;
// dlib's trained decision threshold for this network.
inline constexpr double kMatchThreshold = 0.6;

using Descriptor = std::array<float, kDescriptorSize>;

// How the convolutions are computed. Auto takes $CAORA_FACE_KERNEL (blas, avx2, avx512)
// when it names one this CPU runs, else the fastest this CPU runs.
enum class ConvKernel { Auto, Blas, Avx2, Avx512 };
bool kernel_supported(ConvKernel kernel);
const char* kernel_name(ConvKernel kernel);

double descriptor_distance(const Descriptor& a, const Descriptor& b);

class RecognitionNet {
 public:
  // Checks that every tensor the network needs is present with the right shape.
  static Expected<RecognitionNet> from_weights(const WeightSet& weights, ConvKernel kernel = ConvKernel::Auto);
  // find_models_dir() + load_recognition_weights() + from_weights().
  static Expected<RecognitionNet> load();
  static Expected<RecognitionNet> load(const std::string& models_dir);

  // The descriptor of a 150x150 chip; any other size is a usage error.
  Expected<Descriptor> embed(const RgbImage& chip) const;
  ConvKernel kernel() const { return kernel_; }

  // A convolution with its bias and the per-channel scale layer folded in:
  // (conv(x, W) + b) * s + t == conv(x, W * s) + (b * s + t).
  struct Conv {
    int k = 0, stride = 1, cin = 0, cout = 0;
    bool same = false;          // 'same' padding (3x3 stride 1); else 'valid'
    std::vector<float> w;       // [k*k*cin][cout], rows in (ky, kx, ci) order
    std::vector<float> b;       // [cout]
    // The filters for the direct kernels: [cout / lanes][k*k*cin][lanes], one block of
    // output channels after another, so a tile reads its filters front to back.
    std::vector<float> packed;
  };
  struct Block {
    Conv conv1, conv2;
    bool down = false;  // stride-2 first conv; shortcut is a 2x2/2 average pool + zero channels
  };

 private:
  ConvKernel kernel_ = ConvKernel::Blas;
  Conv stem_;
  std::vector<Block> blocks_;
  std::vector<float> fc_;  // [256][128], no bias
};

}  // namespace caora::face
