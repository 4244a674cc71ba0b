"""The digests a ledger keeps: SHA-256 of files, and of a plan and a round record in a canonical JSON form.

Nothing here reads a clock: a digest is a function of the content alone, so the same inputs and policy give the
same `plan_sha256` and `record_sha256` on any machine, on SQLite and PostgreSQL alike. (The output files'
digests are of the files as written; `summary.json` and `report.html` hold the run's timings, so those two
differ from run to run, and are kept as what was handed out, not as a check of determinism.)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from allocate.ledger.records import AllocationRow, FileHash, VisitRow

_CHUNK = 1 << 20


def canonical_json(value: Any) -> str:
    """`value` as JSON with sorted keys, no spaces and the characters as they are: one text per value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_text(text: str) -> str:
    """SHA-256 of `text` in UTF-8, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_hash(path: str | os.PathLike[str], name: str | None = None) -> FileHash:
    """The SHA-256 and size of a file, named `name` (default: its file name)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FileHash(name=name or Path(path).name, sha256=digest.hexdigest(), size=size)


def files_hashes(paths: Iterable[str | os.PathLike[str]]) -> tuple[FileHash, ...]:
    """`file_hash` of each file, sorted by name; a name met twice is kept once (the first, in sorted path order)."""
    out: dict[str, FileHash] = {}
    for path in sorted(Path(p) for p in paths):
        out.setdefault(path.name, file_hash(path))
    return tuple(out[name] for name in sorted(out))


def folder_hashes(folder: str | os.PathLike[str]) -> tuple[FileHash, ...]:
    """`file_hash` of every file directly in `folder`, sorted by name."""
    base = Path(folder)
    return tuple(file_hash(base / name) for name in sorted(os.listdir(base)) if (base / name).is_file())


def plan_digest(
    status: str, termination: Mapping[str, Any], allocations: Sequence[AllocationRow], visits: Sequence[VisitRow]
) -> str:
    """SHA-256 of a plan: its status, termination and rows, in their order."""
    return sha256_text(
        canonical_json(
            {
                "status": status,
                "termination": dict(termination),
                "allocations": [list(a.as_tuple()) for a in allocations],
                "visits": [list(v.as_tuple()) for v in visits],
            }
        )
    )


def record_digest(
    *,
    operation: str,
    number: int,
    revision: int,
    supersedes: str | None,
    plan_date: str,
    inputs: Sequence[FileHash],
    policy_sha256: str,
    plan_sha256: str,
    note: str | None,
) -> str:
    """SHA-256 of a round record's content: what was planned, from what, under which policy, and what it replaces
    (`supersedes`: the replaced record's own digest). No time, no timings, no database ids."""
    return sha256_text(
        canonical_json(
            {
                "operation": operation,
                "number": number,
                "revision": revision,
                "supersedes": supersedes,
                "plan_date": plan_date,
                "inputs": [[f.name, f.sha256, f.size] for f in inputs],
                "policy_sha256": policy_sha256,
                "plan_sha256": plan_sha256,
                "note": note,
            }
        )
    )
