#include "card/ocr/card_finder.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace caora::card {

namespace {

// The outline is found on a copy about this many pixels on its long side: enough for
// a sub-pixel line fit over hundreds of edge samples, small enough to take a few ms.
constexpr int kFindSide = 480;

int otsu(const GrayImage& g) {
  double hist[256] = {};
  for (uint8_t v : g.pixels) hist[v] += 1;
  double total = double(g.pixels.size()), sum = 0;
  for (int i = 0; i < 256; ++i) sum += i * hist[i];
  double w0 = 0, sum0 = 0, best = -1;
  int t = 128;
  for (int i = 0; i < 256; ++i) {
    w0 += hist[i];
    if (w0 == 0) continue;
    double w1 = total - w0;
    if (w1 == 0) break;
    sum0 += i * hist[i];
    double m0 = sum0 / w0, m1 = (sum - sum0) / w1;
    double between = w0 * w1 * (m0 - m1) * (m0 - m1);
    if (between > best) best = between, t = i;
  }
  return t;
}

// 3x3 erosion then dilation: thin light bridges (a reflection on the slot's rim)
// no longer join the card to the frame's edge.
std::vector<uint8_t> open3(const std::vector<uint8_t>& m, int w, int h) {
  auto pass = [&](const std::vector<uint8_t>& in, bool erode) {
    std::vector<uint8_t> out(in.size(), 0);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        bool v = erode;
        for (int dy = -1; dy <= 1 && v == erode; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            int xx = x + dx, yy = y + dy;
            bool s = xx >= 0 && yy >= 0 && xx < w && yy < h && in[size_t(yy) * w + xx];
            if (erode ? !s : s) {
              v = !erode;
              break;
            }
          }
        out[size_t(y) * w + x] = v;
      }
    return out;
  };
  return pass(pass(m, true), false);
}

double cross(Point o, Point a, Point b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }

std::vector<Point> convex_hull(std::vector<Point> p) {
  std::sort(p.begin(), p.end(), [](Point a, Point b) { return a.x != b.x ? a.x < b.x : a.y < b.y; });
  if (p.size() < 3) return p;
  std::vector<Point> h(2 * p.size());
  size_t k = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    while (k >= 2 && cross(h[k - 2], h[k - 1], p[i]) <= 0) --k;
    h[k++] = p[i];
  }
  for (size_t i = p.size() - 1, t = k + 1; i > 0; --i) {
    while (k >= t && cross(h[k - 2], h[k - 1], p[i - 1]) <= 0) --k;
    h[k++] = p[i - 1];
  }
  h.resize(k - 1);
  return h;
}

// The angle of the hull's minimum-area bounding rectangle (rotating calipers by brute
// force over the hull's edges: a hull has at most a few hundred vertices here).
double min_area_angle(const std::vector<Point>& hull) {
  double best_area = 1e300, best_angle = 0;
  for (size_t i = 0; i < hull.size(); ++i) {
    Point a = hull[i], b = hull[(i + 1) % hull.size()];
    double angle = std::atan2(b.y - a.y, b.x - a.x);
    double c = std::cos(angle), s = std::sin(angle);
    double minu = 1e300, maxu = -1e300, minv = 1e300, maxv = -1e300;
    for (Point p : hull) {
      double u = p.x * c + p.y * s, v = -p.x * s + p.y * c;
      minu = std::min(minu, u), maxu = std::max(maxu, u), minv = std::min(minv, v), maxv = std::max(maxv, v);
    }
    double area = (maxu - minu) * (maxv - minv);
    if (area < best_area) best_area = area, best_angle = angle;
  }
  return best_angle;
}

struct Line {
  // n.x * x + n.y * y = d, |n| = 1
  Point n;
  double d;
};

Line line_through(Point a, Point b) {
  double dx = b.x - a.x, dy = b.y - a.y, len = std::hypot(dx, dy);
  if (len < 1e-9) return {{1, 0}, a.x};
  Point n{-dy / len, dx / len};
  return {n, n.x * a.x + n.y * a.y};
}

