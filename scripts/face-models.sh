#!/usr/bin/env bash
# Sets up the face pipeline's model files; nothing is downloaded at run time.
#  1. Debian packages: dlib (HOG detector built in, 68-landmark model in libdlib-data)
#     and the libraries its pkg-config file names but libdlib-dev does not pull in.
#  2. The npm package @vladmandic/face-api@1.7.15, fetched with `npm pack` into a cache
#     folder; its face_recognition_model.bin and -weights_manifest.json are checked
#     against data/face-models.sha256 and installed into the models folder, with a link
#     to dlib's shape_predictor_68_face_landmarks.dat (also checked).
#  3. With --golden: the Node packages the golden test runs face-api.js with.
# Usage: scripts/face-models.sh [--dest DIR] [--golden]
#   DIR defaults to $CAORA_MODELS_DIR, else /usr/local/share/caora/models (where caora looks).
#   The cache is $CAORA_CACHE_DIR, else ${XDG_CACHE_HOME:-~/.cache}/caora.
set -euo pipefail
cd "$(dirname "$0")/.."

FACE_API=@vladmandic/face-api@1.7.15
GOLDEN_PACKAGES=("$FACE_API" @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0)
dest=${CAORA_MODELS_DIR:-/usr/local/share/caora/models}
cache=${CAORA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/caora}
golden=0
while [ $# -gt 0 ]; do
  case $1 in
    --dest) dest=$2; shift 2 ;;
    --golden) golden=1; shift ;;
    *) echo "usage: $0 [--dest DIR] [--golden]" >&2; exit 2 ;;
  esac
done
sums=$PWD/data/face-models.sha256

# 1. Debian packages. Each is checked to exist first, so a renamed package is a
# clear message rather than apt's failure halfway through.
packages=(libdlib-dev libdlib-data libblas-dev liblapack-dev libjpeg62-turbo-dev libpng-dev
          libopenjp2-7-dev libopenblas-dev)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  for p in "${missing[@]}"; do
    if [ "$(apt-cache policy "$p" | awk '/Candidate:/ {print $2}')" = "" ] ||
       [ "$(apt-cache policy "$p" | awk '/Candidate:/ {print $2}')" = "(none)" ]; then
      echo "face-models.sh: Debian package $p is not available" >&2
      exit 1
    fi
  done
  echo "installing: ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Checks FILE against the line for NAME in data/face-models.sha256.
check_sum() {
  local file=$1 name=$2 want got
  want=$(awk -v n="$name" '$2 == n {print $1}' "$sums")
  got=$(sha256sum "$file" | cut -d' ' -f1)
  if [ -z "$want" ]; then echo "face-models.sh: no checksum recorded for $name" >&2; exit 1; fi
  if [ "$want" != "$got" ]; then
    echo "face-models.sh: $file: SHA-256 $got, expected $want (data/face-models.sha256)" >&2
    exit 1
  fi
}

# 2. face-api's model files, through npm pack (no install scripts run).
pkgdir=$cache/face-api-1.7.15
if [ ! -f "$pkgdir/package/model/face_recognition_model.bin" ]; then
  mkdir -p "$pkgdir"
  tgz=$(cd "$pkgdir" && npm pack --silent "$FACE_API" | tail -n 1)
  tar -xzf "$pkgdir/$tgz" -C "$pkgdir" package/model package/LICENSE package/package.json
  rm -f "$pkgdir/$tgz"
fi
mkdir -p "$dest"
for f in face_recognition_model.bin face_recognition_model-weights_manifest.json; do
  check_sum "$pkgdir/package/model/$f" "$f"
  install -m 0644 "$pkgdir/package/model/$f" "$dest/$f.tmp"
  mv -f "$dest/$f.tmp" "$dest/$f"
done
install -m 0644 "$pkgdir/package/LICENSE" "$dest/face-api.LICENSE"
landmarks=/usr/share/dlib/shape_predictor_68_face_landmarks.dat
check_sum "$landmarks" shape_predictor_68_face_landmarks.dat
ln -sfn "$landmarks" "$dest/shape_predictor_68_face_landmarks.dat"
echo "face models: $dest"

# 3. The golden test's Node packages (pure JS and wasm backends; no tfjs-node,
# whose install downloads a native binary).
if [ "$golden" = 1 ]; then
  node_dir=$cache/golden-node
  stamp="$node_dir/.caora-packages"
  if [ "$(cat "$stamp" 2>/dev/null)" != "${GOLDEN_PACKAGES[*]}" ]; then
    mkdir -p "$node_dir"
    npm install --prefix "$node_dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "${GOLDEN_PACKAGES[@]}"
    echo "${GOLDEN_PACKAGES[*]}" > "$stamp"
  fi
  echo "golden-test node packages: $node_dir/node_modules"
fi
