#!/usr/bin/env bash
# Make sure a Chromium is on PATH for the browser tests of the backprop player: install
# Debian's `chromium` with apt-get where we can. Where we cannot, say so and go on: those tests
# then skip with a message (under CI=true they fail instead, so CI never passes without them).
# With --plan, only print the line saying what it would install and how (nothing when a
# browser is there), for `make` to announce first.
set -uo pipefail
for name in chromium chromium-browser google-chrome; do
    command -v "$name" >/dev/null 2>&1 && exit 0
done

sudo=""
how="none"
if command -v apt-get >/dev/null 2>&1; then
    how="apt-get"
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
            how="none-root"
        fi
    fi
fi

if [ "${1:-}" = "--plan" ]; then
    case "$how" in
        apt-get) echo "  - Chromium, for the player's browser tests: ${sudo:+$sudo }apt-get install chromium" ;;
        *) echo "  - Chromium, for the player's browser tests: not here (those tests will skip)" ;;
    esac
    exit 0
fi

case "$how" in
    apt-get)
        echo "Chromium is missing (for the player's browser tests); installing it." >&2
        $sudo apt-get update -qq &&
            $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null ||
            echo "apt-get could not install chromium; the browser tests will skip." >&2 ;;
    none-root)
        echo "Chromium is missing and apt-get needs root; the browser tests will skip." \
             "To run them: sudo apt-get install -y chromium" >&2 ;;
    none)
        echo "Chromium is missing and there is no apt-get: install it by hand to run the" \
             "browser tests (they will skip)." >&2 ;;
esac
exit 0
