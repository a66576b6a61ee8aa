// caora list: the recipes (filter by kind and audience), or the probe/action vocabulary.
#include <algorithm>

#include "cmd/context.h"
#include "diag/report.h"
#include "host/vocabulary.h"

namespace caora {

namespace {

nlohmann::json probe_item(const ProbeSpec& p) {
  nlohmann::json item = {{"name", p.name},
                         {"kind", "probe"},
                         {"type", value_type_name(p.type)},
                         {"description", text_json(p.description)},
                         {"slow", p.slow},
                         {"platforms", platform_names(p.platforms)}};
  if (p.type == ValueType::RecordList) {
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& f : p.fields)
      fields.push_back({{"name", f.name}, {"type", field_type_name(f.type)}, {"description", text_json(f.description)},
                        {"required", f.required}});
    item["fields"] = fields;
  }
  return item;
}

// "usb.units.detail  (record_list; linux, windows)  …", a record list's fields indented below.
std::string probe_text(const ProbeSpec& p, Lang lang) {
  std::string platforms;
  for (const auto& n : platform_names(p.platforms)) platforms += (platforms.empty() ? "" : ", ") + n;
  std::string text = std::string(p.name) + "  (" + value_type_name(p.type) + "; " + platforms + ")  " + p.description.in(lang) + "\n";
  for (const auto& f : p.fields)
    text += std::string("    ") + f.name + "  (" + field_type_name(f.type) + (f.required ? "" : lang == Lang::Ja ? "、省略可" : ", optional") +
            ")  " + f.description.in(lang) + "\n";
  return text;
}

}  // namespace

void setup_list(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string kind, audience;
    bool probes = false, actions = false;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--kind", o->kind, ctx.tr("この種類だけ", "Only this kind"))->check(CLI::IsMember({"error", "screen", "qa", "faq"}));
  app.add_option("--audience", o->audience, ctx.tr("この対象者向けのレシピだけ", "Only recipes for this audience"))->check(CLI::IsMember({"patient", "staff", "technician", "desk"}));
  app.add_flag("--probes", o->probes, ctx.tr("代わりにプローブ（caora が読み取る事実）を一覧する", "List the probes (facts caora reads) instead"));
  app.add_flag("--actions", o->actions, ctx.tr("代わりにアクション（caora が行う変更）を一覧する", "List the actions (changes caora makes) instead"));
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> int {
      Lang lang = ctx.lang();
      if (o->probes || o->actions) {
        nlohmann::json items = nlohmann::json::array();
        std::string text;
        if (o->probes)
          for (const auto& p : probe_specs()) {
            items.push_back(probe_item(p));
            text += probe_text(p, lang);
          }
        if (o->actions)
          for (const auto& a : action_specs()) {
            items.push_back({{"name", a.name}, {"kind", "action"}, {"description", text_json(a.description)}, {"needs_restart", a.needs_restart}});
            text += std::string(a.name) + "  " + a.description.in(lang) + "\n";
          }
        if (ctx.json) ctx.print_json({{"schema", "caora.vocabulary/1"}, {"items", items}});
        else ctx.out(text);
        return kExitOk;
      }
      auto set = ctx.recipes();
      if (!set) return ctx.fail(set.error());
      nlohmann::json items = nlohmann::json::array();
      std::string text;
      for (const auto& r : set->recipes()) {
        if (!o->kind.empty() && r.kind != o->kind) continue;
        if (!o->audience.empty() && std::find(r.audience.begin(), r.audience.end(), o->audience) == r.audience.end()) continue;
        nlohmann::json details = nlohmann::json::array();
        for (const auto& d : r.details) details.push_back(d.code);
        items.push_back({{"recipe", r.id}, {"kind", r.kind}, {"codes", r.codes}, {"details", details}, {"audience", r.audience},
                         {"source", source_json(r)}, {"title", text_json(r.title)}});
        std::string code = r.codes.empty() ? "" : r.codes.front();
        text += r.id + std::string(std::max<int>(1, 14 - static_cast<int>(r.id.size())), ' ') + code +
                std::string(std::max<int>(1, 9 - static_cast<int>(code.size())), ' ') + r.title.in(lang) + "\n";
      }
      if (ctx.json) ctx.print_json({{"schema", "caora.list/1"}, {"recipes", items}});
      else ctx.out(text);
      return kExitOk;
    };
  });
}

}  // namespace caora