// Total least squares through the points.
std::optional<Line> fit_line(const std::vector<Point>& pts) {
  if (pts.size() < 8) return std::nullopt;
  double mx = 0, my = 0;
  for (Point p : pts) mx += p.x, my += p.y;
  mx /= pts.size(), my /= pts.size();
  double sxx = 0, sxy = 0, syy = 0;
  for (Point p : pts) {
    double dx = p.x - mx, dy = p.y - my;
    sxx += dx * dx, sxy += dx * dy, syy += dy * dy;
  }
  // The direction is the principal eigenvector; the normal is perpendicular to it.
  double theta = 0.5 * std::atan2(2 * sxy, sxx - syy);
  Point n{-std::sin(theta), std::cos(theta)};
  return Line{n, n.x * mx + n.y * my};
}

std::optional<Point> intersect(const Line& a, const Line& b) {
  double det = a.n.x * b.n.y - a.n.y * b.n.x;
  if (std::fabs(det) < 1e-9) return std::nullopt;
  return Point{(a.d * b.n.y - a.n.y * b.d) / det, (a.n.x * b.d - a.d * b.n.x) / det};
}

double dist(Point a, Point b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Refines one side: the outline samples near the side's middle, fitted twice with
// shrinking tolerance so that a hand or a glare spot over part of it is outvoted.
Line refine_side(const std::vector<Point>& samples, Point a, Point b) {
  Line line = line_through(a, b);
  double len = dist(a, b);
  Point dir{(b.x - a.x) / len, (b.y - a.y) / len};
  for (double tol : {len * 0.03 + 2, 1.5}) {
    std::vector<Point> near;
    for (Point p : samples) {
      double t = ((p.x - a.x) * dir.x + (p.y - a.y) * dir.y) / len;
      if (t < 0.12 || t > 0.88) continue;
      if (std::fabs(line.n.x * p.x + line.n.y * p.y - line.d) <= tol) near.push_back(p);
    }
    if (near.size() < std::max<size_t>(8, size_t(len * 0.25))) break;
    auto fitted = fit_line(near);
    if (!fitted) break;
    line = *fitted;
  }
  return line;
}

}  // namespace

