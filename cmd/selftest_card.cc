// caora selftest card IMAGE: the card half of the headless self-test. From one frame of
// the slot camera: is the card there and placed right (error 001's rules), are the
// birth date, the expiry year and the security code read (error 101 when not), and
// the 照合番号B they make. Exit 0 when all is well, 1 when a problem was found.
// The stages and the report live in lib/selftest; this file wires and prints (in caora,
// which links none of the stages, it hands the run to caora-selftest).
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cmd/context.h"
#include "cmd/selftest_helper.h"
#if CAORA_CARD_OCR
#include <chrono>

#include "selftest/card_selftest.h"
#include "selftest/chip_photo.h"
#endif

namespace caora {

namespace {

struct CardOptions {
  // The options of the card stage, so that the face stage's are refused with it.
  std::set<std::string> own;
  // The chip stage (--reader, --photo, --force) adds its options here.
  std::optional<std::string> reader;
  std::optional<std::string> photo;
  bool force = false;
};

#if CAORA_CARD_OCR
// 5 when the reader is not there; 1 for everything the card or the reader says is wrong.
int chip_exit_code(const ChipStageResult& chip) {
  if (chip.status == ChipStatus::NoReader) return kExitNoDevice;
  return chip.status == ChipStatus::Ok && !chip.photo.error ? kExitOk : kExitProblem;
}
#endif

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
  if (!opt.reader && (opt.photo || opt.force))
    return ctx.fail(make_error(ErrorKind::Usage, "--photo と --force は --reader と一緒に指定してください",
                               "--photo and --force go with --reader"));
  if (opt.photo) {
    // Found out before the card is touched, not after a VERIFY has been spent.
    fs::path folder = fs::path(*opt.photo).parent_path();
    std::error_code ec;
    if (!folder.empty() && !fs::is_directory(folder, ec))
      return ctx.fail(make_error(ErrorKind::Usage, "--photo のフォルダがありません: " + folder.string(),
                                 "--photo: no such folder: " + folder.string()));
  }
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
  int code = report->findings.empty() && report->number ? kExitOk : kExitProblem;
  std::optional<ChipStageResult> chip;
  if (opt.reader && report->number) {
    chip = card::run_chip_with_photo(*opt.reader, *report->number, opt.force, opt.photo);
    int chip_code = chip_exit_code(*chip);
    if (chip_code == kExitNoDevice || code == kExitOk) code = chip_code;
  }
  // Without a 照合番号B the card is not touched: the chip object says why.
  const Text not_run{"照合番号Bが券面から読めなかったため、チップは読んでいません",
                     "the chip was not read: no verification number B was read off the card face"};
  if (ctx.json) {
    auto doc = card::card_selftest_json(*report);
    if (chip)
      doc["chip"] = chip_stage_json(*chip);
    else if (opt.reader)
      doc["chip"] = {{"reader", *opt.reader}, {"status", "not_run"}, {"message", {{"ja", not_run.ja}, {"en", not_run.en}}}};
    ctx.print_json(doc);
  } else {
    std::string text = card::card_selftest_text(*report).in(ctx.lang());
    if (chip)
      text += chip_stage_text(*chip).in(ctx.lang());
    else if (opt.reader)
      text += "  ✗ " + not_run.in(ctx.lang()) + "\n";
    ctx.out(text);
  }
  return code;
#else
  // The usage is checked above, so that a mistake is told without starting caora-selftest.
  return run_in_selftest_helper(ctx, "card",
                                {"この caora は券面の文字認識（Tesseract）なしでビルドされているため、selftest card は使えません",
                                 "selftest card is not available: this caora was built without the card-face OCR (Tesseract)"});
#endif
}

}  // namespace

// Called by setup_selftest: declares the card stage's options on `selftest` and returns
// what runs the stage with the images given.
std::function<int(const std::vector<std::string>&)> setup_selftest_card(CLI::App& app, Context& ctx,
                                                                        std::optional<std::string>** reader,
                                                                        bool** force) {
  auto opt = std::make_shared<CardOptions>();
  // `selftest run` reads these too; the shared_ptr lives as long as the callbacks.
  *reader = &opt->reader;
  *force = &opt->force;
  app.add_option("--reader", opt->reader,
                 ctx.tr("card: このリーダライタ（PC/SC の名前、または名前の先頭）のカードのチップで照合番号Bを照合し、顔写真を読む",
                        "card: verify the verification number B with the chip of the card in this reader (its PC/SC "
                        "name, or the start of it) and read the face photo"));
  app.add_option("--photo", opt->photo,
                 ctx.tr("card: チップから読んだ顔写真を PNG で保存する", "card: save the face photo read from the chip as PNG"));
  app.add_flag("--force", opt->force,
               ctx.tr("card: 残り1回でも照合する（番号が違えばカードがロックされます）",
                      "card: verify even with one try left (a wrong number then locks the card)"));
  opt->own.insert({"--reader", "--photo", "--force"});
  return [&ctx, &app, opt](const std::vector<std::string>& images) { return run_card(ctx, app, *opt, images); };
}

}  // namespace caora
