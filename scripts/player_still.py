"""docs/player.png: a still of backprop.html (the 3-2-2 network's player), from headless Chromium.

    .venv/bin/python scripts/player_still.py [docs/backprop.html] [docs/player.png]

Shows the step where ∂MSE/∂x₁⁽²⁾ gets its second contribution (its sum building up).
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

page_path = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/backprop.html").resolve()
out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/player.png")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

with sync_playwright() as pw:
    browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
    page = browser.new_page(viewport={"width": 900, "height": 760})
    page.goto(page_path.as_uri())
    page.keyboard.press("End")
    while "2 counted so far: ∂MSE/∂x₁⁽²⁾" not in page.inner_text("#total"):
        page.keyboard.press("ArrowLeft")
    page.evaluate("document.getElementById('v29').scrollIntoView({block: 'center'})")
    page.screenshot(path=str(out))
    browser.close()
print(out)
