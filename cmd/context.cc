#include "cmd/context.h"
#include "workflows/firmware.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#ifdef _WIN32
#include <io.h>
#define caora_isatty _isatty
#define caora_fileno _fileno
#else
#include <unistd.h>
#define caora_isatty isatty
#define caora_fileno fileno
#endif

#include <spdlog/spdlog.h>

#include "host/recorded/recorded_host.h"

#include "core/encoding.h"
#include "core/state.h"
#include "core/strings.h"

namespace caora {

Lang Context::lang() const {
  Lang l;
  if (!lang_name.empty() && parse_lang(lang_name, &l)) return l;
  return lang_from_environment();
}

fs::path Context::state() const { return state_dir ? fs::u8path(*state_dir) : default_state_dir(); }

nlohmann::json snapshot_document(OpenedSite& site) {
  nlohmann::json meta = {{"taken_at", now_iso8601()}, {"backend", site.host->backend()}, {"site", site.description}};
  if (site.root) meta["root"] = site.root->u8string();
  return take_snapshot(*site.host, meta);
}

SiteOptions Context::site_options() const {
  SiteOptions o{root, site, profile, state(), {}};
  // "Is the software the latest?" is decided from the cached, verified manifest
  // when there is one; an unreadable cache leaves it unknown (firmware status says why).
  if (auto cached = load_cached_manifest(o.state_dir); cached && *cached) o.newest_known = newest_known_versions(**cached);
  return o;
}

static Error named_file_error(Error e) {
  if (e.kind == ErrorKind::Parse || e.kind == ErrorKind::NotFound || e.kind == ErrorKind::Encoding) e.kind = ErrorKind::Usage;
  return e;
}

Expected<RecipeSet> Context::recipes() const {
  if (!recipes_dir) return RecipeSet::embedded();
  auto set = RecipeSet::from_dir(fs::u8path(*recipes_dir));
  if (!set) return named_file_error(set.error());
  return set;
}

Expected<OpenedSite> Context::open() const {
  auto site = open_site(site_options());
  if (!site) return named_file_error(site.error());
  // A root that is there but is a file: say so, not "does not exist".
  std::error_code ec;
  if (site->root && fs::exists(*site->root, ec) && !fs::is_directory(*site->root, ec))
    return make_error(ErrorKind::Usage, "インストールフォルダとして指定されたものはフォルダではなくファイルです: " + display_path(*site->root),
                      "the install root is a file, not a folder: " + display_path(*site->root));
  return site;
}

const CLI::Validator& utf8_text() {
  static const CLI::Validator v(
      [](std::string& value) -> std::string {
        size_t bad = first_invalid_utf8(value);
        if (bad == std::string::npos) return "";
        return "not valid UTF-8 text (byte " + std::to_string(bad + 1) + " of " + std::to_string(value.size()) +
               "); check the terminal's character encoding / UTF-8 ではない文字があります";
      },
      "UTF-8");
  return v;
}

nlohmann::json error_json(const Error& e, int exit_code) {
  return {{"schema", "caora.error/1"}, {"error", {{"ja", e.message.ja}, {"en", e.message.en}}}, {"exit_code", exit_code}};
}

int exit_code_for_error(const Error& e) {
  switch (e.kind) {
    case ErrorKind::Usage: return kExitUsage;
    case ErrorKind::NeedsTechnician: return kExitTechnician;
    case ErrorKind::Internal: return kExitInternal;
    case ErrorKind::Locked: return kExitTechnician;
    default: return kExitProblem;
  }
}

int Context::fail(const Error& e, const FailureDetail& detail) const {
  int code = exit_code_for_error(e);
  spdlog::error("{} (exit {})", e.message.en, code);
  if (json && !detail.json_printed) {
    nlohmann::json doc = error_json(e, code);
    for (const auto& field : detail.fields.items()) doc[field.key()] = field.value();
    print_json(doc);
  }
  std::cerr << "caora: " << e.message.in(lang()) << "\n" << detail.more;
  return code;
}

// Strings that reach a document are checked at the command line, but a byte
// that slips through (a file name, a probe value) is replaced, not thrown.
void Context::print_json(const nlohmann::json& doc) const {
  std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void Context::out(const std::string& text) const { std::cout << text; }

Expected<std::map<std::string, std::string>> parse_pairs(const std::vector<std::string>& items, const char* option) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      return make_error(ErrorKind::Usage, std::string(option) + " は 名前=値 の形で指定してください: " + item,
                        std::string(option) + " takes name=value: " + item);
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

Expected<bool> parse_answer(const std::string& raw) {
  std::string v = to_lower_ascii(trim(fold_full_width(raw)));
  if (v == "yes" || v == "y" || v == "true" || v == "1" || v == "はい") return true;
  if (v == "no" || v == "n" || v == "false" || v == "0" || v == "いいえ") return false;
  return make_error(ErrorKind::Usage, "回答は yes か no で指定してください: " + raw, "an answer is yes or no: " + raw);
}

TerminalInteraction::TerminalInteraction(Lang lang, bool json)
    : lang_(lang),
      interactive_(caora_isatty(caora_fileno(stdin)) && caora_isatty(caora_fileno(stderr))),
      progress_(!json && caora_isatty(caora_fileno(stderr))) {}

std::optional<bool> TerminalInteraction::read_yes_no(bool allow_unknown) {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::string v = to_lower_ascii(trim(fold_full_width(line)));
    if (allow_unknown && (v.empty() || v == "?")) return std::nullopt;
    auto a = parse_answer(v);
    if (a) return *a;
    std::cerr << (lang_ == Lang::Ja ? "y か n で答えてください: " : "please answer y or n: ");
  }
  return std::nullopt;
}

std::optional<bool> TerminalInteraction::ask(const Question& q) {
  std::cerr << "\n? " << q.text.in(lang_) << (lang_ == Lang::Ja ? " [y/n/?] " : " [y/n/?] ");
  return read_yes_no(true);
}

bool TerminalInteraction::confirm(const Text& what, const std::vector<std::string>& changes) {
  std::cerr << "\n" << what.in(lang_) << "\n";
  for (const auto& c : changes) std::cerr << "  - " << c << "\n";
  std::cerr << (lang_ == Lang::Ja ? "実行しますか？ [y/N] " : "Apply? [y/N] ");
  auto a = read_yes_no(false);
  return a && *a;
}

bool TerminalInteraction::do_manual(const Step& step) {
  std::cerr << "\n▶ " << step.text.in(lang_) << "\n" << (lang_ == Lang::Ja ? "終わったら y、飛ばすなら n: " : "y when done, n to skip: ");
  auto a = read_yes_no(false);
  return a && *a;
}

std::optional<size_t> TerminalInteraction::choose(const Text& question, const std::vector<std::string>& options) {
  std::cerr << question.in(lang_) << "\n";
  for (size_t i = 0; i < options.size(); ++i) std::cerr << "  " << i + 1 << ") " << options[i] << "\n";
  std::string line;
  std::getline(std::cin, line);
  size_t pick = static_cast<size_t>(std::atoi(line.c_str()));
  if (pick >= 1 && pick <= options.size()) return pick - 1;
  return std::nullopt;
}

void TerminalInteraction::wait_seconds(int seconds, const Text& what) {
  for (int left = seconds; left > 0; --left) {
    std::cerr << "\r" << (lang_ == Lang::Ja ? "待機中 " : "waiting ") << left << "s  " << std::flush;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  std::cerr << "\r" << (lang_ == Lang::Ja ? "完了: " : "done: ") << what.in(lang_).substr(0, 0) << "          \n";
}

void TerminalInteraction::progress(const Text& what) {
  if (progress_) std::cerr << "\r\x1b[K" << what.in(lang_).substr(0, 160) << std::flush;
}

double clock_scale_from_env() {
  const char* v = std::getenv("CAORA_CLOCK_SCALE");
  if (!v || !*v) return 1.0;
  char* end = nullptr;
  double d = std::strtod(v, &end);
  return (end && !*end && d > 0 && d <= 100000) ? d : 1.0;
}

}  // namespace caora
