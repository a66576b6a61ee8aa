// The install root's actions, one table entry each. They only change files,
// so each is a list of file changes: the journal backs them up, writes them
// and restores them on undo; there is nothing for the backend to act or
// reverse by itself.
#include <optional>

#include "core/strings.h"
#include "host/install_root/file_site.h"

namespace caora {

using nlohmann::json;

namespace {

std::string describe_one(const FileChange& c, const std::string& rel_path, const std::string& new_detail) {
  switch (c.op) {
    case FileChange::Op::Modify: return "write " + rel_path + new_detail;
    case FileChange::Op::Remove: return "remove " + rel_path + " (backed up first)";
    case FileChange::Op::RemoveTree: return "archive to the state folder, then remove " + rel_path;
  }
  return rel_path;
}

// Where a change would really land: every symbolic link on the way resolved.
// A change whose file is outside the install root is refused, whatever the
// link; a file that is itself a link inside the root is written through (the
// link stays a link) but not removed, since undo could not bring a link back.
std::optional<Text> refusal_for(const fs::path& root, const FileChange& c) {
  std::error_code ec;
  fs::path real_root = fs::weakly_canonical(fs::absolute(root, ec), ec);
  fs::path real = fs::weakly_canonical(fs::absolute(c.path, ec), ec);
  if (ec) return Text{"変更先を確認できません: " + display_path(c.path), "cannot resolve where " + display_path(c.path) + " leads: " + ec.message()};
  fs::path rel = real.lexically_relative(real_root);
  bool inside = !rel.empty() && *rel.begin() != "..";
  if (!inside)
    return Text{display_path(c.path) + " はシンボリックリンクを通してインストールフォルダの外（" + display_path(real) +
                    "）を指しているため、変更しません",
                "refusing to change " + display_path(c.path) + ": a symbolic link leads it out of the install root (to " +
                    display_path(real) + ")"};
  if (c.op != FileChange::Op::Modify && fs::is_symlink(c.path, ec))
    return Text{display_path(c.path) + " はシンボリックリンクのため削除しません（元に戻せないため）",
                "refusing to remove " + display_path(c.path) + ": it is a symbolic link, which undo could not bring back"};
  return std::nullopt;
}

}  // namespace

// Nested in FileSite for its paths and profile; one function per action, each
// the file changes it would make, or why it cannot.
struct FileSite::Actions {
  FileSite& site;