namespace {

struct Attempt {
  std::optional<CardOutline> card;
  NoCard rejected;
  double solidity = 0;  // the region's area (holes filled) over the fitted quad's
  double corner_error = 90;  // the largest departure of a corner from a right angle, degrees
  // An outline that fills its quad and has near-right corners is the card itself; a
  // shadow's straight edge across the card also fills its quad, but cuts it slantwise.
  bool clean() const;
};

// Generated cards under strong perspective reach 14.5 degrees (cardgen's
// perspective:strong); the lit part of a card cut by a shadow's edge 40 and more.
constexpr double kSolid = 0.95;
constexpr double kMaxCornerError = 20;
constexpr double kShadowedAreaGain = 1.3;

bool Attempt::clean() const { return card && solidity >= kSolid && corner_error <= kMaxCornerError; }

double corner_error(const Quad& q) {
  double worst = 0;
  for (int i = 0; i < 4; ++i) {
    Point a = q[(i + 3) % 4], b = q[i], c = q[(i + 1) % 4];
    double ux = a.x - b.x, uy = a.y - b.y, vx = c.x - b.x, vy = c.y - b.y;
    double deg = std::atan2(std::fabs(ux * vy - uy * vx), ux * vx + uy * vy) * 180 / M_PI;
    worst = std::max(worst, std::fabs(deg - 90));
  }
  return worst;
}

// One split of the downscaled frame at threshold t: the largest light region's outline
// fitted with four sides, in the downscaled frame's pixels times f.
Attempt outline_at(const GrayImage& g, const std::vector<uint8_t>& skin, int t, int f, double frame_area) {
  Attempt result;
  int w = g.width, h = g.height;
  std::vector<uint8_t> mask(g.pixels.size());
  for (size_t i = 0; i < mask.size(); ++i) mask[i] = g.pixels[i] > t && !skin[i];
  mask = open3(mask, w, h);

  // The largest 4-connected light region.
  std::vector<int> label(mask.size(), -1);
  std::vector<int> stack;
  int best = -1;
  size_t best_size = 0;
  for (size_t start = 0; start < mask.size(); ++start) {
    if (!mask[start] || label[start] >= 0) continue;
    int id = int(start);
    size_t size = 0;
    stack.assign(1, int(start));
    label[start] = id;
    while (!stack.empty()) {
      int i = stack.back();
      stack.pop_back();
      ++size;
      int x = i % w, y = i / w;
      const int next[4] = {x > 0 ? i - 1 : -1, x + 1 < w ? i + 1 : -1, y > 0 ? i - w : -1, y + 1 < h ? i + w : -1};
      for (int j : next)
        if (j >= 0 && mask[j] && label[j] < 0) label[j] = id, stack.push_back(j);
    }
    if (size > best_size) best_size = size, best = id;
  }
  result.rejected.largest_area_ratio = double(best_size) / (double(w) * h);
  if (best < 0 || result.rejected.largest_area_ratio < kMinCardAreaRatio * 0.5) return result;

  // Outer outline samples: the first and last region pixel of every row and column,
  // which ignores the holes that the photo and the text leave inside the region.
  std::vector<Point> samples;
  double filled = 0;
  for (int y = 0; y < h; ++y) {
    int first = -1, last = -1;
    for (int x = 0; x < w; ++x)
      if (label[size_t(y) * w + x] == best) {
        if (first < 0) first = x;
        last = x;
      }
    if (first >= 0) {
      samples.push_back({double(first), y + 0.5}), samples.push_back({last + 1.0, y + 0.5});
      filled += last + 1 - first;
    }
  }
  for (int x = 0; x < w; ++x) {
    int first = -1, last = -1;
    for (int y = 0; y < h; ++y)
      if (label[size_t(y) * w + x] == best) {
        if (first < 0) first = y;
        last = y;
      }
    if (first >= 0) samples.push_back({x + 0.5, double(first)}), samples.push_back({x + 0.5, last + 1.0});
  }
  std::vector<Point> hull = convex_hull(samples);
  if (hull.size() < 4) return result;

  // Rough corners: the extremes along the diagonals of the minimum-area rectangle.
  double angle = min_area_angle(hull);
  double c = std::cos(angle), s = std::sin(angle);
  Point corner[4];
  double score[4] = {1e300, -1e300, -1e300, 1e300};
  for (Point p : hull) {
    double u = p.x * c + p.y * s, v = -p.x * s + p.y * c;
    if (u + v < score[0]) score[0] = u + v, corner[0] = p;
    if (u - v > score[1]) score[1] = u - v, corner[1] = p;
    if (u + v > score[2]) score[2] = u + v, corner[2] = p;
    if (u - v < score[3]) score[3] = u - v, corner[3] = p;
  }
  // Clockwise on screen (y grows downwards) means a positive signed area here.
  double signed_area = 0;
  for (int i = 0; i < 4; ++i) signed_area += cross({0, 0}, corner[i], corner[(i + 1) % 4]);
  if (signed_area < 0) std::swap(corner[1], corner[3]);

  Line side[4];
  for (int i = 0; i < 4; ++i) side[i] = refine_side(samples, corner[i], corner[(i + 1) % 4]);
  Quad quad;
  for (int i = 0; i < 4; ++i) {
    auto p = intersect(side[(i + 3) % 4], side[i]);
    quad[i] = p ? *p : corner[i];
  }
  double small_area = 0;
  for (int i = 0; i < 4; ++i) small_area += cross({0, 0}, quad[i], quad[(i + 1) % 4]);
  small_area = std::fabs(small_area) / 2;
  result.solidity = small_area > 0 ? filled / small_area : 0;
  // Back to the frame's pixels.
  for (Point& p : quad) p = {p.x * f, p.y * f};
  if (dist(quad[0], quad[1]) + dist(quad[2], quad[3]) < dist(quad[1], quad[2]) + dist(quad[3], quad[0]))
    quad = {quad[1], quad[2], quad[3], quad[0]};

  double long_side = (dist(quad[0], quad[1]) + dist(quad[2], quad[3])) / 2;
  double short_side = (dist(quad[1], quad[2]) + dist(quad[3], quad[0])) / 2;
  double aspect = short_side > 0 ? long_side / short_side : 0;
  result.rejected.aspect = aspect;
  double ratio = small_area * f * f / frame_area;
  result.rejected.largest_area_ratio = ratio;
  for (Point p : quad)
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) return result;
  if (ratio < kMinCardAreaRatio || ratio > 1.0 || aspect < kMinAspect || aspect > kMaxAspect) return result;
  result.card = CardOutline{quad, ratio, aspect, t};
  result.corner_error = corner_error(quad);
  return result;
}

