#include "face/recognition_net.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#ifdef CAORA_FACE_BLAS
#include <cblas.h>
#endif

#include <array>
#include <utility>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include <cstdlib>
#include <mutex>

#if defined(CAORA_FACE_BLAS) && defined(__GNUC__)
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
#if defined(CAORA_FACE_BLAS) && defined(__GNUC__)
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

// An activation map, height x width x channels (channels fastest), as tfjs keeps it,
// stored with a zero border of one pixel: a 3x3 'same' convolution reads its padding
// from the border instead of testing every tap, and a whole row of taps is contiguous.
struct Map {
  int h = 0, w = 0, c = 0;
  std::vector<float> v;
  Map() = default;
  Map(int h_, int w_, int c_) : h(h_), w(w_), c(c_), v(size_t(h_ + 2) * (w_ + 2) * c_, 0.0f) {}
  // (y, x) in [-1, h] x [-1, w]: the border reads as zero.
  float* at(int y, int x) { return &v[(size_t(y + 1) * (w + 2) + x + 1) * c]; }
  const float* at(int y, int x) const { return &v[(size_t(y + 1) * (w + 2) + x + 1) * c]; }
  int row() const { return (w + 2) * c; }  // floats from one padded row to the next
};

// Output size as TensorFlow defines 'same' (3x3 stride 1 here: pad 1 each side) and 'valid'.
int out_size(int in, int k, int stride, bool same) { return same ? in : (in - k) / stride + 1; }

// The end of every convolution: bias (the scale layer folded in), the residual when the
// block's shortcut is the identity, relu. One pass while the tile is in cache.
inline void finish(const float* acc, int n, const float* b, const float* residual, bool relu, float* out) {
  if (residual)
    for (int c = 0; c < n; ++c) out[c] = acc[c] + b[c] + residual[c];
  else
    for (int c = 0; c < n; ++c) out[c] = acc[c] + b[c];
  if (relu)
    for (int c = 0; c < n; ++c) out[c] = std::max(out[c], 0.0f);
}

// C = A * B, row-major, A rows x k, B k x n. Through BLAS where the build has one
// (Linux); without (the Windows build), a plain loop the compiler vectorises over
// C's row. Either way it only runs on a CPU without AVX2 (or when asked for), since
// the direct kernels below take every other case.
void sgemm(int rows, int n, int k, const float* a, const float* b, float* c) {
#ifdef CAORA_FACE_BLAS
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
#else
  for (int i = 0; i < rows; ++i) {
    float* ci = c + size_t(i) * n;
    std::fill(ci, ci + n, 0.0f);
    const float* ai = a + size_t(i) * k;
    for (int p = 0; p < k; ++p) {
      const float ap = ai[p];
      const float* bp = b + size_t(p) * n;
      for (int j = 0; j < n; ++j) ci[j] += ap * bp[j];
    }
  }
#endif
}

// im2col + one GEMM against the [k*k*cin][cout] filter matrix: the portable path.
void conv_blas(const Map& x, const RecognitionNet::Conv& layer, bool relu, const Map* residual, Map& out,
               std::vector<float>& cols, std::vector<float>& product) {
  const int pad = layer.same ? 1 : 0, kc = layer.k * x.c, kdim = layer.k * kc, rows = out.h * out.w;
  if (cols.size() < size_t(rows) * kdim) cols.resize(size_t(rows) * kdim);
  if (product.size() < size_t(rows) * layer.cout) product.resize(size_t(rows) * layer.cout);
  for (int oy = 0; oy < out.h; ++oy)
    for (int ox = 0; ox < out.w; ++ox) {
      float* dst = &cols[(size_t(oy) * out.w + ox) * kdim];
      for (int ky = 0; ky < layer.k; ++ky)
        std::memcpy(dst + ky * kc, x.at(oy * layer.stride + ky - pad, ox * layer.stride - pad), sizeof(float) * kc);
    }
  sgemm(rows, layer.cout, kdim, cols.data(), layer.w.data(), product.data());
  for (int oy = 0; oy < out.h; ++oy)
    for (int ox = 0; ox < out.w; ++ox)
      finish(&product[(size_t(oy) * out.w + ox) * layer.cout], layer.cout, layer.b.data(),
             residual ? residual->at(oy, ox) : nullptr, relu, out.at(oy, ox));
}

