"""What the report's and the sheets' real-browser tests share: Debian's Chromium, where screenshots go, A4 in CSS
pixels, and the skip when the browser is missing. The `browser` fixture itself is in this folder's conftest."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
A4_WIDTH = 794  # CSS pixels of an A4 page's width at 96 dpi
A4_HEIGHT = 1123
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed: apt-get install -y chromium fonts-noto-cjk"
)


def open_page(browser: Any, path: Path) -> tuple[Any, Any, list[str]]:
    """A page at A4 width showing `path`, with every request but the file itself refused and recorded: the
    context, the page, and the URLs asked for."""
    context = browser.new_context(viewport={"width": A4_WIDTH, "height": A4_HEIGHT})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page = context.new_page()
    page.goto(path.as_uri())
    return context, page, requests
