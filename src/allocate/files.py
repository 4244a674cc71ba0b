"""Writing output folders all at once, and CSV files that Excel and WPS open safely.

Everything a command writes goes into a temporary sibling folder, `.OUT.<pid>.<token>.tmp`, flushed to disk and
then renamed into place, so a failure or an interruption never leaves a half-written folder. Replacing an
existing OUT takes two renames (OUT aside to `.OUT.<pid>.<token>.old`, the new folder in), because no portable
call swaps two folders. A run killed between them leaves OUT missing and the old plan aside; the next write to OUT
(and `allocate verify` or `explain` of it) first calls `recover`, which puts the old folder back and removes the
leftovers of runs that are over. A leftover whose process is still running is left alone: that run may be
writing now. Only a folder that holds nothing but files the caller declares `replaceable` is ever replaced.

CSV cells are neutralised against formula injection (`neutralise`); readers undo it (`restore`).
"""

from __future__ import annotations

import csv
import io
import operator
import os
import re
import secrets
import shutil
import signal
import sys
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from allocate.errors import OutputExistsError
from allocate.text import FORMULA_START, neutralise

SYSTEM_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
"""Files the operating system drops into any folder it shows; they never stop a folder from being replaced."""

_LEFTOVER = re.compile(r"(?P<pid>[0-9]+)\.[0-9a-f]{8}\.(?P<kind>tmp|old)")
_ACTIVE: set[str] = set()  # leftover-style names this process is using right now (other threads may write too)
_ACTIVE_LOCK = threading.Lock()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """One CSV as UTF-8 with BOM and CRLF line ends (what Excel opens cleanly), composed in memory, one write.

    Every cell goes through `neutralise`, so no cell can start a formula in Excel, WPS or LibreOffice. The cells are
    turned into text and checked a column at a time, in C where it can be (a plan has millions of cells): only a
    column with a cell that starts like a formula is neutralised cell by cell. `None` is written as a blank cell.
    """
    write_columns(path, header, list(zip(*rows, strict=True)) or [()] * len(header))


def write_columns(path: Path, header: Sequence[str], columns: Sequence[Iterable[Any]]) -> None:
    """`write_csv` of a table held as columns (one per header name, all of one length), without turning it into
    rows first."""
    if len(columns) != len(header):
        raise ValueError(f"{path.name}: {len(columns)} columns under a header of {len(header)}")
    cells = [_cells(c if isinstance(c, Sequence) else list(c)) for c in columns]
    text = io.StringIO(newline="")
    out = csv.writer(text, lineterminator="\r\n")
    out.writerow([neutralise(h) for h in header])
    out.writerows(zip(*cells, strict=True))
    path.write_text(text.getvalue(), encoding="utf-8-sig", newline="")


_FIRST = operator.itemgetter(slice(None, 1))


def _cells(column: Sequence[Any]) -> list[str]:
    """A column's cells as written: text, `None` blank, neutralised where one starts like a formula."""
    cells = ["" if c is None else str(c) for c in column] if None in column else list(map(str, column))
    if FORMULA_START.isdisjoint(map(_FIRST, cells)):
        return cells
    return [neutralise(c) if c[:1] in FORMULA_START else c for c in cells]


def check_target(target: Path, *, overwrite: bool, replaceable: Collection[str] = ()) -> None:
    """Refuse a target that is a file; a non-empty folder unless `overwrite`; and, even then, a folder holding
    anything but files named in `replaceable` (or `SYSTEM_FILES`): what we did not write, we never delete."""
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise OutputExistsError(f"{target} exists and is not a folder; choose another output folder")
    names = sorted(os.listdir(target))
    if not names:
        return
    if not overwrite:
        raise OutputExistsError(f"{target} exists and is not empty; choose a new or empty folder")
    foreign = [n for n in names if n not in SYSTEM_FILES and (n not in replaceable or not (target / n).is_file())]
    if foreign:
        listed = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise OutputExistsError(
            f"{target} holds {listed}, which allocate did not write there, so it will not replace the folder; "
            "move those away, or choose another output folder"
        )


class InterruptedAfterWriting(KeyboardInterrupt):
    """Ctrl-C came while `folder` was being switched into place; the switch was finished first, so `folder` holds
    the new files. (A plain KeyboardInterrupt from `atomic_folder` means nothing was put in place.)"""

    def __init__(self, folder: Path) -> None:
        super().__init__(f"interrupted after {folder} was written")
        self.folder = folder


