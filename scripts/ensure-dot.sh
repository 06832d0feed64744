#!/usr/bin/env bash
# Make sure Graphviz's `dot` is on PATH: install it with apt-get or brew where we can,
# else stop with a message that says how.
set -euo pipefail
command -v dot >/dev/null 2>&1 && exit 0

echo "Graphviz's 'dot' is missing; installing it." >&2
if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
            echo "Need root to run apt-get. Run: sudo apt-get install -y graphviz" >&2; exit 1
        fi
    fi
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null
elif command -v brew >/dev/null 2>&1; then
    brew install graphviz
else
    cat >&2 <<'MSG'
Could not install Graphviz automatically (no apt-get or brew found).
Install it, then run the command again:
  Debian/Ubuntu:  sudo apt-get install graphviz
  macOS:          brew install graphviz
  conda:          conda install -c conda-forge graphviz
  Windows:        winget install graphviz   (or https://graphviz.org/download/)
MSG
    exit 1
fi
command -v dot >/dev/null 2>&1 || { echo "Graphviz installed but 'dot' is still not on PATH." >&2; exit 1; }