  Expected<std::vector<FileChange>> startup_delay_set(const json& params);
  Expected<std::vector<FileChange>> startup_delay_sync();
  Expected<std::vector<FileChange>> remove_corrupt_inis();
  Expected<std::vector<FileChange>> archive_leftover();
  // The plan and the journal's record of those changes; `detail` follows each written file's name.
  PreparedAction prepared(const std::string& action, const json& params, Expected<std::vector<FileChange>> changes,
                          const std::string& detail = "");
};

ActionTable FileSite::action_table() {
  ActionTable t(backend(), [](const std::string& name) { return starts_with(name, "site."); },
                [this](const std::string&) { return cannot(not_on_this_backend(backend())); });
  t.add("site.startup_delay.set", [this](const json& params) {
    Actions a{*this};
    auto changes = a.startup_delay_set(params);
    std::string detail = changes ? ": " + profile_.startup_variable + "=" + std::to_string(params["seconds"].get<long>()) : "";
    return a.prepared("site.startup_delay.set", params, std::move(changes), detail);
  });
  t.add("site.startup_delay.sync", [this](const json& params) {
    Actions a{*this};
    return a.prepared("site.startup_delay.sync", params, a.startup_delay_sync());
  });
  t.add("site.ini.remove_corrupt", [this](const json& params) {
    Actions a{*this};
    return a.prepared("site.ini.remove_corrupt", params, a.remove_corrupt_inis());
  });
  t.add("site.install.archive_leftover", [this](const json& params) {
    Actions a{*this};
    return a.prepared("site.install.archive_leftover", params, a.archive_leftover());
  });
  return t;
}

Expected<std::vector<FileChange>> FileSite::Actions::startup_delay_set(const json& params) {
  if (!params.contains("seconds") || !params["seconds"].is_number_integer())
    return make_error(ErrorKind::Usage, "秒数が指定されていません", "no number of seconds given");
  long seconds = params["seconds"].get<long>();
  if (seconds < kStartupDelayMin || seconds > kStartupDelayMax)
    return make_error(ErrorKind::Usage,
                      "秒数は " + std::to_string(kStartupDelayMin) + "〜" + std::to_string(kStartupDelayMax) + " の範囲で指定してください",
                      "seconds must be between " + std::to_string(kStartupDelayMin) + " and " + std::to_string(kStartupDelayMax));
  TRY_ASSIGN(StartupBat bat, site.read_bat(site.execute_bat()));
  std::string updated = startup_bat_with_seconds(bat, seconds);
  // The vendor's procedure: edit the Execute copy, copy it over AppStartUp.
  return std::vector<FileChange>{{FileChange::Op::Modify, site.execute_bat(), updated},
                                 {FileChange::Op::Modify, site.appstartup_bat(), updated}};
}

Expected<std::vector<FileChange>> FileSite::Actions::startup_delay_sync() {
  TRY_ASSIGN(StartupBat bat, site.read_bat(site.execute_bat()));
  return std::vector<FileChange>{{FileChange::Op::Modify, site.appstartup_bat(), bat.bytes}};
}

Expected<std::vector<FileChange>> FileSite::Actions::remove_corrupt_inis() {
  std::vector<FileChange> changes;
  for (const auto& f : site.corrupt_unit_inis()) changes.push_back({FileChange::Op::Remove, f, {}});
  return changes;
}

Expected<std::vector<FileChange>> FileSite::Actions::archive_leftover() {
  std::vector<FileChange> changes;
  std::error_code ec;
  if (fs::exists(site.root_ / fs::u8path(site.profile_.reader_software_version_file), ec))
    return make_error(ErrorKind::Usage, "本人認証用カードリーダーソフトがインストールされているため、フォルダは残骸ではありません",
                      "the reader software is installed: the folder is not a leftover");
  // Never the whole root of an install that shows it works.
  TRY_ASSIGN(std::vector<std::string> signs, site.working_install_signs());
  if (!signs.empty())
    return make_error(ErrorKind::Usage, "動いているインストールの印があるため、フォルダは残骸ではありません（" + join(signs, ", ") + "）",
                      "the install shows signs of working (" + join(signs, ", ") + "): the folder is not a leftover");
  if (fs::is_directory(site.root_, ec)) changes.push_back({FileChange::Op::RemoveTree, site.root_, {}});
  return changes;
}

PreparedAction FileSite::Actions::prepared(const std::string& action, const json& params,
                                           Expected<std::vector<FileChange>> changes, const std::string& detail) {
  if (!changes) return cannot(changes.error().message, changes.error().kind);
  for (const auto& c : *changes)
    if (auto why = refusal_for(site.root_, c)) return cannot(*why, ErrorKind::Permission);
  PreparedAction p;
  p.plan.applicable = true;
  for (const auto& c : *changes)
    p.plan.changes.push_back(
        describe_one(c, c.op == FileChange::Op::RemoveTree ? display_path(c.path) : site.rel(c.path), detail));
  p.outcome.changes = p.plan.changes;
  if (changes->empty()) {
    p.plan.summary = {"変更するものはありません", "nothing to change"};
    return p;
  }
  p.files = std::move(*changes);
  p.record = params;
  std::error_code ec;
  p.record["root"] = fs::absolute(site.root_, ec).lexically_normal().u8string();
  // The vendor's software reads these files when it starts.
  p.outcome.needs_restart = action != "site.install.archive_leftover";
  return p;
}

}  // namespace caora
