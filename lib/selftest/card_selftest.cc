#include "selftest/card_selftest.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "card/ocr/frame_header.h"
#include "core/fs.h"
#include "core/stopwatch.h"
#include "core/strings.h"
#include "image/image_io.h"

namespace caora::card {

namespace {

using Clock = std::chrono::steady_clock;


Finding placement_finding(const std::string& id) {
  const Text place_again = {"マイナンバーカードを顔写真の面を上にして縦向きで、奥に突き当たるまで差し込み、手を離してください。",
                            "Slide the My Number Card in upright, photo side up, until it stops at the back, and let go of it."};
  // An image without a card tells nothing of why (no card, pulled out, hidden): no cause.
  if (id == "card-not-found")
    return {id, "001", "error-001", "", "",
            {"カメラの画像にカードが見つかりません", "no card was found in the camera's picture"},
            place_again};
  if (id == "card-not-vertical")
    return {id, "001", "error-001", "card-sideways", "",
            {"カードが横向きに置かれています（縦向きに差し込みます）", "the card lies sideways (it goes in upright)"},
            place_again};
  if (id == "card-face-down")
    return {id, "001", "error-001", "card-face-down", "",
            {"顔写真の面が見えません: 裏返しか、マイナンバーカード以外のカードです",
             "the photo side is not visible: the card is face down, or not a My Number Card"},
            {"顔写真の面を上にして置き直してください。マイナンバーカード以外のカードは読めません。",
             "Place the card again photo side up. Cards other than the My Number Card cannot be read."}};
  if (id == "card-turned-round")
    return {id, "001", "error-001", "card-turned-round", "",
            {"カードが上下逆（180度回転）に差し込まれています", "the card is in the slot the wrong way round (turned by 180 degrees)"},
            {"カードの向きを180度変えて、縦向きで奥まで差し込んでください。",
             "Turn the card round by 180 degrees and slide it in upright, all the way to the back."}};
  if (id == "card-in-sleeve")
    return {id, "001", "error-001", "card-in-sleeve", "",
            {"カードの周りに保護ケースやカバーの縁が見えます", "the rim of a sleeve or cover shows around the card"},
            {"カードをケースやカバーから出して置き直してください。", "Take the card out of its sleeve or cover and place it again."}};
  if (id == "not-my-number-card")
    return {id, "001", "error-001", "not-my-number-card", "",
            {"マイナンバーカードではないようです（券面の「個人番号カード」の表示が見えません）",
             "this does not look like a My Number Card (its title 個人番号カード is not seen)"},
            {"マイナンバーカードを置いてください。", "Place the My Number Card."}};
  // hand-in-frame
  return {id, "001", "error-001", "hand-over-card", "",
          {"カードの上に手や指が写っています", "a hand or finger covers part of the card"},
          {"カードを奥まで差し込んだら、手を離してください。", "Once the card is pushed in to the back, take the hand away."}};
}

Finding field_finding(const std::string& field, bool invalid, const Error& e) {
  Text name = field == "birth_date"      ? Text{"生年月日", "birth date"}
              : field == "expiry_year"   ? Text{"有効期限の年", "expiry year"}
              : field == "security_code" ? Text{"セキュリティコード", "security code"}
                                         : Text{"照合番号B", "verification number B"};
  Finding f;
  f.id = invalid ? "field-invalid" : "field-unreadable";
  f.code = "101";
  f.recipe = "error-101";
  f.cause = "card-face-dirty-or-worn";
  f.field = field;
  f.what = invalid ? Text{name.ja + "として読んだ値が正しくありません: " + e.message.ja,
                          "the " + name.en + " read is not valid: " + e.message.en}
                   : Text{name.ja + "を読み取れません: " + e.message.ja, "the " + name.en + " cannot be read: " + e.message.en};
  f.advice = {"券面の汚れ・かすれ・反射を確かめ、カメラを拭いてから置き直してください。続く場合は caora diagnose 101 を実行します。",
              "Check the card face for dirt, wear or glare, wipe the camera and place the card again. If it persists, run caora diagnose 101."};
  return f;
}

}  // namespace

Expected<CardSelftest> CardSelftest::open(const std::string& tessdata_dir) {
  auto reader = TextReader::open(tessdata_dir);
  if (!reader) return reader.error();
  return CardSelftest(std::move(*reader));
}

Expected<CardSelftestReport> CardSelftest::run(const std::string& path) {
  CardSelftestReport r;
  r.image = path;
  auto start = Clock::now();
  auto lap = [&](const char* name, Clock::time_point t) { r.timings_ms.push_back({name, ms_since(t)}); };
  auto usage = [](Error e) {
    e.kind = ErrorKind::Usage;
    return e;
  };

  auto t = Clock::now();
  auto bytes = read_file(path, kReadLimitImage);
  if (!bytes) return usage(bytes.error());
  lap("read", t);
  if (bytes->empty())
    return make_error(ErrorKind::Usage, display_path(path) + ": 空のファイルです（画像ではありません）",
                      display_path(path) + ": the file is empty (not an image)");
  if (auto size = frame_size_from_header(*bytes)) {
    r.frame_width = size->width, r.frame_height = size->height;
    if (size->width <= 0 || size->height <= 0 || size->width * size->height > kMaxFramePixels)
      return make_error(
          ErrorKind::Usage,
          display_path(path) + ": 画像が大きすぎます（" + std::to_string(size->width) + "×" +
              std::to_string(size->height) + "、" + fixed(size->width * double(size->height) / 1e6, 1) +
              " メガピクセル）。カードカメラの画像は約2メガピクセル（1200×1600）で、扱えるのは " +
              std::to_string(kMaxFramePixels / 1000000) + " メガピクセルまでです",
          display_path(path) + ": the image is too large (" + std::to_string(size->width) + "x" +
              std::to_string(size->height) + ", " + fixed(size->width * double(size->height) / 1e6, 1) +
              " megapixels). The card camera's frame is about 2 megapixels (1200x1600); at most " +
              std::to_string(kMaxFramePixels / 1000000) + " are accepted");
  }
  t = Clock::now();
  auto frame = decode_image(*bytes);
  if (!frame) {
    Error e = frame.error();
    e.message = {display_path(path) + ": " + e.message.ja, display_path(path) + ": " + e.message.en};
    return usage(e);
  }
  r.frame_width = frame->width, r.frame_height = frame->height;
  if (long(frame->width) * frame->height > kMaxFramePixels)
    return make_error(ErrorKind::Usage, display_path(path) + ": 画像が大きすぎます", display_path(path) + ": the image is too large");
  lap("decode", t);

  t = Clock::now();
  FindResult found = find_card(*frame);
  lap("find", t);
  if (!found.card) {
    r.no_card = found.rejected;
    r.findings.push_back(placement_finding("card-not-found"));
    r.timings_ms.push_back({"total", ms_since(start)});
    return r;
  }

  t = Clock::now();
  GrayImage gray = to_gray(*frame);
  GrayImage upright = rectify(gray, found.card->quad, kPxPerMm);
  lap("rectify", t);

  // Orientation: the photo block sits top right on the upright card; turned by 180
  // degrees that place holds sparse text.
  t = Clock::now();
  // Judged on a small copy, flattened over a window wider than the photo so that a
  // shadow across the card is not taken for it.
  constexpr double kOrientPxPerMm = 4.0;
  GrayImage small = flatten_background(rectify(gray, found.card->quad, kOrientPxPerMm), int(kOrientPxPerMm * 4), 3);
  PhotoBlock b0 = photo_block(small, kOrientPxPerMm), b1 = photo_block(rotate180(small), kOrientPxPerMm);
  CardOutline outline = *found.card;
  // A shadow's edge can fill both places alike: then the red-purple title, at the bottom
  // left of the upright card, tells which way up it lies.
  constexpr double kPhotoTie = 0.05;
  bool turn = b1.filled > b0.filled;
  if (std::fabs(b1.filled - b0.filled) < kPhotoTie)
    turn = title_share_on(*frame, turned(outline.quad)) > title_share_on(*frame, outline.quad);
  if (turn) {
    upright = rotate180(upright);
    std::swap(b0, b1);
    outline.quad = turned(outline.quad);
  }
  r.outline = outline;
  r.photo_score = b0.filled;
  r.photo_tone = b0.tone;
  r.photo_score_turned = b1.filled;
  lap("orientation", t);

  t = Clock::now();
  r.placement = judge_placement({&*frame, outline.quad, b0.filled, b0.tone});
  lap("placement", t);
  static const std::pair<const char*, const char*> kVerdictFinding[] = {
      {"vertical", "card-not-vertical"}, {"face_up", "card-face-down"}, {"not_upside_down", "card-turned-round"},
      {"no_sleeve_glare", "card-in-sleeve"}, {"no_hand", "hand-in-frame"}, {"my_number_card", "not-my-number-card"}};
  for (const auto& [verdict, finding] : kVerdictFinding)
    if (const Verdict* v = r.placement->find(verdict); v && !v->ok) r.findings.push_back(placement_finding(finding));

  // Face down (or another card): there is no printed face to read.
  if (const Verdict* v = r.placement->find("face_up"); v && v->ok) {
    r.fields_read = true;
    auto t_prepare = Clock::now();
    // Cells of 2 mm, each on its own: a shadow's sharp edge stays sharp in the estimate.
    GrayImage flat = flatten_background(upright, int(kPxPerMm * 2), 0);
    GrayImage lines = box_blur3(flat);
    lap("prepare", t_prepare);
    r.fields = read_printed_fields(reader_, flat, lines);
    // Neither date line found: the photo block may have misled the orientation (a
    // sharp shadow across the card). Read the card turned round; keep what reads more.
    if (!r.fields.birth_date && !r.fields.expiry_year && r.fields.expiry.error && r.fields.birth.error) {
      auto t_turned = Clock::now();
      PrintedFields other = read_printed_fields(reader_, rotate180(flat), rotate180(lines));
      auto count = [](const PrintedFields& f) {
        return int(f.birth_date.has_value()) + int(f.expiry_year.has_value()) + int(f.security_code.has_value());
      };
      if (count(other) >= 2 && count(other) > count(r.fields)) {
        r.fields = other;
        outline.quad = turned(outline.quad);
        r.outline = outline;
        std::swap(r.photo_score, r.photo_score_turned);
        r.orientation_from_text = true;
        // The text decides which way up the card is; the photo block stays what it was.
        r.placement = judge_placement({&*frame, outline.quad, std::max(b0.filled, b1.filled), std::max(b0.tone, b1.tone)});
        r.findings.clear();
        for (const auto& [verdict, finding] : kVerdictFinding)
          if (const Verdict* pv = r.placement->find(verdict); pv && !pv->ok) r.findings.push_back(placement_finding(finding));
      }
      lap("orientation_by_text", t_turned);
    }
    r.timings_ms.push_back({"ocr_birth_date", r.fields.birth.ms});
    r.timings_ms.push_back({"ocr_expiry_year", r.fields.expiry.ms});
    r.timings_ms.push_back({"ocr_security_code", r.fields.code.ms});
    const std::pair<const char*, const FieldReading*> fields[] = {
        {"birth_date", &r.fields.birth}, {"expiry_year", &r.fields.expiry}, {"security_code", &r.fields.code}};
    for (const auto& [name, f] : fields)
      if (f->error) r.findings.push_back(field_finding(name, f->error->kind == ErrorKind::Parse, *f->error));
    if (r.fields.birth_date && r.fields.expiry_year && r.fields.security_code) {
      auto number = VerificationNumberB::make(*r.fields.birth_date, *r.fields.expiry_year, *r.fields.security_code);
      if (number) {
        r.number = *number;
      } else {
        r.number_error = number.error();
        r.findings.push_back(field_finding("verification_number_b", true, number.error()));
      }
    }
  }
  r.timings_ms.push_back({"total", ms_since(start)});
  return r;
}

namespace {

nlohmann::json text_json(const Text& t) { return {{"ja", t.ja}, {"en", t.en}}; }

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v % 100);
  return buf;
}

