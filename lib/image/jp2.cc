#include "image/jp2.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include <openjpeg.h>

#include "image/image_io.h"

namespace caora {
namespace {

// openjpeg reads and writes through callbacks; these serve a memory buffer.
struct MemoryStream {
  std::string* data;
  size_t pos = 0;
};

OPJ_SIZE_T mem_read(void* out, OPJ_SIZE_T n, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  if (m->pos >= m->data->size()) return OPJ_SIZE_T(-1);
  size_t take = std::min(size_t(n), m->data->size() - m->pos);
  std::memcpy(out, m->data->data() + m->pos, take);
  m->pos += take;
  return take;
}

OPJ_SIZE_T mem_write(void* in, OPJ_SIZE_T n, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  if (m->pos + n > m->data->size()) m->data->resize(m->pos + n);
  std::memcpy(&(*m->data)[m->pos], in, n);
  m->pos += n;
  return n;
}

OPJ_OFF_T mem_skip(OPJ_OFF_T n, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  if (n < 0 && size_t(-n) > m->pos) return -1;
  m->pos += n;
  if (m->pos > m->data->size()) m->data->resize(m->pos);  // writing side; reads stop at the end
  return n;
}

OPJ_BOOL mem_seek(OPJ_OFF_T to, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  if (to < 0) return OPJ_FALSE;
  m->pos = size_t(to);
  return OPJ_TRUE;
}

void keep_message(const char* msg, void* user) {
  auto* s = static_cast<std::string*>(user);
  if (s->empty()) *s = msg;
  while (!s->empty() && (s->back() == '\n' || s->back() == ' ')) s->pop_back();
}

void ignore_message(const char*, void*) {}

Error jp2_error(const std::string& ja, const std::string& en) {
  return make_error(ErrorKind::Parse, "画像: " + ja, "image: " + en);
}

struct CodecDeleter { void operator()(opj_codec_t* c) const { opj_destroy_codec(c); } };
struct StreamDeleter { void operator()(opj_stream_t* s) const { opj_stream_destroy(s); } };
struct ImageDeleter { void operator()(opj_image_t* i) const { opj_image_destroy(i); } };

opj_stream_t* memory_stream(MemoryStream* m, bool input) {
  opj_stream_t* s = opj_stream_create(64 * 1024, input ? OPJ_TRUE : OPJ_FALSE);
  if (!s) return nullptr;
  opj_stream_set_user_data(s, m, nullptr);
  if (input) {
    opj_stream_set_user_data_length(s, m->data->size());
    opj_stream_set_read_function(s, mem_read);
  } else {
    opj_stream_set_write_function(s, mem_write);
  }
  opj_stream_set_skip_function(s, mem_skip);
  opj_stream_set_seek_function(s, mem_seek);
  return s;
}

const unsigned char kJp2Signature[] = {0, 0, 0, 0x0c, 'j', 'P', ' ', ' ', 0x0d, 0x0a, 0x87, 0x0a};
const unsigned char kJ2kSignature[] = {0xff, 0x4f, 0xff, 0x51};

}  // namespace

bool looks_like_jpeg2000(const std::string& bytes) {
  return (bytes.size() >= sizeof kJp2Signature && std::memcmp(bytes.data(), kJp2Signature, sizeof kJp2Signature) == 0) ||
         (bytes.size() >= sizeof kJ2kSignature && std::memcmp(bytes.data(), kJ2kSignature, sizeof kJ2kSignature) == 0);
}

Expected<RgbImage> decode_jpeg2000(const std::string& bytes) {
  if (!looks_like_jpeg2000(bytes)) return jp2_error("JPEG 2000 ではありません", "not a JPEG 2000 image");
  bool jp2 = bytes[0] == 0;
  std::string data = bytes;  // openjpeg wants a mutable stream; we never write to it
  MemoryStream m{&data};
  std::unique_ptr<opj_codec_t, CodecDeleter> codec(opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K));
  std::unique_ptr<opj_stream_t, StreamDeleter> stream(memory_stream(&m, true));
  if (!codec || !stream) return make_error(ErrorKind::Internal, "openjpeg を初期化できません", "cannot set up openjpeg");
  std::string message;
  opj_set_error_handler(codec.get(), keep_message, &message);
  opj_set_warning_handler(codec.get(), ignore_message, nullptr);
  opj_set_info_handler(codec.get(), ignore_message, nullptr);
  opj_dparameters_t params;
  opj_set_default_decoder_parameters(&params);
  if (!opj_setup_decoder(codec.get(), &params))
    return jp2_error("JPEG 2000 デコーダを設定できません", "cannot set up the JPEG 2000 decoder");
  opj_image_t* raw = nullptr;
  if (!opj_read_header(stream.get(), codec.get(), &raw)) {
    if (raw) opj_image_destroy(raw);
    return jp2_error("JPEG 2000 を読めません: " + message, "cannot decode JPEG 2000: " + message);
  }
  std::unique_ptr<opj_image_t, ImageDeleter> image(raw);
  long w = long(image->x1) - long(image->x0), h = long(image->y1) - long(image->y0);
  if (w <= 0 || h <= 0 || w * h > kMaxImagePixels || image->numcomps == 0)
    return jp2_error("画像の大きさ " + std::to_string(w) + "×" + std::to_string(h) + " は扱えません",
                     "image size " + std::to_string(w) + "x" + std::to_string(h) + " is not supported");
  if (!opj_decode(codec.get(), stream.get(), image.get()) || !opj_end_decompress(codec.get(), stream.get()))
    return jp2_error("JPEG 2000 を読めません: " + message, "cannot decode JPEG 2000: " + message);
  int comps = image->numcomps >= 3 ? 3 : 1;
  for (int c = 0; c < comps; ++c) {
    const opj_image_comp_t& comp = image->comps[c];
    if (!comp.data || long(comp.w) != w || long(comp.h) != h || comp.prec == 0 || comp.prec > 31)
      return jp2_error("この JPEG 2000 の成分の形式には対応していません（サブサンプリング等）",
                       "this JPEG 2000's component layout (e.g. subsampling) is not supported");
  }
  RgbImage out = make_rgb(int(w), int(h));
  for (int c = 0; c < comps; ++c) {
    const opj_image_comp_t& comp = image->comps[c];
    long offset = comp.sgnd ? (1L << (comp.prec - 1)) : 0;
    long max = (1L << comp.prec) - 1;
    for (long i = 0; i < w * h; ++i) {
      long v = std::clamp(long(comp.data[i]) + offset, 0L, max);
      uint8_t b = uint8_t(comp.prec == 8 ? v : (v * 255 + max / 2) / max);
      if (comps == 1) out.pixels[3 * i] = out.pixels[3 * i + 1] = out.pixels[3 * i + 2] = b;
      else out.pixels[3 * i + c] = b;
    }
  }
  return out;
}