// The direct convolution. A tile is R output pixels whose patches start `STEP` floats
// apart (the stride times the channels) by one block of output channels (two vectors):
// 2R accumulators stay in registers while the k rows of k*cin taps stream past, each
// tap one broadcast and two FMAs per pixel; then bias, residual and relu are applied in
// registers and the pixels stored (those whose bit in `keep` is set). No im2col copy, no
// packing per call: the patches are read in place from the padded map, the filters were
// packed at load. STEP is a template argument so every pixel's address is a constant
// offset (0: read at run time).
struct TileArgs {
  const float* in;      // the first pixel's patch, top left
  int step, in_row;     // floats between pixels' patches, between input rows
  int k, kc;            // kernel rows, floats per kernel row (k * cin)
  const float* w;       // this block's packed filters
  const float* bias;    // this block's bias
  const float* residual;  // the identity shortcut at the first pixel, or null
  float* out;           // the first output pixel
  int out_step;         // floats between output (and residual) pixels
  unsigned keep;        // bit r: store pixel r
  bool relu;
};
using TileFn = void (*)(const TileArgs& t);

#if defined(__x86_64__) && defined(__GNUC__)
#define CAORA_FACE_X86 1
// GCC 12 reports its own _mm512_set1_ps as maybe uninitialised (the intrinsic's
// deliberately undefined start value).
#pragma GCC diagnostic push
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

template <int R, int STEP>
__attribute__((target("avx512f"))) void tile_avx512(const TileArgs& t) {
  const int s = STEP ? STEP : t.step;
  __m512 a0[R], a1[R];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) a0[r] = a1[r] = _mm512_setzero_ps();
  // Locals, so the compiler knows no store can change them.
  const float* in = t.in;
  const float* w = t.w;
  const int k = t.k, kc = t.kc, in_row = t.in_row;
  for (int ky = 0; ky < k; ++ky, in += in_row)
    for (int j = 0; j < kc; ++j, w += 32) {
      __m512 w0 = _mm512_loadu_ps(w), w1 = _mm512_loadu_ps(w + 16);
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        __m512 b = _mm512_set1_ps(in[r * s + j]);
        a0[r] = _mm512_fmadd_ps(b, w0, a0[r]);
        a1[r] = _mm512_fmadd_ps(b, w1, a1[r]);
      }
    }
  const __m512 b0 = _mm512_loadu_ps(t.bias), b1 = _mm512_loadu_ps(t.bias + 16), zero = _mm512_setzero_ps();
  // Unrolled like the loops above, so the accumulators never leave the registers.
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r) {
    if (!(t.keep >> r & 1)) continue;
    __m512 v0 = _mm512_add_ps(a0[r], b0), v1 = _mm512_add_ps(a1[r], b1);
    if (t.residual) {
      v0 = _mm512_add_ps(v0, _mm512_loadu_ps(t.residual + r * t.out_step));
      v1 = _mm512_add_ps(v1, _mm512_loadu_ps(t.residual + r * t.out_step + 16));
    }
    if (t.relu) {
      v0 = _mm512_max_ps(v0, zero);
      v1 = _mm512_max_ps(v1, zero);
    }
    _mm512_storeu_ps(t.out + r * t.out_step, v0);
    _mm512_storeu_ps(t.out + r * t.out_step + 16, v1);
  }
}

