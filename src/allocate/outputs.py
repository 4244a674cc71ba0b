"""The output folder of a solve (SPEC section 4), written all at once.

`allocation.csv` and `visits.csv` come from the plan, `unmet.csv` from the explanation, `summary.json` and
`report.html` from the report; all go into one temporary folder that is renamed into place only when every file
is complete, so a failure or an interruption leaves nothing half-written (`allocate.files.atomic_folder`). An
existing folder is replaced only when asked and only when it holds nothing but these files.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from allocate.explain import Explanation
from allocate.files import atomic_folder, write_columns, write_csv
from allocate.gc_pause import collector_paused
from allocate.plan import PLAN_FILES, Plan, format_hours
from allocate.report import render_html, summary_json

UNMET_COLUMNS = (
    "kind",
    "id",
    "household_id",
    "grid",
    "tier",
    "item_or_skill",
    "requested",
    "received",
    "shortfall",
    "reason",
)
"""Header of `unmet.csv` (SPEC section 4)."""

HASH_CHUNK = 1 << 20


def write_outputs(
    folder: str | os.PathLike[str],
    plan: Plan,
    explanation: Explanation,
    summary: Mapping[str, Any],
    *,
    lang: Literal["en", "zh"] = "en",
    overwrite: bool = False,
    extra: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]] | None = None,
) -> Path:
    """Write every output file of SPEC section 4 into `folder` in one atomic step; returns the folder.

    `extra` are more CSV files for the same step, name -> (header, rows): a correction's `difference.csv`. With
    `overwrite`, an existing folder is replaced only if it holds nothing but plan files (`PLAN_FILES`).
    """
    with atomic_folder(folder, overwrite=overwrite, replaceable=PLAN_FILES) as tmp, collector_paused():
        plan.write_tables(tmp)
        unmet = explanation.shortfalls
        write_columns(
            tmp / "unmet.csv",
            UNMET_COLUMNS,
            [
                *map(unmet.column, ("kind", "id", "household_id", "grid", "tier", "item_or_skill")),
                *(list(map(format_hours, unmet.column(name))) for name in ("requested", "received", "shortfall")),
                [r.value for r in unmet.column("reason")],
            ],
        )
        (tmp / "summary.json").write_text(summary_json(dict(summary)), encoding="utf-8")
        (tmp / "report.html").write_text(render_html(dict(summary), explanation, lang=lang), encoding="utf-8")
        for name, (header, rows) in (extra or {}).items():
            write_csv(tmp / name, header, rows)
    return Path(folder)


def input_hashes(paths: list[Path]) -> dict[str, str]:
    """SHA-256 of each input file, keyed by file name, so anyone can check they re-run on the same input."""
    out: dict[str, str] = {}
    for path in sorted(paths):
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(HASH_CHUNK):
                digest.update(chunk)
        out[path.name] = digest.hexdigest()
    return out
