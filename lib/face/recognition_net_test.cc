#include "face/recognition_net.h"

#include <cmath>
#include <map>
#include <random>

#include <catch2/catch.hpp>

using namespace caora;
using namespace caora::face;

namespace {

// Random weights of the real shapes, scaled so activations stay near 1.
WeightSet random_weights(uint32_t seed) {
  std::mt19937 rng(seed);
  WeightSet w;
  auto add = [&](const std::string& name, std::vector<int> shape, float lo, float hi) {
    std::uniform_real_distribution<float> u(lo, hi);
    Tensor t{name, shape, {}};
    size_t n = 1;
    for (int d : shape) n *= size_t(d);
    for (size_t i = 0; i < n; ++i) t.values.push_back(u(rng));
    w.tensors.push_back(std::move(t));
  };
  auto conv = [&](const std::string& p, int k, int cin, int cout) {
    float r = std::sqrt(3.0f / float(k * k * cin));
    add(p + "/conv/filters", {k, k, cin, cout}, -r, r);
    add(p + "/conv/bias", {cout}, -0.1f, 0.1f);
    add(p + "/scale/weights", {cout}, 0.5f, 1.5f);
    add(p + "/scale/biases", {cout}, -0.1f, 0.2f);
  };
  conv("conv32_down", 7, 3, 32);
  const std::pair<const char*, std::pair<int, int>> blocks[] = {
      {"conv32_1", {32, 32}},     {"conv32_2", {32, 32}},      {"conv32_3", {32, 32}},
      {"conv64_down", {32, 64}},  {"conv64_1", {64, 64}},      {"conv64_2", {64, 64}},
      {"conv64_3", {64, 64}},     {"conv128_down", {64, 128}}, {"conv128_1", {128, 128}},
      {"conv128_2", {128, 128}},  {"conv256_down", {128, 256}}, {"conv256_1", {256, 256}},
      {"conv256_2", {256, 256}},  {"conv256_down_out", {256, 256}}};
  for (const auto& [name, ch] : blocks) {
    conv(std::string(name) + "/conv1", 3, ch.first, ch.second);
    conv(std::string(name) + "/conv2", 3, ch.second, ch.second);
  }
  add("fc", {256, 128}, -0.1f, 0.1f);
  return w;
}

// A plain, unoptimised forward pass in double straight from the description of the
// network (TensorFlow padding rules, scale layer after the bias, face-api.js's /255),
// to check the im2col + BLAS version against.
struct Ref {
  int h, w, c;
  std::vector<double> v;
  double& at(int y, int x, int ch) { return v[(size_t(y) * w + x) * c + ch]; }
  double get(int y, int x, int ch) const {
    return (y < 0 || x < 0 || y >= h || x >= w || ch >= c) ? 0.0 : v[(size_t(y) * w + x) * c + ch];
  }
};

Ref ref_conv(const Ref& x, const WeightSet& ws, const std::string& p, int stride, bool relu) {
  const Tensor& f = *ws.find(p + "/conv/filters");
  int k = f.shape[0], cout = f.shape[3];
  int oh, ow, pad;
  if (stride == 1) { oh = x.h; ow = x.w; pad = (k - 1) / 2; }
  else { oh = (x.h - k) / stride + 1; ow = (x.w - k) / stride + 1; pad = 0; }
  Ref out{oh, ow, cout, std::vector<double>(size_t(oh) * ow * cout)};
  for (int oy = 0; oy < oh; ++oy)
    for (int ox = 0; ox < ow; ++ox)
      for (int o = 0; o < cout; ++o) {
        double s = 0;
        for (int ky = 0; ky < k; ++ky)
          for (int kx = 0; kx < k; ++kx)
            for (int i = 0; i < x.c; ++i)
              s += x.get(oy * stride + ky - pad, ox * stride + kx - pad, i) *
                   f.values[((size_t(ky) * k + kx) * x.c + i) * cout + o];
        s += ws.find(p + "/conv/bias")->values[o];
        s = s * ws.find(p + "/scale/weights")->values[o] + ws.find(p + "/scale/biases")->values[o];
        out.at(oy, ox, o) = relu ? std::max(s, 0.0) : s;
      }
  return out;
}

Descriptor ref_forward(const WeightSet& ws, const RgbImage& img) {
  const double mean[3] = {122.782, 117.001, 104.298};
  Ref x{150, 150, 3, std::vector<double>(150 * 150 * 3)};
  for (size_t i = 0; i < x.v.size(); ++i) x.v[i] = (img.pixels[i] - mean[i % 3]) / 255.0;
  x = ref_conv(x, ws, "conv32_down", 2, true);
  Ref pooled{(x.h - 3) / 2 + 1, (x.w - 3) / 2 + 1, x.c, {}};
  pooled.v.resize(size_t(pooled.h) * pooled.w * pooled.c);
  for (int y = 0; y < pooled.h; ++y)
    for (int xx = 0; xx < pooled.w; ++xx)
      for (int ch = 0; ch < x.c; ++ch) {
        double m = -1e300;
        for (int dy = 0; dy < 3; ++dy)
          for (int dx = 0; dx < 3; ++dx) m = std::max(m, x.get(2 * y + dy, 2 * xx + dx, ch));
        pooled.at(y, xx, ch) = m;
      }
  x = pooled;
  const char* names[] = {"conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2", "conv64_3",
                         "conv128_down", "conv128_1", "conv128_2", "conv256_down", "conv256_1", "conv256_2",
                         "conv256_down_out"};
  for (const char* name : names) {
    bool down = std::string(name).find("down") != std::string::npos;
    Ref main = ref_conv(ref_conv(x, ws, std::string(name) + "/conv1", down ? 2 : 1, true), ws,
                        std::string(name) + "/conv2", 1, false);
    Ref shortcut = x;
    if (down) {
      shortcut = Ref{x.h / 2, x.w / 2, main.c, {}};
      shortcut.v.assign(size_t(shortcut.h) * shortcut.w * shortcut.c, 0.0);
      for (int y = 0; y < shortcut.h; ++y)
        for (int xx = 0; xx < shortcut.w; ++xx)
          for (int ch = 0; ch < x.c; ++ch)
            shortcut.at(y, xx, ch) = (x.get(2 * y, 2 * xx, ch) + x.get(2 * y + 1, 2 * xx, ch) +
                                      x.get(2 * y, 2 * xx + 1, ch) + x.get(2 * y + 1, 2 * xx + 1, ch)) / 4;
    }
    Ref sum{std::max(main.h, shortcut.h), std::max(main.w, shortcut.w), main.c, {}};
    sum.v.resize(size_t(sum.h) * sum.w * sum.c);
    for (int y = 0; y < sum.h; ++y)
      for (int xx = 0; xx < sum.w; ++xx)
        for (int ch = 0; ch < sum.c; ++ch)
          sum.at(y, xx, ch) = std::max(main.get(y, xx, ch) + shortcut.get(y, xx, ch), 0.0);
    x = sum;
  }
  std::vector<double> avg(x.c, 0.0);
  for (int y = 0; y < x.h; ++y)
    for (int xx = 0; xx < x.w; ++xx)
      for (int ch = 0; ch < x.c; ++ch) avg[ch] += x.get(y, xx, ch) / (x.h * x.w);
  Descriptor d{};
  const Tensor& fc = *ws.find("fc");
  for (int j = 0; j < 128; ++j) {
    double s = 0;
    for (int i = 0; i < x.c; ++i) s += avg[i] * fc.values[size_t(i) * 128 + j];
    d[j] = float(s);
  }
  return d;
}

RgbImage test_chip(uint32_t seed) {
  std::mt19937 rng(seed);
  RgbImage img = make_rgb(150, 150);
  for (int y = 0; y < 150; ++y)
    for (int x = 0; x < 150; ++x)
      for (int c = 0; c < 3; ++c) img.at(x, y)[c] = uint8_t((x * (c + 1) + y * 2 + int(rng() % 40)) & 0xff);
  return img;
}

double norm(const Descriptor& d) {
  double s = 0;
  for (float f : d) s += double(f) * f;
  return std::sqrt(s);
}

}  // namespace

