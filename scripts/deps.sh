#!/usr/bin/env bash
# Installs what caora needs to build, test and fuzz, from Debian 12's packages.
# Run as root (or through sudo). Does nothing when everything is there.
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config
  libcli11-dev nlohmann-json3-dev libspdlog-dev libzip-dev libcurl4-openssl-dev libusb-1.0-0-dev libdeflate-dev zlib1g-dev
  libpcsclite-dev pcscd vsmartcard-vpcd umockdev strace
  libsodium-dev minisign openssl
  catch2 python3 python3-jsonschema unzip groff-base util-linux
  clang libclang-rt-14-dev
  python3-pil python3-numpy fonts-noto-cjk fonts-ipafont chromium
  tesseract-ocr tesseract-ocr-jpn tesseract-ocr-script-jpan tesseract-ocr-eng libtesseract-dev libleptonica-dev
  mingw-w64 g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix wine wine64 dpkg-dev
  debootstrap msitools wixl
  ansible-core ansible openssh-server openssh-client python3-winrm
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The face pipeline: dlib and its libraries, the recognition weights from npm
# (checked against data/face-models.sha256), and the golden test's Node packages.
"$(dirname "$0")/face-models.sh" --golden
