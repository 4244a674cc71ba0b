"""Take the documentation's screenshots with headless Chromium: the spreadsheets and the report.

    .venv/bin/python docs/_tools/screenshots.py [/usr/bin/chromium]

- `spreadsheet-en.png`, `spreadsheet-zh.png`: the households table of the getting-started pages (read from
  their `:class: file` blocks), drawn as a spreadsheet: column letters, row numbers, grid lines, sheet tabs.
- `report-en.png`, `report-zh.png`: the top of `report.html` for the bundled demo (`allocate demo`).

The PNGs are committed; the docs build does not run this (it needs Chromium, and no network).
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent
STATIC = DOCS / "_static"

PAGE = """<!doctype html><meta charset="utf-8"><style>
body {{ margin: 0; background: #fff; font: 14px "Noto Sans CJK SC", "Noto Sans", Arial, sans-serif; }}
.bar {{ background: #f3f3f3; border-bottom: 1px solid #d4d4d4; padding: 6px 10px; color: #444; }}
.bar b {{ color: #217346; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #d4d4d4; padding: 3px 8px; height: 20px; white-space: nowrap; }}
th {{ background: #f3f3f3; color: #555; font-weight: normal; text-align: center; }}
td.row {{ background: #f3f3f3; color: #555; text-align: center; width: 28px; padding: 3px 4px; }}
tr.head td:not(.row) {{ font-weight: 600; background: #e9f2ec; }}
td.num {{ text-align: right; }}
.tabs {{ border-top: 1px solid #d4d4d4; background: #f3f3f3; padding: 0 10px; }}
.tabs span {{ display: inline-block; padding: 5px 14px; color: #555; }}
.tabs span.on {{ background: #fff; color: #217346; font-weight: 600; border-bottom: 2px solid #217346; }}
</style>
<div class="bar"><b>{title}</b></div>
<table>{rows}</table>
<div class="tabs">{tabs}</div>
"""


def _file_block(page: Path, caption: str) -> list[str]:
    """The body of the `:class: file` block with `:caption: caption` on a docs page."""
    text = page.read_text(encoding="utf-8")
    m = re.search(rf"```{{code-block}} text\n:caption: {re.escape(caption)}\n:class: file\n\n(.*?)\n```", text, re.S)
    if m is None:
        raise SystemExit(f"no file block {caption} in {page}")
    return m[1].splitlines()


def spreadsheet(lines: list[str], title: str, tabs: list[str]) -> str:
    """An HTML page that looks like a spreadsheet holding the CSV `lines`."""
    rows = list(csv.reader(lines))
    width = max(len(r) for r in rows) + 1
    out = ["<tr><th></th>" + "".join(f"<th>{chr(65 + k)}</th>" for k in range(width)) + "</tr>"]
    for n, row in enumerate(rows, start=1):
        cells = [*row, *[""] * (width - len(row))]
        tds = "".join(f"<td class='num'>{escape(c)}</td>" if c.isdigit() else f"<td>{escape(c)}</td>" for c in cells)
        out.append(f"<tr class='{'head' if n == 1 else ''}'><td class='row'>{n}</td>{tds}</tr>")
    for n in range(len(rows) + 1, len(rows) + 4):
        out.append(f"<tr><td class='row'>{n}</td>" + "<td></td>" * width + "</tr>")
    tab_html = "".join(f"<span class='{'on' if k == 0 else ''}'>{escape(t)}</span>" for k, t in enumerate(tabs))
    return PAGE.format(title=escape(title), rows="".join(out), tabs=tab_html)


def shoot(chromium: str, html: Path, png: Path, width: int, height: int) -> None:
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={width},{height}",
            f"--screenshot={png}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
    )
    print(f"wrote {png.relative_to(DOCS.parent)}")


def main(chromium: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sheets = [
            (
                "en",
                "getting-started.md",
                "my-case/households.csv",
                "households.csv",
                ["households", "needs", "supplies", "volunteers", "services"],
            ),
            (
                "zh",
                "getting-started-zh.md",
                "我的社区/住户.csv",
                "住户.csv",
                ["住户", "需求", "物资", "志愿者", "服务"],
            ),
        ]
        for lang, page, caption, title, tabs in sheets:
            html = work / f"sheet-{lang}.html"
            html.write_text(spreadsheet(_file_block(DOCS / page, caption), title, tabs), encoding="utf-8")
            shoot(chromium, html, STATIC / f"spreadsheet-{lang}.png", 760, 290)
        allocate = str(Path(sys.executable).parent / "allocate")
        for lang in ("en", "zh"):
            out = work / f"demo-{lang}"
            subprocess.run([allocate, "demo", str(out), "--lang", lang], check=True, capture_output=True)
            shoot(chromium, out / "plan" / "report.html", STATIC / f"report-{lang}.png", 1000, 760)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else shutil.which("chromium") or "/usr/bin/chromium")
