#!/usr/bin/env bash
# Make sure a Chromium is on PATH for the browser tests of the backprop player: install
# Debian's `chromium` with apt-get where we can. Where we cannot, say so and go on: those tests
# then skip with a message (under CI=true they fail instead, so CI never passes without them).
set -uo pipefail
for name in chromium chromium-browser google-chrome; do
    command -v "$name" >/dev/null 2>&1 && exit 0
done

echo "Chromium is missing (for the player's browser tests); installing it." >&2
if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
            echo "Need root to run apt-get; the browser tests will skip." \
                 "To run them: sudo apt-get install -y chromium" >&2
            exit 0
        fi
    fi
    $sudo apt-get update -qq &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null ||
        echo "apt-get could not install chromium; the browser tests will skip." >&2
else
    echo "No apt-get: install Chromium by hand to run the browser tests (they will skip)." >&2
fi
exit 0