template <int R, int STEP>
__attribute__((target("avx2,fma"))) void tile_avx2(const TileArgs& t) {
  const int s = STEP ? STEP : t.step;
  __m256 a0[R], a1[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) a0[r] = a1[r] = _mm256_setzero_ps();
  const float* in = t.in;
  const float* w = t.w;
  const int k = t.k, kc = t.kc, in_row = t.in_row;
  for (int ky = 0; ky < k; ++ky, in += in_row)
    for (int j = 0; j < kc; ++j, w += 16) {
      __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) {
        __m256 b = _mm256_broadcast_ss(in + r * s + j);
        a0[r] = _mm256_fmadd_ps(b, w0, a0[r]);
        a1[r] = _mm256_fmadd_ps(b, w1, a1[r]);
      }
    }
  const __m256 b0 = _mm256_loadu_ps(t.bias), b1 = _mm256_loadu_ps(t.bias + 8), zero = _mm256_setzero_ps();
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
    if (!(t.keep >> r & 1)) continue;
    __m256 v0 = _mm256_add_ps(a0[r], b0), v1 = _mm256_add_ps(a1[r], b1);
    if (t.residual) {
      v0 = _mm256_add_ps(v0, _mm256_loadu_ps(t.residual + r * t.out_step));
      v1 = _mm256_add_ps(v1, _mm256_loadu_ps(t.residual + r * t.out_step + 8));
    }
    if (t.relu) {
      v0 = _mm256_max_ps(v0, zero);
      v1 = _mm256_max_ps(v1, zero);
    }
    _mm256_storeu_ps(t.out + r * t.out_step, v0);
    _mm256_storeu_ps(t.out + r * t.out_step + 8, v1);
  }
}

// 12 pixels x 32 channels is 24 of AVX-512's 32 registers; 6 x 16 is 12 of AVX2's 16.
constexpr int kMaxTile = 12;
using TileTable = std::array<TileFn, kMaxTile + 1>;  // [R], R = 1..max

