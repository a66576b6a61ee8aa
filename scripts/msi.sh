#!/usr/bin/env bash
# Makes the Windows installer caora-<version>-x64.msi with wixl (msitools) from a
# cross build (scripts/windows-build.sh) and prints its path. Usage:
#   scripts/msi.sh [BUILD_DIR]     (default build-win/; the .msi goes to BUILD_DIR/packages/)
# The installer puts into %ProgramFiles%\caora: caora.exe, the man pages as text
# (doc\), the PowerShell completion and NOTICE; and adds that folder to the
# system PATH (removed again on uninstall). Recipes and data are inside caora.exe;
# beside it, the self-test: caora-selftest.exe, its face models (models\) and
# Tesseract's data (tessdata\), as windows-build.sh checked them.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build-win}
exe=$build/dist/caora.exe
[ -f "$exe" ] || { echo "msi.sh: $exe missing: run scripts/windows-build.sh first" >&2; exit 1; }
version=$(sed -n 's/^project(caora VERSION \([0-9.]*\).*/\1/p' "$top/CMakeLists.txt")
[ -n "$version" ] || { echo "msi.sh: no version in CMakeLists.txt" >&2; exit 1; }
out_dir=$build/packages
stage=$build/msi-stage
rm -rf "$stage"
mkdir -p "$stage/doc" "$out_dir"
cp "$exe" "$stage/caora.exe"
cp "$build/dist/caora-selftest.exe" "$stage/"
cp -r "$build/dist/models" "$build/dist/tessdata" "$stage/"
cp "$top/completions/caora.ps1" "$top/NOTICE" "$stage/"
# Man pages as plain UTF-8 text with CRLF line ends (Notepad, `Get-Content`).
pages=()
for page in "$top"/man/*.[15]; do
  name=$(basename "$page")
  LC_ALL=C.UTF-8 groff -man -Tutf8 -P-cbou "$page" 2>/dev/null | sed 's/$/\r/' >"$stage/doc/$name.txt"
  [ -s "$stage/doc/$name.txt" ] || { echo "msi.sh: rendering $page gave nothing" >&2; exit 1; }
  pages+=("$name.txt")
done
# Component GUIDs must stay the same from one version to the next for upgrades to
# replace files in place: derived from the file's name, not random.
guid() { printf '%s' "caora-msi:$1" | sha1sum | sed -E 's/^(.{8})(.{4}).(.{3}).(.{3})(.{12}).*/\1-\2-5\3-8\4-\5/' | tr a-f A-F; }
file_component() {  # id source name
  printf '            <Component Id="%s" Guid="%s" Win64="yes"><File Id="%s" Source="%s" Name="%s" KeyPath="yes"/></Component>\n' \
    "c_$1" "$(guid "$3")" "f_$1" "$2" "$3"
}
wxs=$stage/caora.wxs
{
  cat <<XML
<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="caora" Language="1033" Version="$version" Manufacturer="caora"
           UpgradeCode="6F1D2B0C-4C51-5E0A-9B67-2C3A0B7E91D4">
    <Package InstallerVersion="500" Compressed="yes" InstallScope="perMachine"
             Description="caora $version: install and support the Caora face-recognition card reader"/>
    <MajorUpgrade DowngradeErrorMessage="A newer caora is already installed."/>
    <Media Id="1" Cabinet="caora.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="INSTALLDIR" Name="caora">
          <Component Id="c_exe" Guid="$(guid caora.exe)" Win64="yes">
            <File Id="f_exe" Source="caora.exe" Name="caora.exe" KeyPath="yes"/>
          </Component>
XML
  file_component ps1 caora.ps1 caora.ps1
  file_component notice NOTICE NOTICE
  file_component selftest caora-selftest.exe caora-selftest.exe
  # The self-test's data: one component per file, in a folder of its own.
  data_refs=()
  for folder in models tessdata; do
    echo "          <Directory Id=\"DIR_$folder\" Name=\"$folder\">"
    for f in "$stage/$folder"/*; do
      n=$(basename "$f")
      id="${folder}_$(printf '%s' "$n" | tr -c 'A-Za-z0-9_' '_')"
      file_component "$id" "$folder/$n" "$n" | sed 's/^/  /'
      data_refs+=("c_$id")
    done
    echo '          </Directory>'
  done
  echo '          <Directory Id="DOCDIR" Name="doc">'
  i=0
  for p in "${pages[@]}"; do
    i=$((i + 1))
    file_component "man$i" "doc/$p" "$p" | sed 's/^/  /'
  done
  echo '          </Directory>'
  cat <<XML
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Complete" Level="1">
      <ComponentRef Id="c_exe"/>
      <ComponentRef Id="c_ps1"/>
      <ComponentRef Id="c_notice"/>
      <ComponentRef Id="c_selftest"/>
XML
  for r in "${data_refs[@]}"; do echo "      <ComponentRef Id=\"$r\"/>"; done
  i=0
  for p in "${pages[@]}"; do
    i=$((i + 1))
    echo "      <ComponentRef Id=\"c_man$i\"/>"
  done
  cat <<XML
    </Feature>
  </Product>
</Wix>
XML
} >"$wxs"
msi=$out_dir/caora-$version-x64.msi
(cd "$stage" && wixl -a x64 -o "$msi.tmp" caora.wxs >&2)
# PATH: Debian's wixl (0.101) has no <Environment>, so the Environment table and
# its two standard actions are added with msibuild, as WiX would write them:
# "=-*PATH" sets the system variable at install and takes the part back at
# uninstall; "[~];" keeps what PATH held and appends caora's folder.
idt=$stage/idt
mkdir -p "$idt"
printf 'Environment\tName\tValue\tComponent_\r\ns72\tl255\tL255\ts72\r\nEnvironment\tEnvironment\r\npath\t=-*PATH\t[~];[INSTALLDIR]\tc_exe\r\n' \
  >"$idt/Environment.idt"
(cd "$idt" && msiinfo export "$msi.tmp" InstallExecuteSequence >InstallExecuteSequence.idt)
grep -q WriteEnvironmentStrings "$idt/InstallExecuteSequence.idt" ||
  printf 'RemoveEnvironmentStrings\t\t3300\r\nWriteEnvironmentStrings\t\t5200\r\n' >>"$idt/InstallExecuteSequence.idt"
msibuild "$msi.tmp" -i "$idt/Environment.idt" -i "$idt/InstallExecuteSequence.idt"
mv -f "$msi.tmp" "$msi"
echo "$msi"
