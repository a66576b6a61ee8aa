#include "host/open_site.h"

#include <cstdlib>
#include <fstream>

#include "core/archive.h"
#include "core/embedded.h"
#include "host/recorded/recorded_host.h"
#ifdef CAORA_LIVE_LINUX
#include "host/linux/linux_host.h"
#endif
#ifdef CAORA_LIVE_WINDOWS
#include "host/windows/windows_host.h"
#endif

namespace caora {

namespace {

// Hosts that would read the live terminal answer "unknown" until a live
// backend exists for this platform. Below the Linux backend it answers only
// what that one leaves: site.* when no install root is given.
class NoLiveHost : public Host {
 public:
  std::string backend() const override { return "install-root only"; }
  bool provides_probe(const std::string&) const override { return true; }
  bool provides_action(const std::string&) const override { return true; }
  ProbeResult probe(const std::string& name) override {
    if (name.rfind("site.", 0) == 0)
      return ProbeResult::unknown({"インストールフォルダが指定されていません（--root または CAORA_ROOT）",
                                   "no install root given (--root or CAORA_ROOT)"});
    return ProbeResult::unknown(not_on_this_backend(backend()));
  }
  ActionPlan plan(const std::string&, const nlohmann::json&) override {
    ActionPlan p;
    p.summary = not_on_this_backend(backend());
    return p;
  }
  Expected<ActionOutcome> apply(const std::string&, const nlohmann::json&, Journal&) override {
    return Error{ErrorKind::Unsupported, not_on_this_backend(backend())};
  }
};

Status materialise_demo_root(const fs::path& dest) {
  const std::string prefix = "data/demo/root/";
  for (const auto& path : embedded_paths(prefix)) {
    fs::path target = dest / fs::u8path(path.substr(prefix.size()));
    Status d = make_dirs(target.parent_path());
    if (!d) return d;
    Status w = write_file_atomic(target, embedded_file(path));
    if (!w) return w;
  }
  return ok_status();
}

bool is_zip_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char head[4] = {0};
  in.read(head, 4);
  return in.gcount() == 4 && std::string(head, 4) == std::string("PK\x03\x04", 4);
}

}  // namespace

std::optional<fs::path> resolve_root(const SiteOptions& opts) {
  if (opts.root) return fs::u8path(*opts.root);
  if (const char* env = std::getenv("CAORA_ROOT"); env && *env) return fs::u8path(env);
  return std::nullopt;
}

Expected<OpenedSite> open_site(const SiteOptions& opts) {
  OpenedSite site;
  site.host = std::make_unique<LayeredHost>();
  site.profile = default_site_profile();
  std::optional<std::string> profile = opts.profile;
  if (const char* env = std::getenv("CAORA_SITE_PROFILE"); !profile && env && *env) profile = env;
  if (profile) {
    auto text = read_file(fs::u8path(*profile));
    if (!text) return text.error();
    auto p = parse_site_profile(*text, *profile);
    if (!p) return p.error();
    site.profile = *p;
  }
  std::optional<fs::path> root = resolve_root(opts);
  std::unique_ptr<Host> recorded;
  if (opts.site) {
    std::string text, name = *opts.site;
    if (*opts.site == "demo") {
      text = embedded_file("data/demo/snapshot.json");
      name = "demo";
      if (!root) {
        fs::path demo_root = opts.state_dir / "demo" / "PFU-Caora";
        std::error_code ec;
        if (!fs::exists(demo_root, ec)) {
          Status m = materialise_demo_root(demo_root);
          if (!m) return m.error();
        }
        root = demo_root;
      }
    } else if (is_zip_file(fs::u8path(*opts.site))) {
      // A collect-logs bundle replays the snapshot it carries.
      fs::path bundle = fs::u8path(*opts.site);
      const std::string member = "snapshot.json";
      bool found = false;
      Status s = for_each_zip_member(&bundle, nullptr, kReadLimitDefault, [&](ZipEntryData& e) -> Status {
        text = std::move(e.data);
        found = true;
        return ok_status();
      }, &member);
      if (!s) return s.error();
      if (!found)
        return make_error(ErrorKind::Parse, *opts.site + " に snapshot.json がありません（caora collect-logs のバンドルではありません）",
                          *opts.site + " holds no snapshot.json (not a caora collect-logs bundle)");
    } else {
      auto bytes = read_file(fs::u8path(*opts.site));
      if (!bytes) return bytes.error();
      text = *bytes;
    }
    auto host = RecordedHost::parse(text, name);
    if (!host) return host.error();
    recorded = std::make_unique<RecordedHost>(std::move(host.value()));
    site.description = name;
  }
#ifdef _WIN32
  if (!root && !opts.site) root = fs::u8path(site.profile.default_root_windows);
#endif
  if (root) {
    auto file_site = std::make_unique<FileSite>(*root, site.profile);
    for (const auto& [component, version] : opts.newest_known) file_site->set_newest_known(component, version);
    site.host->add(std::move(file_site));
    site.root = root;
    if (site.description.empty()) site.description = display_path(*root);
  }
  if (recorded) {
    site.host->add(std::move(recorded));
  } else {
#ifdef CAORA_LIVE_LINUX
    site.host->add(make_linux_host());
#endif
#ifdef CAORA_LIVE_WINDOWS
    site.host->add(make_windows_host());
#endif
    site.host->add(std::make_unique<NoLiveHost>());
  }
  if (site.description.empty()) site.description = "this terminal";
  return site;
}

}  // namespace caora