nlohmann::json field_json(const FieldReading& f, bool ran, bool has_value) {
  nlohmann::json j = {{"status", !ran ? "not_read" : has_value ? "read" : f.error && f.error->kind == ErrorKind::Parse ? "invalid" : "unreadable"},
                      {"text", f.text},
                      {"confidence", std::round(f.confidence * 10) / 10},
                      {"lines_tried", f.lines_tried},
                      {"readings", f.votes.size()},
                      {"agreeing", f.agreeing}};
  for (const auto& v : f.votes) j["votes"].push_back({{"model", v.model}, {"text", v.text}});
  if (f.where) j["box"] = {f.where->x0, f.where->y0, f.where->x1, f.where->y1};
  if (!f.other_lines.empty()) j["other_lines"] = f.other_lines;
  if (ran && f.error) j["error"] = text_json(f.error->message);
  return j;
}

}  // namespace

nlohmann::json card_selftest_json(const CardSelftestReport& r) {
  nlohmann::json doc = {{"schema", "caora.selftest.card/1"}, {"image", r.image}};
  doc["frame"] = {{"width", r.frame_width}, {"height", r.frame_height}};
  doc["card_found"] = r.outline.has_value();
  if (r.outline) {
    nlohmann::json quad = nlohmann::json::array();
    for (const Point& p : r.outline->quad) quad.push_back({std::round(p.x * 10) / 10, std::round(p.y * 10) / 10});
    doc["card_quad"] = quad;
    doc["card_area_ratio"] = std::round(r.outline->area_ratio * 1000) / 1000;
    doc["card_aspect"] = std::round(r.outline->aspect * 1000) / 1000;
  } else {
    doc["card_quad"] = nullptr;
    doc["card_rejected"] = {{"largest_area_ratio", std::round(r.no_card.largest_area_ratio * 1000) / 1000},
                            {"aspect", std::round(r.no_card.aspect * 1000) / 1000},
                            {"min_area_ratio", kMinCardAreaRatio},
                            {"aspect_range", {kMinAspect, kMaxAspect}}};
  }
  if (r.placement) {
    doc["rotation"] = r.placement->rotation;
    doc["skew_degrees"] = std::round(r.placement->skew * 10) / 10;
    auto ok = [&](const char* id) {
      const Verdict* v = r.placement->find(id);
      return v == nullptr || v->ok;
    };
    nlohmann::json verdicts = nlohmann::json::array();
    for (const auto& v : r.placement->verdicts)
      verdicts.push_back({{"id", v.id}, {"ok", v.ok}, {"measured", std::round(v.measured * 10000) / 10000},
                          {"threshold", v.threshold}, {"measure", v.measure}});
    // The problems as booleans, named as in the card generator's ground truth.
    doc["placement"] = {{"vertical", ok("vertical")}, {"face_up", ok("face_up")}, {"upside_down", !ok("not_upside_down")},
                        {"sleeve", !ok("no_sleeve_glare")}, {"hand", !ok("no_hand")},
                        {"my_number_card", ok("my_number_card")}, {"verdicts", verdicts}};
    doc["placement_measures"] = {{"glare_share", std::round(r.placement->glare_share * 10000) / 10000},
                                 {"sleeve_rim", std::round(r.placement->sleeve_rim * 10) / 10},
                                 {"skin_share", std::round(r.placement->skin_share * 10000) / 10000},
                                 {"skin_share_any", std::round(r.placement->skin_share_any * 10000) / 10000},
                                 {"title_colour", std::round(r.placement->title_colour * 10000) / 10000},
                                 {"paper_chroma", std::round(r.placement->paper_chroma * 1000) / 1000}};
  } else {
    doc["rotation"] = nullptr;
    doc["placement"] = nullptr;
  }
  const PrintedFields& f = r.fields;
  if (f.birth_date)
    doc["birth_date"] = {{"era", era_name(f.birth_date->era)}, {"yy", two(f.birth_date->year)},
                         {"mm", two(f.birth_date->month)}, {"dd", two(f.birth_date->day)},
                         {"gregorian", std::to_string(f.birth_date->gregorian().year) + "-" +
                                           two(f.birth_date->gregorian().month) + "-" + two(f.birth_date->gregorian().day)}};
  else
    doc["birth_date"] = nullptr;
  doc["expiry_year"] = f.expiry_year ? nlohmann::json(std::to_string(*f.expiry_year)) : nlohmann::json(nullptr);
  doc["security_code"] = f.security_code ? nlohmann::json(*f.security_code) : nlohmann::json(nullptr);
  doc["verification_number_b"] = r.number ? nlohmann::json(r.number->digits()) : nlohmann::json(nullptr);
  doc["confidence"] = {{"birth_date", std::round(f.birth.confidence * 10) / 10},
                       {"expiry_year", std::round(f.expiry.confidence * 10) / 10},
                       {"security_code", std::round(f.code.confidence * 10) / 10}};
  doc["fields"] = {{"birth_date", field_json(f.birth, r.fields_read, f.birth_date.has_value())},
                   {"expiry_year", field_json(f.expiry, r.fields_read, f.expiry_year.has_value())},
                   {"security_code", field_json(f.code, r.fields_read, f.security_code.has_value())}};
  if (r.number_error) doc["fields"]["verification_number_b"] = {{"status", "invalid"}, {"error", text_json(r.number_error->message)}};
  doc["orientation_from_text"] = r.orientation_from_text;
  doc["photo_block"] = {{"score", std::round(r.photo_score * 1000) / 1000},
                        {"tone", std::round(r.photo_tone * 1000) / 1000},
                        {"score_turned", std::round(r.photo_score_turned * 1000) / 1000}};
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& x : r.findings) {
    nlohmann::json j = {{"id", x.id}, {"code", x.code}, {"recipe", x.recipe}, {"what", text_json(x.what)},
                        {"advice", text_json(x.advice)}};
    j["cause"] = x.cause.empty() ? nlohmann::json(nullptr) : nlohmann::json(x.cause);
    if (!x.field.empty()) j["field"] = x.field;
    findings.push_back(j);
  }
  doc["findings"] = findings;
  nlohmann::json timings = nlohmann::json::object();
  for (const auto& [name, ms] : r.timings_ms) timings[name] = std::round(ms * 10) / 10;
  doc["timings_ms"] = timings;
  return doc;
}

