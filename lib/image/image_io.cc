#include "image/image_io.h"

#include <csetjmp>
#include <cstdio>
#include <memory>

#include <jpeglib.h>
#include <jerror.h>  // JWRN_JPEG_EOF
#include <png.h>

#include "core/fs.h"
#include "image/jp2.h"

namespace caora {
namespace {

// libjpeg reports fatal errors through error_exit, which must not return: we
// jump back to decode_jpeg with the message. Only plain C data lives across the
// jump (the RgbImage is sized before the scanline loop and only written into).
struct JpegErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void on_jpeg_error(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

// Warnings are not fatal, except that the data ended early: libjpeg would pad
// the rest of the image with grey, and a half-grey face must not be embedded.
void on_jpeg_message(j_common_ptr cinfo, int level) {
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) on_jpeg_error(cinfo);
}

Error image_error(const std::string& ja, const std::string& en) {
  return make_error(ErrorKind::Parse, "画像: " + ja, "image: " + en);
}

}  // namespace

Expected<RgbImage> decode_jpeg(const std::string& bytes) {
  if (bytes.size() < 4) return image_error("JPEG として短すぎます", "too short to be a JPEG");
  jpeg_decompress_struct cinfo;
  JpegErrors errors;
  cinfo.err = jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = on_jpeg_error;
  errors.mgr.emit_message = on_jpeg_message;
  errors.message[0] = 0;
  // On the heap so that nothing automatic changes between setjmp and longjmp.
  auto img = std::make_unique<RgbImage>();
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return image_error(std::string("JPEG を読めません: ") + errors.message,
                       std::string("cannot decode JPEG: ") + errors.message);
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = JCS_RGB;  // libjpeg converts greyscale and YCbCr for us
  if (cinfo.image_width == 0 || cinfo.image_height == 0 ||
      long(cinfo.image_width) * long(cinfo.image_height) > kMaxImagePixels) {
    long w = cinfo.image_width, h = cinfo.image_height;
    jpeg_destroy_decompress(&cinfo);
    return image_error("画像の大きさ " + std::to_string(w) + "×" + std::to_string(h) + " は扱えません",
                       "image size " + std::to_string(w) + "x" + std::to_string(h) + " is not supported");
  }
  jpeg_start_decompress(&cinfo);
  img->width = int(cinfo.output_width);
  img->height = int(cinfo.output_height);
  img->pixels.resize(size_t(img->width) * img->height * 3);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = img->pixels.data() + size_t(cinfo.output_scanline) * img->width * 3;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return std::move(*img);
}

Expected<RgbImage> decode_png(const std::string& bytes) {
  // libpng's simplified API: no setjmp of our own, errors come back as a message.
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size()))
    return image_error(std::string("PNG を読めません: ") + png.message, std::string("cannot decode PNG: ") + png.message);
  if (png.width == 0 || png.height == 0 || long(png.width) * long(png.height) > kMaxImagePixels) {
    long w = png.width, h = png.height;
    png_image_free(&png);
    return image_error("画像の大きさ " + std::to_string(w) + "×" + std::to_string(h) + " は扱えません",
                       "image size " + std::to_string(w) + "x" + std::to_string(h) + " is not supported");
  }
  png.format = PNG_FORMAT_RGB;  // alpha is composited onto black; greyscale expanded
  RgbImage img = make_rgb(int(png.width), int(png.height));
  if (!png_image_finish_read(&png, nullptr, img.pixels.data(), 0, nullptr)) {
    std::string msg = png.message;
    png_image_free(&png);
    return image_error("PNG を読めません: " + msg, "cannot decode PNG: " + msg);
  }
  return img;
}

Expected<RgbImage> decode_image(const std::string& bytes) {
  static const char kPng[] = "\x89PNG\r\n\x1a\n";
  if (bytes.size() >= 8 && bytes.compare(0, 8, kPng, 8) == 0) return decode_png(bytes);
  if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xff && static_cast<unsigned char>(bytes[1]) == 0xd8)
    return decode_jpeg(bytes);
  if (looks_like_jpeg2000(bytes)) return decode_jpeg2000(bytes);
  return image_error("JPEG・PNG・JPEG 2000 のどれでもありません", "neither a JPEG, a PNG nor a JPEG 2000 image");
}

Expected<RgbImage> load_image(const std::string& path) {
  auto bytes = read_file(path, kReadLimitImage);
  if (!bytes) return bytes.error();
  auto img = decode_image(*bytes);
  if (!img) {
    Error e = img.error();
    e.message.ja = path + ": " + e.message.ja;
    e.message.en = path + ": " + e.message.en;
    return e;
  }
  return img;
}

Expected<std::string> encode_png(const RgbImage& image) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = png_uint_32(image.width);
  png.height = png_uint_32(image.height);
  png.format = PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&png, nullptr, &size, 0, image.pixels.data(), 0, nullptr))
    return make_error(ErrorKind::Internal, std::string("PNG に変換できません: ") + png.message,
                      std::string("cannot encode PNG: ") + png.message);
  std::string out(size, '\0');
  if (!png_image_write_to_memory(&png, &out[0], &size, 0, image.pixels.data(), 0, nullptr))
    return make_error(ErrorKind::Internal, std::string("PNG に変換できません: ") + png.message,
                      std::string("cannot encode PNG: ") + png.message);
  out.resize(size);
  return out;
}

}  // namespace caora