Expected<std::string> encode_jp2_grey(const RgbImage& image, size_t target_bytes) {
  if (image.width <= 0 || image.height <= 0 || target_bytes < 64)
    return make_error(ErrorKind::Usage, "JPEG 2000 にできない画像です", "cannot encode this image as JPEG 2000");
  opj_image_cmptparm_t parm{};
  parm.dx = parm.dy = 1;
  parm.w = OPJ_UINT32(image.width);
  parm.h = OPJ_UINT32(image.height);
  parm.prec = 8;
  parm.sgnd = 0;
  std::unique_ptr<opj_image_t, ImageDeleter> img(opj_image_create(1, &parm, OPJ_CLRSPC_GRAY));
  if (!img) return make_error(ErrorKind::Internal, "openjpeg を初期化できません", "cannot set up openjpeg");
  img->x1 = OPJ_UINT32(image.width);
  img->y1 = OPJ_UINT32(image.height);
  for (size_t i = 0; i < size_t(image.width) * image.height; ++i) {
    const uint8_t* p = &image.pixels[3 * i];
    img->comps[0].data[i] = OPJ_INT32((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);
  }
  opj_cparameters_t params;
  opj_set_default_encoder_parameters(&params);
  params.tcp_numlayers = 1;
  // The rate is raw bytes / compressed bytes; openjpeg counts the codestream only.
  params.tcp_rates[0] = float(double(image.width) * image.height / double(target_bytes));
  params.cp_disto_alloc = 1;
  params.numresolution = std::max(1, std::min(5, int(std::log2(std::min(image.width, image.height))) - 2));
  std::unique_ptr<opj_codec_t, CodecDeleter> codec(opj_create_compress(OPJ_CODEC_JP2));
  std::string message;
  opj_set_error_handler(codec.get(), keep_message, &message);
  opj_set_warning_handler(codec.get(), ignore_message, nullptr);
  opj_set_info_handler(codec.get(), ignore_message, nullptr);
  std::string out;
  MemoryStream m{&out};
  std::unique_ptr<opj_stream_t, StreamDeleter> stream(memory_stream(&m, false));
  if (!opj_setup_encoder(codec.get(), &params, img.get()) || !opj_start_compress(codec.get(), img.get(), stream.get()) ||
      !opj_encode(codec.get(), stream.get()) || !opj_end_compress(codec.get(), stream.get()))
    return make_error(ErrorKind::Internal, "JPEG 2000 に変換できません: " + message, "cannot encode JPEG 2000: " + message);
  stream.reset();  // flushes
  return out;
}

}  // namespace caora