Text card_selftest_text(const CardSelftestReport& r) {
  Text out;
  auto add = [&](const std::string& ja, const std::string& en) {
    out.ja += ja;
    out.en += en;
  };
  add("カードの自己診断: " + r.image + "\n", "card self-test: " + r.image + "\n");
  if (!r.outline) {
    add("  ✗ カードが見つかりません（最大の明るい領域: 画像の " + fixed(r.no_card.largest_area_ratio * 100, 1) + "%）\n",
        "  ✗ no card found (largest light region: " + fixed(r.no_card.largest_area_ratio * 100, 1) + "% of the frame)\n");
  } else {
    add("  ✓ カードを検出（画像の " + fixed(r.outline->area_ratio * 100, 0) + "%、縦横比 " + fixed(r.outline->aspect, 2) + "）\n",
        "  ✓ card found (" + fixed(r.outline->area_ratio * 100, 0) + "% of the frame, aspect " + fixed(r.outline->aspect, 2) + ")\n");
  }
  if (r.placement) {
    const Placement& p = *r.placement;
    add("  向き: 反時計回りに " + std::to_string(p.rotation) + "°（傾き " + fixed(p.skew, 1) + "°）\n",
        "  rotation: " + std::to_string(p.rotation) + "° counter-clockwise (skew " + fixed(p.skew, 1) + "°)\n");
    for (const auto& v : p.verdicts) {
      std::string mark = v.ok ? "  ✓ " : "  ✗ ";
      if (v.id == "vertical")
        add(mark + (v.ok ? "縦向き\n" : "縦向きではありません\n"), mark + (v.ok ? "upright\n" : "not upright\n"));
      else if (v.id == "face_up")
        add(mark + (v.ok ? "表向き" : "顔写真の面が見えません") + "（写真の領域 " + fixed(v.measured, 2) + "、基準 " + fixed(v.threshold, 2) + " 以上）\n",
            mark + (v.ok ? "photo side up" : "photo side not visible") + " (photo block " + fixed(v.measured, 2) + ", needs " + fixed(v.threshold, 2) + ")\n");
      else if (v.id == "not_upside_down")
        add(mark + (v.ok ? "上下の向きは正しい\n" : "上下逆\n"), mark + (v.ok ? "not turned round\n" : "turned round\n"));
      else if (v.id == "no_sleeve_glare")
        add(mark + (v.ok ? "保護ケースなし" : "保護ケースの縁が見えます") + "（縁の明るさ " + fixed(p.sleeve_rim, 0) + "、基準 " +
                fixed(kSleeveMinRim, 0) + " 未満。白い反射 " + fixed(p.glare_share * 100, 1) + "%）\n",
            mark + (v.ok ? "no sleeve" : "a sleeve's rim around the card") + " (rim " + fixed(p.sleeve_rim, 0) + ", limit " +
                fixed(kSleeveMinRim, 0) + "; white glare " + fixed(p.glare_share * 100, 1) + "%)\n");
      else if (v.id == "my_number_card")
        add(mark + (v.ok ? "マイナンバーカードの表示あり" : "マイナンバーカードの表示が見えません") + "（" + fixed(v.measured, 2) + "）\n",
            mark + (v.ok ? "My Number Card title seen" : "no My Number Card title") + " (" + fixed(v.measured, 2) + ")\n");
      else if (v.id == "no_hand")
        add(mark + (v.ok ? "手の写り込みなし" : "手が写っています") + "（カードの外から続く肌色 " + fixed(v.measured * 100, 1) + "%、基準 " + fixed(v.threshold * 100, 1) + "% 未満）\n",
            mark + (v.ok ? "no hand" : "hand over the card") + " (skin reaching in from outside the card " + fixed(v.measured * 100, 1) + "%, limit " + fixed(v.threshold * 100, 1) + "%)\n");
    }
  }
  if (r.fields_read) {
    const PrintedFields& f = r.fields;
    auto line = [&](const char* ja, const char* en, bool ok, const std::string& value, const FieldReading& fr) {
      std::string conf = " (" + fixed(fr.confidence, 0) + "%)";
      if (ok)
        add(std::string("  ✓ ") + ja + ": " + value + conf + "\n", std::string("  ✓ ") + en + ": " + value + conf + "\n");
      else
        add(std::string("  ✗ ") + ja + ": " + (fr.error ? fr.error->message.ja : "") + "\n",
            std::string("  ✗ ") + en + ": " + (fr.error ? fr.error->message.en : "") + "\n");
    };
    std::string birth = f.birth_date ? std::string(era_name(f.birth_date->era)) +
                                           (f.birth_date->year == 1 ? "元" : std::to_string(f.birth_date->year)) + "年" +
                                           std::to_string(f.birth_date->month) + "月" + std::to_string(f.birth_date->day) +
                                           "日 → " + f.birth_date->yymmdd()
                                     : "";
    line("生年月日", "birth date", f.birth_date.has_value(), birth, f.birth);
    line("有効期限の年", "expiry year", f.expiry_year.has_value(), f.expiry_year ? std::to_string(*f.expiry_year) : "", f.expiry);
    line("セキュリティコード", "security code", f.security_code.has_value(), f.security_code.value_or(""), f.code);
    if (r.number)
      add("  ✓ 照合番号B: " + r.number->digits() + "\n", "  ✓ verification number B: " + r.number->digits() + "\n");
    else if (r.number_error)
      add("  ✗ 照合番号B: " + r.number_error->message.ja + "\n", "  ✗ verification number B: " + r.number_error->message.en + "\n");
    else
      add("  ✗ 照合番号B: 読めない項目があるため作れません\n", "  ✗ verification number B: not made, a field is missing\n");
  }
  for (const auto& f : r.findings)
    add("  → " + f.code + " (" + f.recipe + (f.cause.empty() ? "" : " / " + f.cause) + "): " + f.what.ja + "\n      " + f.advice.ja + "\n",
        "  → " + f.code + " (" + f.recipe + (f.cause.empty() ? "" : " / " + f.cause) + "): " + f.what.en + "\n      " + f.advice.en + "\n");
  std::string ja = "  時間:", en = "  timings:";
  for (size_t i = 0; i < r.timings_ms.size(); ++i) {
    std::string item = std::string(i ? ", " : " ") + r.timings_ms[i].first + " " + fixed(r.timings_ms[i].second, 0) + " ms";
    ja += item, en += item;
  }
  add(ja + "\n", en + "\n");
  return out;
}

}  // namespace caora::card
