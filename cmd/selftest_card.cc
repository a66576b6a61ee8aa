// caora selftest card IMAGE: the card half of the headless self-test. From one frame of
// the slot camera: is the card there and placed right (error 001's rules), are the
// birth date, the expiry year and the security code read (error 101 when not), and
// the 照合番号B they make. Exit 0 when all is well, 1 when a problem was found.
// The stages and the report live in lib/card/ocr; this file wires and prints.
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cmd/context.h"
#if CAORA_CARD_OCR
#include "card/ocr/card_selftest.h"
#endif

namespace caora {

namespace {

struct CardOptions {
  // The options of the card stage, so that the face stage's are refused with it.
  std::set<std::string> own;
  // The chip stage (--reader, --photo, --force) adds its options here.
};

int run_card(const Context& ctx, const CLI::App& app, const CardOptions& opt, const std::vector<std::string>& images) {
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_positional() || o->count() == 0 || o->get_lnames().empty()) continue;
    std::string name = "--" + o->get_lnames()[0];
    if (name != "--help" && !opt.own.count(name))
      return ctx.fail(make_error(ErrorKind::Usage, name + " は selftest face のオプションです（selftest card では使えません）",
                                 name + " is an option of selftest face, not of selftest card"));
  }
  if (images.size() != 1)
    return ctx.fail(make_error(ErrorKind::Usage, "selftest card にはカードカメラの画像を1つ指定してください",
                               "selftest card takes one image: the card camera's frame"));
#if CAORA_CARD_OCR
  auto dir = card::find_tessdata_dir();
  if (!dir) return ctx.fail(dir.error());
  auto start = std::chrono::steady_clock::now();
  auto selftest = card::CardSelftest::open(*dir);
  if (!selftest) return ctx.fail(selftest.error());
  double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  auto report = selftest->run(images[0]);
  if (!report) return ctx.fail(report.error());
  report->timings_ms.insert(report->timings_ms.begin(), {"load_ocr", load_ms});
  // The chip stage goes here: with a reader named and report->number set, it runs
  // run_chip_stage() and adds its "chip" object and lines to what is printed below.
  int code = report->findings.empty() && report->number ? kExitOk : kExitProblem;
  if (ctx.json)
    ctx.print_json(card::card_selftest_json(*report));
  else
    ctx.out(card::card_selftest_text(*report).in(ctx.lang()));
  return code;
#else
  return ctx.fail(make_error(ErrorKind::Unsupported,
                             "この caora は券面の文字認識（Tesseract）なしでビルドされているため、selftest card は使えません",
                             "selftest card is not available: this caora was built without the card-face OCR (Tesseract)"));
#endif
}

}  // namespace

// Called by setup_selftest: declares the card stage's options on `selftest` and returns
// what runs the stage with the images given.
std::function<int(const std::vector<std::string>&)> setup_selftest_card(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<CardOptions>();
  return [&ctx, &app, opt](const std::vector<std::string>& images) { return run_card(ctx, app, *opt, images); };
}

}  // namespace caora