int percentile(const GrayImage& g, double p) {
  size_t hist[256] = {};
  for (uint8_t v : g.pixels) ++hist[v];
  size_t want = size_t(p * g.pixels.size()), seen = 0;
  for (int v = 0; v < 256; ++v)
    if ((seen += hist[v]) > want) return v;
  return 255;
}

}  // namespace

FindResult find_card(const RgbImage& frame) {
  FindResult result;
  if (frame.width < 16 || frame.height < 16) return result;
  int f = std::max(1, (std::max(frame.width, frame.height) + kFindSide - 1) / kFindSide);
  RgbImage small = downscale(frame, f);
  GrayImage g = to_gray(small);
  // A hand is as light as the card: skin tones are kept out of the card's region, and
  // the side fit bridges the gap they leave.
  std::vector<uint8_t> skin(g.pixels.size());
  for (size_t i = 0; i < skin.size(); ++i) {
    const uint8_t* c = &small.pixels[i * 3];
    double cr = 128 + 0.5 * c[0] - 0.4187 * c[1] - 0.0813 * c[2];
    double cb = 128 - 0.1687 * c[0] - 0.3313 * c[1] + 0.5 * c[2];
    skin[i] = cr >= 143 && cr <= 178 && cb >= 85 && cb <= 127;
  }
  double frame_area = double(frame.width) * frame.height;
  int t = otsu(g);
  Attempt first = outline_at(g, skin, t, f, frame_area);
  // A clean outline at Otsu's split is the usual case. A shadow across the card splits
  // it there instead: lower splits, towards the slot's own darkness, take the shaded part in.
  int slot = percentile(g, 0.05);
  if (first.clean()) {
    // Unless the shadow's edge runs square across the card: the lit part alone is then a
    // clean rectangle too, and the whole card, split lower, a much larger one. (A sleeve's
    // rim, taken in by a lower split, adds a few mm, far less.)
    Attempt lower = outline_at(g, skin, slot + (t - slot) / 2, f, frame_area);
    bool whole = lower.clean() && lower.card->area_ratio > kShadowedAreaGain * first.card->area_ratio;
    result.card = whole ? lower.card : first.card;
    return result;
  }
  Attempt best = first;
  for (double k : {0.6, 0.35, 0.2}) {
    int tk = slot + int((t - slot) * k);
    if (tk >= t || tk <= slot) continue;
    Attempt a = outline_at(g, skin, tk, f, frame_area);
    bool better = a.card && (!best.card || (a.clean() && !best.clean()) ||
                             (a.clean() == best.clean() && std::min(a.solidity, kSolid) >= std::min(best.solidity, kSolid) &&
                              a.card->area_ratio > best.card->area_ratio));
    if (better) best = a;
    if (best.clean()) break;
  }
  result.card = best.card;
  result.rejected = first.rejected;
  return result;
}

GrayImage rectify(const GrayImage& frame, const Quad& quad, double px_per_mm) {
  int w = int(std::lround(kCardWidthMm * px_per_mm)), h = int(std::lround(kCardHeightMm * px_per_mm));
  return warp(frame, rect_to_quad(w, h, quad), w, h, 255);
}

RgbImage rectify(const RgbImage& frame, const Quad& quad, double px_per_mm) {
  int w = int(std::lround(kCardWidthMm * px_per_mm)), h = int(std::lround(kCardHeightMm * px_per_mm));
  return warp(frame, rect_to_quad(w, h, quad), w, h);
}

Quad turned(const Quad& q) { return {q[2], q[3], q[0], q[1]}; }

int rotation_ccw(const Quad& q, double* skew) {
  double dx = (q[1].x - q[0].x + q[2].x - q[3].x) / 2, dy = (q[1].y - q[0].y + q[2].y - q[3].y) / 2;
  // Screen y grows downwards, so counter-clockwise on screen is a negative dy.
  double deg = std::atan2(-dy, dx) * 180 / M_PI;
  if (deg < 0) deg += 360;
  int rot = int(std::lround(deg / 90.0)) % 4 * 90;
  if (skew) {
    double s = deg - rot;
    if (s > 180) s -= 360;
    *skew = s;
  }
  return rot;
}

}  // namespace caora::card
