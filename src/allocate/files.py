"""Writing output folders all at once, and CSV files that Excel and WPS open cleanly.

Everything a command writes goes into a temporary sibling folder that is renamed into place at the end, so a
failure or an interruption never leaves a half-written folder, and an existing folder is replaced only on request.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from allocate.errors import OutputExistsError


def check_target(target: Path, *, overwrite: bool) -> None:
    """Refuse a target that is a file, or a non-empty folder unless `overwrite`."""
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputExistsError(f"{target} exists and is not a folder; choose another output folder")
    if not overwrite and any(target.iterdir()):
        raise OutputExistsError(f"{target} exists and is not empty; choose a new or empty folder")


@contextmanager
def atomic_folder(folder: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary folder to fill; on success it replaces `folder` in one rename, on failure it vanishes."""
    target = Path(folder)
    check_target(target, overwrite=overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    tmp.mkdir()
    try:
        yield tmp
        _publish(tmp, target, overwrite)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _publish(tmp: Path, target: Path, overwrite: bool) -> None:
    """Move the finished folder `tmp` to `target`; a replaced folder is swapped out first, then removed."""
    check_target(target, overwrite=overwrite)  # again: something may have appeared while we wrote
    if not target.exists():
        os.replace(tmp, target)
        return
    if not any(target.iterdir()):
        target.rmdir()
        os.replace(tmp, target)
        return
    old = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.old"
    os.replace(target, old)
    try:
        os.replace(tmp, target)
    except OSError:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """One CSV as UTF-8 with BOM and CRLF line ends (what Excel opens cleanly), composed in memory, one write."""
    text = io.StringIO(newline="")
    out = csv.writer(text, lineterminator="\r\n")
    out.writerow(header)
    out.writerows(rows)
    path.write_text(text.getvalue(), encoding="utf-8-sig", newline="")
