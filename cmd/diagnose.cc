// caora diagnose <code> [detail]: detect, and with --fix resolve and verify.
#include <set>

#include "cmd/context.h"
#include "core/lock.h"
#include "diag/doctor.h"
#include "diag/lookup.h"
#include "diag/report.h"

namespace caora {

// A query that names no one recipe: a usage error with the candidates.
static int not_exact(const Context& ctx, const LookupResult& found, const std::string& query) {
  Text msg;
  switch (found.kind) {
    case LookupResult::Kind::Ambiguous:
      msg = {"この詳細コードは複数のエラーコードにあります。コードも指定してください（例: caora diagnose 011 " + found.detail.value_or("") + "）",
             "this detail code belongs to several codes; give the code too (e.g. caora diagnose 011 " + found.detail.value_or("") + ")"};
      break;
    case LookupResult::Kind::DetailMismatch:
      msg = {"詳細コード " + found.detail.value_or("") + " は " + found.code.value_or("") + " にはありません",
             "detail code " + found.detail.value_or("") + " is not documented under " + found.code.value_or("")};
      break;
    case LookupResult::Kind::FreeText:
      msg = {"コードではなく症状として検索しました。レシピIDを指定してください（caora explain で詳細）",
             "that is a symptom, not a code: pick a recipe id below (caora explain shows each)"};
      break;
    default:
      msg = {"該当するコードがありません: " + truncate_for_echo(query, kEchoMax), "unknown code: " + truncate_for_echo(query, kEchoMax)};
  }
  FailureDetail detail;
  detail.fields = {{"code", found.code ? nlohmann::json(*found.code) : nlohmann::json(nullptr)},
                   {"detail", found.detail ? nlohmann::json(*found.detail) : nlohmann::json(nullptr)},
                   {"candidates", explain_json(found)["candidates"]}};
  Lang lang = ctx.lang();
  if (!found.candidates.empty())
    detail.more = (lang == Lang::Ja ? "候補:\n" : "Candidates:\n") + candidates_text(found.candidates, lang);
  return ctx.fail(Error{ErrorKind::Usage, msg}, detail);
}

void setup_diagnose(CLI::App& app, Context& ctx) {
  struct Opts {
    std::vector<std::string> query, answers, ticket;
    bool fix = false, reboot = false;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("query", o->query, ctx.tr("エラーコード、エラー詳細コード、画面の表示、レシピID（両方なら コード 詳細コード）", "Error code, detail code, screen text or recipe id (CODE DETAIL for both)"))->required()->check(utf8_text());
  app.add_flag("--fix", o->fix, ctx.tr("自動で直せるものを直す（先に確認します。スクリプトでは --yes）", "Apply the automatic fixes (asks first; --yes for scripts)"));
  app.add_flag("--reboot", o->reboot, ctx.tr("修正に資格確認端末の再起動が必要なら予約する（--yes だけでは再起動しません）", "Schedule a restart of the terminal when a fix needs one (--yes alone never restarts it)"));
  app.add_option("--answer", o->answers, ctx.tr("質問に前もって答える: ID=yes|no（繰り返し可）", "Answer a question without a prompt: ID=yes|no (repeatable)"))->check(utf8_text());
  app.add_option("--ticket", o->ticket, ctx.tr("問い合わせ項目を埋める: 項目=値（institution, contact, phenomenon など）", "Fill an escalation field: FIELD=VALUE (institution, contact, phenomenon, ...)"))->check(utf8_text());
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> int {
      auto set = ctx.recipes();
      if (!set) return ctx.fail(set.error());
      std::string query;
      for (const auto& q : o->query) query += (query.empty() ? "" : " ") + q;
      LookupResult found = lookup(*set, query);
      Lang lang = ctx.lang();
      TerminalInteraction io(lang, ctx.json);
      if (found.kind == LookupResult::Kind::Ambiguous && io.interactive() && !ctx.json) {
        std::vector<std::string> options;
        for (const auto& c : found.candidates) options.push_back(c.recipe->codes.front() + "  " + c.recipe->title.in(lang));
        auto pick = io.choose({"この詳細コードは複数のエラーコードにあります。どれですか？", "This detail code belongs to several codes. Which one?"},
                              options);
        if (pick) {
          found.recipe = found.candidates[*pick].recipe;
          found.code = found.recipe->codes.front();
          found.kind = LookupResult::Kind::Exact;
        }
      }
      if (found.kind != LookupResult::Kind::Exact) return not_exact(ctx, found, query);
      RunOptions opts;
      opts.fix = o->fix;
      opts.yes = ctx.yes;
      opts.dry_run = ctx.dry_run;
      opts.reboot = o->reboot;
      opts.code = found.code;
      opts.detail = found.detail;
      auto answers = parse_pairs(o->answers, "--answer");
      if (!answers) return ctx.fail(answers.error());
      std::set<std::string> questions;
      for (const auto& c : found.recipe->causes)
        if (c.detect && c.detect->question) questions.insert(c.detect->question->id);
      for (const auto& a : *answers) {
        // Confirming an assumed fact (assumed-reader_software=yes) is open to every recipe.
        if (!questions.count(a.first) && !is_assumed_answer_id(a.first)) {
          std::string known;
          for (const auto& q : questions) known += (known.empty() ? "" : ", ") + q;
          if (known.empty()) known = "-";
          return ctx.fail(make_error(ErrorKind::Usage, "--answer " + a.first + ": " + found.recipe->id + " にこの質問はありません（質問: " + known + "）",
                                     "--answer " + a.first + ": " + found.recipe->id + " asks no such question (its questions: " + known + ")"));
        }
        auto v = parse_answer(a.second);
        if (!v) return ctx.fail(v.error());
        opts.answers[a.first] = *v;
      }
      auto ticket = parse_pairs(o->ticket, "--ticket");
      if (!ticket) return ctx.fail(ticket.error());
      for (const auto& t : *ticket)
        if (!is_ticket_field(t.first))
          return ctx.fail(make_error(ErrorKind::Usage, "--ticket " + t.first + ": そのような項目はありません（" + ticket_fields_list() + "）",
                                     "--ticket " + t.first + ": no such field (" + ticket_fields_list() + ")"));
      opts.ticket = *ticket;

      auto site = ctx.open();
      if (!site) return ctx.fail(site.error());
      // Only a run that may change the site takes the lock.
      std::optional<SiteLock> lock;
      if (opts.fix && !opts.dry_run) {
        auto l = SiteLock::acquire(ctx.state());
        if (!l) return ctx.fail(l.error());
        lock.emplace(std::move(l.value()));
      }
      Journal journal(ctx.state());
      Report report = run_recipe(*found.recipe, *set, *site->host, &journal, io, opts);
      if (io.interactive()) io.progress({"", ""});
      if (ctx.json) {
        nlohmann::json doc = diagnose_json(report, *set);
        doc["terminal"] = terminal_json(*site->host);
        ctx.print_json(doc);
      }
      else ctx.out(diagnose_text(report, *set, lang));
      return exit_code_for(report.status);
    };
  });
}

}  // namespace caora
