#include "cmd/selftest_helper.h"

#include <cstdlib>

#include "core/helper_exec.h"

namespace caora {

int run_in_selftest_helper(const Context& ctx, const std::string& stage, const Text& not_built) {
#ifdef CAORA_SELFTEST_HELPER
  (void)not_built;
  HelperSearch search = find_helper(CAORA_SELFTEST_HELPER, "CAORA_SELFTEST_HELPER", "caora");
  if (!search.found) {
    std::string tried;
    for (const auto& p : search.tried) tried += (tried.empty() ? "" : ", ") + display_path(p);
    return ctx.fail(make_error(
        ErrorKind::Unsupported,
        "selftest " + stage + " は使えません: 自己診断の補助プログラム " CAORA_SELFTEST_HELPER " が見つかりません（" + tried +
            "。CAORA_SELFTEST_HELPER で場所を指定できます）",
        "selftest " + stage + " is not available: its helper " CAORA_SELFTEST_HELPER " was not found (looked at " + tried +
            "; CAORA_SELFTEST_HELPER names another)"));
  }
#ifndef _WIN32
  // Tesseract runs its networks' loops on an OpenMP team. The card stage already reads
  // two lines at once on two threads, so on the terminal's 2 cores the extra threads
  // only spin and wait for one another: measured, a card's OCR took about three times
  // as long with them (bench/selftest_pipeline.sh). libgomp reads its limit from the
  // environment when it loads, so it is set before the helper starts; a limit the
  // user set is kept.
  ::setenv("OMP_THREAD_LIMIT", "1", 0);
#endif
  Expected<int> code = run_helper(*search.found, ctx.argv);
  if (code) return *code;
  return ctx.fail(make_error(ErrorKind::Unsupported, "selftest " + stage + " は使えません: " + code.error().message.ja,
                             "selftest " + stage + " is not available: " + code.error().message.en));
#else
  (void)stage;
  return ctx.fail(Error{ErrorKind::Unsupported, not_built});
#endif
}

}  // namespace caora
