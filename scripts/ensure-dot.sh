#!/usr/bin/env bash
# Make sure Graphviz's `dot` is on PATH: install it with apt-get or brew where we can,
# else stop with a message that says how.  With --plan, only print the line saying what it
# would install and how (nothing when `dot` is there), for `make` to announce first.
set -euo pipefail
command -v dot >/dev/null 2>&1 && exit 0

sudo=""
if command -v apt-get >/dev/null 2>&1; then
    how="apt-get"
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else how="none-root"; fi
    fi
elif command -v brew >/dev/null 2>&1; then
    how="brew"
else
    how="none"
fi

if [ "${1:-}" = "--plan" ]; then
    case "$how" in
        apt-get) echo "  - Graphviz, for its dot command: ${sudo:+$sudo }apt-get install graphviz" ;;
        brew) echo "  - Graphviz, for its dot command: brew install graphviz" ;;
        *) echo "  - Graphviz, for its dot command: not automatically here (it will say how)" ;;
    esac
    exit 0
fi

echo "Graphviz's 'dot' is missing; installing it." >&2
case "$how" in
    apt-get)
        $sudo apt-get update -qq
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null ;;
    brew)
        brew install graphviz ;;
    none-root)
        echo "Need root to run apt-get. Run: sudo apt-get install -y graphviz" >&2; exit 1 ;;
    none)
        cat >&2 <<'MSG'
Could not install Graphviz automatically (no apt-get or brew found).
Install it, then run the command again:
  Debian/Ubuntu:  sudo apt-get install graphviz
  macOS:          brew install graphviz
  conda:          conda install -c conda-forge graphviz
  Windows:        winget install graphviz   (or https://graphviz.org/download/)
MSG
        exit 1 ;;
esac
command -v dot >/dev/null 2>&1 || { echo "Graphviz installed but 'dot' is still not on PATH." >&2; exit 1; }
