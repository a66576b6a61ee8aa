#include "face/recognition_net.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <cblas.h>

#include <cstdlib>
#include <mutex>

#if defined(__GNUC__) && !defined(_WIN32)
// OpenBLAS's thread control, when the BLAS behind cblas.h is OpenBLAS (a weak
// reference: null with the reference BLAS).
extern "C" void openblas_set_num_threads(int) __attribute__((weak));
#endif

namespace caora::face {
namespace {

// One BLAS thread unless OPENBLAS_NUM_THREADS says otherwise. Our GEMMs are small
// (at most 5184 x 147 x 32); on the 2-core machines we measured (bench/face.sh) one
// thread took 10 ms per embedding, two took 8 ms when the machine was idle but 29 ms
// when other work shared the cores -- and a self-test never runs alone.
void limit_blas_threads() {
#if defined(__GNUC__) && !defined(_WIN32)
  static std::once_flag once;
  std::call_once(once, [] {
    if (openblas_set_num_threads && !std::getenv("OPENBLAS_NUM_THREADS")) openblas_set_num_threads(1);
  });
#endif
}

// Per-channel mean of the training images, in RGB order (dlib's values).
constexpr float kMeanRgb[3] = {122.782f, 117.001f, 104.298f};
// dlib divides by 256 after subtracting the mean; face-api.js divides by 255. We
// follow face-api.js so the golden test compares like with like: the two differ by
// a factor 256/255 on the input, which moves a descriptor by about 0.001 -- far
// below the 0.6 threshold (measured in tests/face/golden.sh's report).
constexpr float kInputDivisor = 255.0f;

// An activation map, height x width x channels (channels fastest), as tfjs keeps it.
struct Map {
  int h = 0, w = 0, c = 0;
  std::vector<float> v;
  Map() = default;
  Map(int h_, int w_, int c_) : h(h_), w(w_), c(c_), v(size_t(h_) * w_ * c_, 0.0f) {}
  float* at(int y, int x) { return &v[(size_t(y) * w + x) * c]; }
  const float* at(int y, int x) const { return &v[(size_t(y) * w + x) * c]; }
};

// Output size and leading padding as TensorFlow defines 'same' and 'valid'.
void out_size(int in, int k, int stride, bool same, int* out, int* pad) {
  if (same) {
    *out = (in + stride - 1) / stride;
    int total = std::max((*out - 1) * stride + k - in, 0);
    *pad = total / 2;  // TF puts the odd pixel at the bottom/right
  } else {
    *out = (in - k) / stride + 1;
    *pad = 0;
  }
}

// im2col: one row per output pixel holding its k x k x cin patch (zeros outside
// the map), then one GEMM against the [k*k*cin][cout] filter matrix.
Map conv(const Map& x, const RecognitionNet::Conv& layer, bool relu, std::vector<float>& cols) {
  int oh, ow, pt, pl;
  out_size(x.h, layer.k, layer.stride, layer.same, &oh, &pt);
  out_size(x.w, layer.k, layer.stride, layer.same, &ow, &pl);
  const int kdim = layer.k * layer.k * x.c;
  const int rows = oh * ow;
  // Every element is written below (a patch value or a padding zero), so no clearing.
  if (cols.size() < size_t(rows) * kdim) cols.resize(size_t(rows) * kdim);
  const size_t tap = sizeof(float) * x.c;
  for (int oy = 0; oy < oh; ++oy) {
    for (int ox = 0; ox < ow; ++ox) {
      float* row = &cols[(size_t(oy) * ow + ox) * kdim];
      for (int ky = 0; ky < layer.k; ++ky) {
        int iy = oy * layer.stride + ky - pt;
        float* dst = row + ky * layer.k * x.c;
        if (iy < 0 || iy >= x.h) {
          std::memset(dst, 0, tap * layer.k);
          continue;
        }
        int ix0 = ox * layer.stride - pl;
        if (ix0 >= 0 && ix0 + layer.k <= x.w) {
          // The whole row of taps is inside: one copy (HWC keeps it contiguous).
          std::memcpy(dst, x.at(iy, ix0), tap * layer.k);
          continue;
        }
        for (int kx = 0; kx < layer.k; ++kx) {
          int ix = ix0 + kx;
          if (ix < 0 || ix >= x.w) std::memset(dst + kx * x.c, 0, tap);
          else std::memcpy(dst + kx * x.c, x.at(iy, ix), tap);
        }
      }
    }
  }
  Map out(oh, ow, layer.cout);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, layer.cout, kdim, 1.0f, cols.data(), kdim,
              layer.w.data(), layer.cout, 0.0f, out.v.data(), layer.cout);
  // Bias (with the scale layer folded in) and relu in one pass.
  const float* b = layer.b.data();
  for (int r = 0; r < rows; ++r) {
    float* o = &out.v[size_t(r) * layer.cout];
    if (relu)
      for (int c = 0; c < layer.cout; ++c) o[c] = std::max(o[c] + b[c], 0.0f);
    else
      for (int c = 0; c < layer.cout; ++c) o[c] += b[c];
  }
  return out;
}

Map max_pool(const Map& x, int k, int stride) {
  Map out((x.h - k) / stride + 1, (x.w - k) / stride + 1, x.c);
  for (int oy = 0; oy < out.h; ++oy)
    for (int ox = 0; ox < out.w; ++ox) {
      float* o = out.at(oy, ox);
      std::copy_n(x.at(oy * stride, ox * stride), x.c, o);
      for (int ky = 0; ky < k; ++ky)
        for (int kx = 0; kx < k; ++kx) {
          const float* p = x.at(oy * stride + ky, ox * stride + kx);
          for (int ch = 0; ch < x.c; ++ch) o[ch] = std::max(o[ch], p[ch]);
        }
    }
  return out;
}

// relu(main + shortcut); where the two differ in size the smaller counts as
// zero-padded at the bottom/right (and in the extra channels), as dlib's add_prev does.
Map add_relu(Map a, const Map& b) {
  if (a.h == b.h && a.w == b.w && a.c == b.c) {  // the identity shortcut: in place
    for (size_t i = 0; i < a.v.size(); ++i) a.v[i] = std::max(a.v[i] + b.v[i], 0.0f);
    return a;
  }
  Map out(std::max(a.h, b.h), std::max(a.w, b.w), std::max(a.c, b.c));
  for (const Map* m : {static_cast<const Map*>(&a), &b})
    for (int y = 0; y < m->h; ++y)
      for (int x = 0; x < m->w; ++x) {
        const float* p = m->at(y, x);
        float* o = out.at(y, x);
        for (int ch = 0; ch < m->c; ++ch) o[ch] += p[ch];
      }
  for (float& f : out.v) f = std::max(f, 0.0f);
  return out;
}

// The down-block shortcut: 2x2/2 average pool ('valid'); add_relu appends the zero channels.
Map avg_pool2(const Map& x) {
  Map out(x.h / 2, x.w / 2, x.c);
  for (int oy = 0; oy < out.h; ++oy)
    for (int ox = 0; ox < out.w; ++ox) {
      float* o = out.at(oy, ox);
      const float* p[4] = {x.at(2 * oy, 2 * ox), x.at(2 * oy, 2 * ox + 1), x.at(2 * oy + 1, 2 * ox),
                           x.at(2 * oy + 1, 2 * ox + 1)};
      for (int ch = 0; ch < x.c; ++ch) o[ch] = (p[0][ch] + p[1][ch] + p[2][ch] + p[3][ch]) / 4.0f;
    }
  return out;
}

Error weights_error(const std::string& ja, const std::string& en) {
  return make_error(ErrorKind::Parse, "顔認識の重み: " + ja, "face recognition weights: " + en);
}

std::string shape_text(const std::vector<int>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

Expected<const Tensor*> need(const WeightSet& w, const std::string& name, const std::vector<int>& shape) {
  const Tensor* t = w.find(name);
  if (!t) return weights_error(name + " がありません", name + " is missing");
  if (t->shape != shape)
    return weights_error(name + " の形が " + shape_text(t->shape) + " です（" + shape_text(shape) + " のはず）",
                         name + " has shape " + shape_text(t->shape) + ", expected " + shape_text(shape));
  return t;
}

// face-api.js's layer names: <prefix>/conv/{filters,bias}, <prefix>/scale/{weights,biases}.
Expected<RecognitionNet::Conv> make_conv(const WeightSet& w, const std::string& prefix, int k, int stride,
                                         int cin, int cout) {
  auto filters = need(w, prefix + "/conv/filters", {k, k, cin, cout});
  if (!filters) return filters.error();
  auto bias = need(w, prefix + "/conv/bias", {cout});
  if (!bias) return bias.error();
  auto scale = need(w, prefix + "/scale/weights", {cout});
  if (!scale) return scale.error();
  auto shift = need(w, prefix + "/scale/biases", {cout});
  if (!shift) return shift.error();
  RecognitionNet::Conv c;
  c.k = k;
  c.stride = stride;
  c.cin = cin;
  c.cout = cout;
  c.same = stride == 1;
  c.w = (*filters)->values;  // [kh][kw][in][out] is already the im2col row order
  c.b.resize(cout);
  for (int o = 0; o < cout; ++o) {
    float s = (*scale)->values[o];
    for (size_t r = 0; r < c.w.size() / cout; ++r) c.w[r * cout + o] *= s;
    c.b[o] = (*bias)->values[o] * s + (*shift)->values[o];
  }
  return c;
}

}  // namespace

double descriptor_distance(const Descriptor& a, const Descriptor& b) {
  double sum = 0;
  for (int i = 0; i < kDescriptorSize; ++i) sum += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
  return std::sqrt(sum);
}

Expected<RecognitionNet> RecognitionNet::from_weights(const WeightSet& weights) {
  limit_blas_threads();
  RecognitionNet net;
  auto stem = make_conv(weights, "conv32_down", 7, 2, 3, 32);
  if (!stem) return stem.error();
  net.stem_ = std::move(*stem);
  // The residual stages, in face-api.js's names and order.
  struct Stage { const char* name; int cin, cout; bool down; };
  const Stage stages[] = {
      {"conv32_1", 32, 32, false},     {"conv32_2", 32, 32, false},     {"conv32_3", 32, 32, false},
      {"conv64_down", 32, 64, true},   {"conv64_1", 64, 64, false},     {"conv64_2", 64, 64, false},
      {"conv64_3", 64, 64, false},     {"conv128_down", 64, 128, true}, {"conv128_1", 128, 128, false},
      {"conv128_2", 128, 128, false},  {"conv256_down", 128, 256, true}, {"conv256_1", 256, 256, false},
      {"conv256_2", 256, 256, false},  {"conv256_down_out", 256, 256, true},
  };
  for (const Stage& s : stages) {
    Block b;
    b.down = s.down;
    auto c1 = make_conv(weights, std::string(s.name) + "/conv1", 3, s.down ? 2 : 1, s.cin, s.cout);
    if (!c1) return c1.error();
    auto c2 = make_conv(weights, std::string(s.name) + "/conv2", 3, 1, s.cout, s.cout);
    if (!c2) return c2.error();
    b.conv1 = std::move(*c1);
    b.conv2 = std::move(*c2);
    net.blocks_.push_back(std::move(b));
  }
  auto fc = need(weights, "fc", {256, kDescriptorSize});
  if (!fc) return fc.error();
  net.fc_ = (*fc)->values;
  return net;
}

Expected<RecognitionNet> RecognitionNet::load(const std::string& models_dir) {
  auto weights = load_recognition_weights(models_dir);
  if (!weights) return weights.error();
  return from_weights(*weights);
}

Expected<RecognitionNet> RecognitionNet::load() {
  auto dir = find_models_dir();
  if (!dir) return dir.error();
  return load(*dir);
}

Expected<Descriptor> RecognitionNet::embed(const RgbImage& chip) const {
  if (chip.width != kChipSize || chip.height != kChipSize ||
      chip.pixels.size() != size_t(kChipSize) * kChipSize * 3)
    return make_error(ErrorKind::Usage,
                      "顔チップは 150×150 の RGB 画像でなければなりません（" + std::to_string(chip.width) + "×" +
                          std::to_string(chip.height) + "）",
                      "a face chip must be a 150x150 RGB image (got " + std::to_string(chip.width) + "x" +
                          std::to_string(chip.height) + ")");
  Map x(kChipSize, kChipSize, 3);
  for (size_t i = 0; i < x.v.size(); ++i) x.v[i] = (float(chip.pixels[i]) - kMeanRgb[i % 3]) / kInputDivisor;

  std::vector<float> cols;  // im2col scratch, reused by every layer
  x = max_pool(conv(x, stem_, true, cols), 3, 2);
  for (const Block& b : blocks_) {
    Map main = conv(conv(x, b.conv1, true, cols), b.conv2, false, cols);
    x = add_relu(std::move(main), b.down ? avg_pool2(x) : x);
  }
  std::vector<float> mean(x.c, 0.0f);
  for (int y = 0; y < x.h; ++y)
    for (int xx = 0; xx < x.w; ++xx)
      for (int ch = 0; ch < x.c; ++ch) mean[ch] += x.at(y, xx)[ch];
  for (float& m : mean) m /= float(x.h * x.w);
  Descriptor d{};
  for (int i = 0; i < x.c; ++i)
    for (int j = 0; j < kDescriptorSize; ++j) d[j] += mean[i] * fc_[size_t(i) * kDescriptorSize + j];
  return d;
}

}  // namespace caora::face
