// Opens the site a command works on: an install root (--root, CAORA_ROOT,
// C:\PFU-Caora on Windows), a recorded snapshot (--site FILE), or the built-in
// demo (--site demo: a snapshot plus a small install root copied into the
// state folder, so fixes on it are real and undoable but harm nothing).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/fs.h"
#include "host/host.h"
#include "host/install_root/file_site.h"

namespace caora {

struct SiteOptions {
  std::optional<std::string> root;
  std::optional<std::string> site;     // "demo" or a snapshot file
  std::optional<std::string> profile;  // site-profile override file
  fs::path state_dir;
  // The newest version of each component a verified manifest names
  // ("reader_software", "firmware"), for the install root's "out of date" probes.
  std::map<std::string, std::string> newest_known;
};

struct OpenedSite {
  std::unique_ptr<LayeredHost> host;
  std::optional<fs::path> root;  // when an install root is in play
  SiteProfile profile;
  std::string description;       // for messages: which site this is
};

Expected<OpenedSite> open_site(const SiteOptions& opts);
// The install root the options name, without opening anything.
std::optional<fs::path> resolve_root(const SiteOptions& opts);

}  // namespace caora
