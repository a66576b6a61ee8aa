// The connection info (接続情報) the login-name tool writes for each unit, one
// set per environment: the environment-switch tool swaps the registration file
// (error 906 0x81000003). Where and in what form the terminal keeps it is not
// in the vendor's documents: the site profile's "registration" section
// (assumed) says, and every reading names that it rests on an assumption.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/fs.h"
#include "core/journal.h"
#include "core/result.h"
#include "host/install_root/profile.h"

namespace caora {

struct ConnectionRecord {
  std::string environment;  // "verification" | "production"
  std::string serial;
  std::string account;      // empty when the file has no login ID
  std::string reader;
  fs::path path;
  std::string encoding;     // as detected: ascii, utf-8, utf-8-bom, cp932
  // Whether the file's password is the one the caller gave: nullopt when none
  // was given or the file keeps none. The password itself is never kept.
  std::optional<bool> password_matches;
};

struct ConnectionInfo {
  std::vector<ConnectionRecord> records;
  std::optional<std::string> active;  // the environment in use, when the marker file says
  std::vector<std::string> problems;  // files that could not be read, with why (English)
  std::vector<std::string> looked_in; // the folders read, for the output
};

constexpr const char* kEnvironments[] = {"verification", "production"};

fs::path connection_dir(const fs::path& root, const SiteProfile& profile, const std::string& environment);
fs::path connection_file(const fs::path& root, const SiteProfile& profile, const std::string& environment,
                         const std::string& serial);
// KEY=VALUE lines (CRLF or LF; UTF-8 with or without BOM, or CP932, decoded to
// UTF-8 as Windows does). Values of other keys are kept out of the record: a
// password never leaves this parser; with `password` given it is compared
// (in time that does not depend on where they differ) and only the verdict kept.
Expected<ConnectionRecord> parse_connection_file(const std::string& bytes, const SiteProfile& profile,
                                                 const std::string* password = nullptr);
// Every environment's folder; a missing folder is no registration there.
ConnectionInfo read_connection_info(const fs::path& root, const SiteProfile& profile);
// One unit's connection file in one environment: nullopt when there is none.
Expected<std::optional<ConnectionRecord>> read_unit_connection(const fs::path& root, const SiteProfile& profile,
                                                               const std::string& environment, const std::string& serial,
                                                               const std::string* password = nullptr);
// Serial numbers as the vendor prints them: letters and digits only (also keeps
// a serial from naming a path outside the folder).
bool valid_serial(const std::string& serial);
// The journal changes that remove the unit's connection info in `environments`;
// NotFound when none of them has a file.
Expected<std::vector<FileChange>> plan_connection_removal(const fs::path& root, const SiteProfile& profile,
                                                          const std::string& serial,
                                                          const std::vector<std::string>& environments);

}  // namespace caora