@contextmanager
def atomic_folder(
    folder: str | os.PathLike[str], *, overwrite: bool = False, replaceable: Collection[str] = ()
) -> Iterator[Path]:
    """Yield a temporary folder to fill; on success it replaces `folder`, on failure it vanishes.

    `overwrite` allows replacing a non-empty `folder`, and only one holding no more than `replaceable` files.
    """
    target = Path(folder)
    recover(target)
    check_target(target, overwrite=overwrite, replaceable=replaceable)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _claim(target, "tmp")
    old: Path | None = None
    switched = False
    try:
        tmp.mkdir()
        yield tmp
        _flush(tmp)
        with _sigint_deferred() as interrupted:
            old = _switch(tmp, target, overwrite=overwrite, replaceable=replaceable)
            switched = True
        _flush_folder(target.parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)  # a partial leftover is removed by the next `recover`
        if interrupted:
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        if switched:
            raise InterruptedAfterWriting(target) from None
        raise
    except OSError:
        if not switched:
            raise  # after the switch the new folder is in place: a failed clean-up is left to `recover`
    finally:
        if not switched:
            shutil.rmtree(tmp, ignore_errors=True)
        _release(tmp)
        if old is not None:
            _release(old)


def _switch(tmp: Path, target: Path, *, overwrite: bool, replaceable: Collection[str]) -> Path | None:
    """Put `tmp` where `target` is; returns where the replaced folder was moved aside (None: nothing replaced)."""
    check_target(target, overwrite=overwrite, replaceable=replaceable)  # again: something may have appeared
    if os.path.lexists(target) and os.listdir(target):
        old = _claim(target, "old")
        try:
            os.replace(target, old)
            try:
                os.replace(tmp, target)
            except BaseException:
                with suppress(OSError):  # should this fail too, `recover` puts it back on the next run
                    os.replace(old, target)
                raise
        except BaseException:
            _release(old)
            raise
        return old
    if os.path.lexists(target):
        target.rmdir()  # empty: nothing to keep (Windows cannot rename onto a folder)
    os.replace(tmp, target)
    return None


def recover(folder: str | os.PathLike[str]) -> bool:
    """Finish what an interrupted write to `folder` left behind; True if it put a replaced folder back.

    Where `folder` is missing (or an empty folder) and an earlier run had moved it aside (killed between the two
    renames), the folder is renamed back; every other leftover of a run that is over (temporary and set-aside
    folders) is removed.
    """
    target = Path(folder)
    stale = _stale_leftovers(target)
    olds = sorted((p for p, kind in stale if kind == "old"), key=_mtime, reverse=True)
    restored = False
    if olds and (not os.path.lexists(target) or _empty_folder(target)):
        with suppress(OSError):  # another run may be recovering it at the same moment
            if os.path.lexists(target):
                target.rmdir()  # an empty folder made since holds nothing to keep
            os.replace(olds[0], target)
            restored = True
    for path, _ in stale:
        if not (restored and path == olds[0]):
            shutil.rmtree(path, ignore_errors=True)
    return restored


def _empty_folder(path: Path) -> bool:
    try:
        return path.is_dir() and not path.is_symlink() and not os.listdir(path)
    except OSError:
        return False


def _stale_leftovers(target: Path) -> list[tuple[Path, str]]:
    """`.NAME.<pid>.<token>.tmp|old` folders beside `target` whose run is over."""
    prefix = f".{target.name}."
    try:
        names = [n for n in os.listdir(target.parent) if n.startswith(prefix)]
    except OSError:
        return []
    out = []
    for name in names:
        m = _LEFTOVER.fullmatch(name[len(prefix) :])
        if m and not _in_use(name, int(m["pid"])):
            out.append((target.parent / name, m["kind"]))
    return out


def _in_use(name: str, pid: int) -> bool:
    """Whether the run that made leftover `name` may still be using it."""
    if pid == os.getpid():
        with _ACTIVE_LOCK:
            return name in _ACTIVE
    return _process_alive(pid)


def _process_alive(pid: int) -> bool:
    """Whether a process `pid` runs on this machine; when unsure, yes (its files are then left alone)."""
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it exists
        try:
            code = ctypes.c_ulong()
            return not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) or code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's process
        return True
    return True


def _claim(target: Path, kind: str) -> Path:
    """A fresh `.NAME.<pid>.<token>.<kind>` path beside `target`, marked in use by this process."""
    path = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.{kind}"
    with _ACTIVE_LOCK:
        _ACTIVE.add(path.name)
    return path


def _release(path: Path) -> None:
    with _ACTIVE_LOCK:
        _ACTIVE.discard(path.name)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _flush(folder: Path) -> None:
    """Force every file under `folder` to disk before the switch, so a power cut cannot leave empty files in the
    new folder (file systems may otherwise commit the rename before the data)."""
    for parent, _, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(parent, name), os.O_RDWR)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _flush_folder(Path(parent))


def _flush_folder(folder: Path) -> None:
    """Force a folder's entries (names, renames) to disk; only POSIX can open a folder for that."""
    if os.name != "posix":
        return
    with suppress(OSError):  # some file systems refuse fsync on a folder; the data is still written
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def _sigint_deferred() -> Iterator[list[bool]]:
    """Hold Ctrl-C while the folders are switched (two renames that must not be split); the yielded list is
    non-empty if it came. Only the main thread with Python's own handler can do this; elsewhere nothing is held."""
    got: list[bool] = []
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield got
        return
    signal.signal(signal.SIGINT, lambda *_: got.append(True))
    try:
        yield got
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
