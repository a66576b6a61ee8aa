#include "host/install_root/unit_ini.h"

#include "core/encoding.h"
#include "core/strings.h"

namespace caora {

const std::string* UnitIni::find(const std::string& key) const {
  for (const auto& section : sections) {
    auto it = section.second.find(key);
    if (it != section.second.end()) return &it->second;
  }
  return nullptr;
}

Expected<UnitIni> parse_unit_ini(const std::string& bytes) {
  if (bytes.empty()) return make_error(ErrorKind::Parse, "ファイルが空です", "the file is empty");
  size_t nul = bytes.find('\0');
  if (nul != std::string::npos)
    return make_error(ErrorKind::Parse, "NULバイトがあります（位置 " + std::to_string(nul) + "）: 書き込み途中で途切れた可能性があります",
                      "NUL byte at offset " + std::to_string(nul) + ": the file was probably cut short while being written");
  auto enc = detect_encoding(bytes);
  if (!enc) return enc.error();
  UnitIni ini;
  std::string section;
  size_t pos = *enc == TextEncoding::Utf8Bom ? 3 : 0;
  size_t line_no = 0;
  while (pos < bytes.size()) {
    size_t end = bytes.find('\n', pos);
    if (end == std::string::npos) end = bytes.size();
    std::string line = trim(bytes.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line[0] == ';' || line[0] == '#') continue;
    if (line[0] == '[') {
      if (line.back() != ']' || line.size() < 3)
        return make_error(ErrorKind::Parse, std::to_string(line_no) + "行目: セクション見出しが閉じていません",
                          "line " + std::to_string(line_no) + ": unterminated [section]");
      section = trim(line.substr(1, line.size() - 2));
      ini.sections[section];
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos || trim(line.substr(0, eq)).empty())
      return make_error(ErrorKind::Parse, std::to_string(line_no) + "行目: key=value の形ではありません",
                        "line " + std::to_string(line_no) + ": not a key=value line");
    ini.sections[section][trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  if (ini.sections.empty())
    return make_error(ErrorKind::Parse, "設定が1つもありません", "the file holds no settings");
  return ini;
}

}  // namespace caora