TEST_CASE("every convolution kernel this CPU runs matches a plain reference forward pass", "[face]") {
  WeightSet ws = random_weights(7);
  RgbImage chip = test_chip(1);
  Descriptor want = ref_forward(ws, chip);
  INFO("reference norm " << norm(want));
  CHECK(norm(want) > 0.01);  // a non-trivial output, or the comparison says nothing
  int ran = 0;
  for (ConvKernel k : {ConvKernel::Blas, ConvKernel::Avx2, ConvKernel::Avx512}) {
    if (!kernel_supported(k)) continue;
    auto net = RecognitionNet::from_weights(ws, k);
    REQUIRE(net.ok());
    CHECK(net->kernel() == k);
    // Twice: nothing may carry over from one embedding to the next.
    for (int i = 0; i < 2; ++i) {
      auto got = net->embed(chip);
      REQUIRE(got.ok());
      INFO("kernel " << kernel_name(k) << ", run " << i);
      CHECK(descriptor_distance(*got, want) < 1e-4 * std::max(1.0, norm(want)));
    }
    ++ran;
  }
  CHECK(ran >= 1);
}

TEST_CASE("a kernel this CPU cannot run is refused, not run", "[face]") {
  for (ConvKernel k : {ConvKernel::Avx2, ConvKernel::Avx512}) {
    if (kernel_supported(k)) continue;
    auto net = RecognitionNet::from_weights(random_weights(2), k);
    REQUIRE(!net.ok());
    CHECK(net.error().message.en.find(kernel_name(k)) != std::string::npos);
  }
  // Auto always settles on one that runs.
  auto net = RecognitionNet::from_weights(random_weights(2));
  REQUIRE(net.ok());
  CHECK(kernel_supported(net->kernel()));
  CHECK(net->kernel() != ConvKernel::Auto);
}