template <int STEP, int... R>
constexpr TileTable avx512_table(std::integer_sequence<int, R...>) { return {nullptr, &tile_avx512<R + 1, STEP>...}; }
template <int STEP, int... R>
constexpr TileTable avx2_table(std::integer_sequence<int, R...>) {
  return {nullptr, &tile_avx2<R + 1, STEP>..., nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
}

struct DirectKernel {
  int lanes;     // output channels per tile (two vectors)
  int max_tile;  // pixels per tile
  TileTable (*table)(int step);
};

// The steps this network has: the stem (stride 2 over 3 channels), the 'same' convs
// (1 x cin) and the stride-2 convs (2 x cin).
TileTable avx512_tiles(int step) {
  using Seq = std::make_integer_sequence<int, 12>;
  switch (step) {
    case 6: return avx512_table<6>(Seq{});
    case 32: return avx512_table<32>(Seq{});
    case 64: return avx512_table<64>(Seq{});
    case 128: return avx512_table<128>(Seq{});
    case 256: return avx512_table<256>(Seq{});
    case 512: return avx512_table<512>(Seq{});
    default: return avx512_table<0>(Seq{});
  }
}
TileTable avx2_tiles(int step) {
  using Seq = std::make_integer_sequence<int, 6>;
  switch (step) {
    case 6: return avx2_table<6>(Seq{});
    case 32: return avx2_table<32>(Seq{});
    case 64: return avx2_table<64>(Seq{});
    case 128: return avx2_table<128>(Seq{});
    case 256: return avx2_table<256>(Seq{});
    case 512: return avx2_table<512>(Seq{});
    default: return avx2_table<0>(Seq{});
  }
}

#pragma GCC diagnostic pop

// Per embedding, CPU time on a 2-core AMD EPYC (Zen 5) with bench/face.sh: AVX-512
// 4.0 ms, AVX2 6.9 ms, im2col + OpenBLAS (its Haswell kernels) 10.0 ms.
const DirectKernel kAvx512{32, 12, &avx512_tiles};
const DirectKernel kAvx2{16, 6, &avx2_tiles};

void conv_direct(const DirectKernel& dk, const Map& x, const RecognitionNet::Conv& layer, bool relu,
                 const Map* residual, Map& out) {
  const int L = dk.lanes, kc = layer.k * x.c;
  const TileTable tiles = dk.table(layer.stride * x.c);
  TileArgs t{};
  t.step = layer.stride * x.c;
  t.in_row = x.row();
  t.k = layer.k;
  t.kc = kc;
  t.out_step = out.c;
  t.relu = relu;
  for (int cb = 0; cb < layer.cout; cb += L) {
    t.w = layer.packed.data() + size_t(cb) * layer.k * kc;
    t.bias = layer.b.data() + cb;
    if (layer.same) {
      // Stride 1 over the padded map: the patch of output (oy, ox) starts at padded
      // (oy, ox) and the output sits at padded (oy + 1, ox + 1), so pixels taken in raster
      // order over the padded width are a fixed distance apart, across row ends. The two
      // border columns per row are computed and not stored (the border stays zero).
      const int pw = out.w + 2, last = (out.h - 1) * pw + out.w;
      for (int q = 0; q < last; q += dk.max_tile) {
        int r = std::min(dk.max_tile, last - q);
        t.in = x.at(-1, -1) + size_t(q) * x.c;
        t.out = out.at(0, 0) + size_t(q) * out.c + cb;
        t.residual = residual ? residual->at(0, 0) + size_t(q) * out.c + cb : nullptr;
        t.keep = 0;
        for (int i = 0, col = q % pw; i < r; ++i, col = col + 1 == pw ? 0 : col + 1)
          if (col < out.w) t.keep |= 1u << i;
        tiles[r](t);
      }
    } else {
      for (int oy = 0; oy < out.h; ++oy)
        for (int ox = 0; ox < out.w; ox += dk.max_tile) {
          int r = std::min(dk.max_tile, out.w - ox);
          t.in = x.at(oy * layer.stride, ox * layer.stride);
          t.out = out.at(oy, ox) + cb;
          t.residual = residual ? residual->at(oy, ox) + cb : nullptr;
          t.keep = ~0u;
          tiles[r](t);
        }
    }
  }
}
#endif

int kernel_lanes(ConvKernel kernel) {
  return kernel == ConvKernel::Avx512 ? 32 : kernel == ConvKernel::Avx2 ? 16 : 0;
}

ConvKernel choose_kernel(ConvKernel wanted) {
  if (wanted != ConvKernel::Auto) return wanted;
  if (const char* env = std::getenv("CAORA_FACE_KERNEL")) {
    for (ConvKernel k : {ConvKernel::Blas, ConvKernel::Avx2, ConvKernel::Avx512})
      if (std::strcmp(env, kernel_name(k)) == 0 && kernel_supported(k)) return k;
  }
  for (ConvKernel k : {ConvKernel::Avx512, ConvKernel::Avx2})
    if (kernel_supported(k)) return k;
  return ConvKernel::Blas;
}

// Scratch for one embedding: the maps and the BLAS buffers.
struct Work {
  std::vector<float> cols, product;
};

void run_conv(ConvKernel kernel, const Map& x, const RecognitionNet::Conv& layer, bool relu, const Map* residual,
              Map& out, Work& work) {
#ifdef CAORA_FACE_X86
  if (kernel == ConvKernel::Avx512) return conv_direct(kAvx512, x, layer, relu, residual, out);
  if (kernel == ConvKernel::Avx2) return conv_direct(kAvx2, x, layer, relu, residual, out);
#endif
  (void)kernel;
  conv_blas(x, layer, relu, residual, out, work.cols, work.product);
}

Map conv(ConvKernel kernel, const Map& x, const RecognitionNet::Conv& layer, bool relu, const Map* residual,
         Work& work) {
  Map out(out_size(x.h, layer.k, layer.stride, layer.same), out_size(x.w, layer.k, layer.stride, layer.same),
          layer.cout);
  run_conv(kernel, x, layer, relu, residual, out, work);
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

// relu(main + shortcut) for a down block: where the two differ in size the smaller
// counts as zero-padded at the bottom/right (and in the extra channels), as dlib's
// add_prev does.
Map add_relu(const Map& a, const Map& b) {
  Map out(std::max(a.h, b.h), std::max(a.w, b.w), std::max(a.c, b.c));
  for (const Map* m : {&a, &b})
    for (int y = 0; y < m->h; ++y)
      for (int x = 0; x < m->w; ++x) {
        const float* p = m->at(y, x);
        float* o = out.at(y, x);
        for (int ch = 0; ch < m->c; ++ch) o[ch] += p[ch];
      }
  for (int y = 0; y < out.h; ++y)
    for (int x = 0; x < out.w; ++x) {
      float* o = out.at(y, x);
      for (int ch = 0; ch < out.c; ++ch) o[ch] = std::max(o[ch], 0.0f);
    }
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
                                         int cin, int cout, int lanes) {
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
  if (lanes > 0 && cout % lanes == 0) {
    const size_t rows = c.w.size() / cout;
    c.packed.resize(c.w.size());
    for (int cb = 0; cb < cout; cb += lanes)
      for (size_t r = 0; r < rows; ++r)
        std::copy_n(&c.w[r * cout + cb], lanes, &c.packed[(size_t(cb) * rows + r * lanes)]);
  }
  return c;
}

}  // namespace

double descriptor_distance(const Descriptor& a, const Descriptor& b) {
  double sum = 0;
  for (int i = 0; i < kDescriptorSize; ++i) sum += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
  return std::sqrt(sum);
}

bool kernel_supported(ConvKernel kernel) {
  switch (kernel) {
    case ConvKernel::Auto:
    case ConvKernel::Blas: return true;
#ifdef CAORA_FACE_X86
    case ConvKernel::Avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case ConvKernel::Avx512: return __builtin_cpu_supports("avx512f");
#else
    default: return false;
#endif
  }
  return false;
}

const char* kernel_name(ConvKernel kernel) {
  switch (kernel) {
    case ConvKernel::Auto: return "auto";
    case ConvKernel::Blas: return "blas";
    case ConvKernel::Avx2: return "avx2";
    case ConvKernel::Avx512: return "avx512";
  }
  return "?";
}

Expected<RecognitionNet> RecognitionNet::from_weights(const WeightSet& weights, ConvKernel kernel) {
  limit_blas_threads();
  RecognitionNet net;
  net.kernel_ = choose_kernel(kernel);
  if (!kernel_supported(net.kernel_))
    return make_error(ErrorKind::Unsupported,
                      std::string("この CPU では畳み込みカーネル ") + kernel_name(net.kernel_) + " を使えません",
                      std::string("this CPU cannot run the convolution kernel ") + kernel_name(net.kernel_));
  const int lanes = kernel_lanes(net.kernel_);
  auto stem = make_conv(weights, "conv32_down", 7, 2, 3, 32, lanes);
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
    auto c1 = make_conv(weights, std::string(s.name) + "/conv1", 3, s.down ? 2 : 1, s.cin, s.cout, lanes);
    if (!c1) return c1.error();
    auto c2 = make_conv(weights, std::string(s.name) + "/conv2", 3, 1, s.cout, s.cout, lanes);
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
  for (int y = 0; y < kChipSize; ++y)
    for (int xx = 0; xx < kChipSize; ++xx) {
      const uint8_t* p = chip.at(xx, y);
      float* o = x.at(y, xx);
      for (int ch = 0; ch < 3; ++ch) o[ch] = (float(p[ch]) - kMeanRgb[ch]) / kInputDivisor;
    }

  Work work;
  x = max_pool(conv(kernel_, x, stem_, true, nullptr, work), 3, 2);
  for (const Block& b : blocks_) {
    Map mid = conv(kernel_, x, b.conv1, true, nullptr, work);
    if (b.down) x = add_relu(conv(kernel_, mid, b.conv2, false, nullptr, work), avg_pool2(x));
    else x = conv(kernel_, mid, b.conv2, true, &x, work);  // the identity shortcut, fused
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
