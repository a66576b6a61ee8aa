// caora explain <code|symptom>: what a code means, its causes and fixes, offline.
#include "cmd/context.h"
#include "diag/lookup.h"
#include "diag/report.h"

namespace caora {

void setup_explain(CLI::App& app, Context& ctx) {
  auto query = std::make_shared<std::vector<std::string>>();
  app.add_option("query", *query, ctx.tr("エラーコード、エラー詳細コード、画面の表示、レシピID、または症状の言葉", "Error code, detail code, screen text, recipe id or symptom words"))->required()->check(utf8_text());
  app.callback([&ctx, query] {
    ctx.run = [&ctx, query]() -> int {
      auto set = ctx.recipes();
      if (!set) return ctx.fail(set.error());
      std::string q;
      for (const auto& part : *query) q += (q.empty() ? "" : " ") + part;
      LookupResult found = lookup(*set, q);
      Lang lang = ctx.lang();
      bool answered = found.recipe != nullptr && found.kind != LookupResult::Kind::NotFound;
      if (ctx.json) ctx.print_json(explain_json(found));
      // With --json the explain document above is the answer, candidates and all.
      FailureDetail detail;
      detail.json_printed = true;
      if (!answered) {
        if (!found.candidates.empty())
          detail.more = (lang == Lang::Ja ? "近いもの:\n" : "Nearest:\n") + candidates_text(found.candidates, lang);
        std::string shown = truncate_for_echo(q, kEchoMax);
        return ctx.fail(make_error(ErrorKind::Usage, "該当するものがありません: " + shown, "nothing matches: " + shown), detail);
      }
      if (found.kind == LookupResult::Kind::DetailMismatch) {
        detail.more = candidates_text(found.candidates, lang);
        return ctx.fail(make_error(ErrorKind::Usage, "詳細コード " + *found.detail + " は " + *found.code + " にはありません",
                                   "detail code " + *found.detail + " is not documented under " + *found.code),
                        detail);
      }
      if (!ctx.json) {
        if (found.kind == LookupResult::Kind::Ambiguous)
          ctx.out(lang == Lang::Ja ? "この詳細コードは複数のエラーコードにあります:\n" + candidates_text(found.candidates, lang) + "\n"
                                   : "This detail code belongs to several codes:\n" + candidates_text(found.candidates, lang) + "\n");
        ctx.out(explain_text(*found.recipe, found, *set, lang));
      }
      return kExitOk;
    };
  });
}

}  // namespace caora