TEST_CASE("weights missing a tensor or with a wrong shape are refused by name", "[face]") {
  WeightSet ws = random_weights(3);
  WeightSet missing = ws;
  missing.tensors.erase(missing.tensors.begin() + 10);
  auto a = RecognitionNet::from_weights(missing);
  REQUIRE(!a.ok());
  CHECK(a.error().message.en.find(ws.tensors[10].name + " is missing") != std::string::npos);

  WeightSet reshaped = ws;
  for (auto& t : reshaped.tensors)
    if (t.name == "fc") t.shape = {128, 256};
  auto b = RecognitionNet::from_weights(reshaped);
  REQUIRE(!b.ok());
  CHECK(b.error().message.en.find("fc has shape [128,256], expected [256,128]") != std::string::npos);
  CHECK(!b.error().message.ja.empty());
}

TEST_CASE("only 150x150 chips are embedded", "[face]") {
  auto net = RecognitionNet::from_weights(random_weights(5));
  REQUIRE(net.ok());
  for (auto [w, h] : {std::pair{1, 1}, std::pair{150, 149}, std::pair{0, 0}, std::pair{300, 300}}) {
    auto r = net->embed(make_rgb(w, h));
    REQUIRE(!r.ok());
    CHECK(r.error().kind == ErrorKind::Usage);
  }
}

TEST_CASE("descriptor distance is Euclidean", "[face]") {
  Descriptor a{}, b{};
  a[0] = 3;
  b[1] = 4;
  CHECK(descriptor_distance(a, b) == Approx(5.0));
  CHECK(descriptor_distance(a, a) == 0.0);
}
