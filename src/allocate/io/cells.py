"""Cell kinds: how one cell of a table is read from text and written back (SPEC section 1, "Values").

Numbers, booleans, urgencies and list separators are NFKC-normalised and trimmed, so full-width digits and
punctuation typed in a Chinese input method read like their ASCII forms; text (ids, items, grids, skills) is
only trimmed, because it is case-sensitive and compared as given. Range rules (quantity >= 1, age 0-130) are
not here: the schema models own them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from allocate.catalog import default_tier, message, tier_label
from allocate.schema import SECOND, Urgency

Lang = Literal["en", "zh"]

MAX_DIGITS = 18
"""A whole number longer than this cannot be a count of anything here (and would overflow int64 arrays)."""


class CellError(ValueError):
    """A cell that cannot be read as its column's kind; `expected` completes "expected ...", and `key` names the
    catalog message that says the same in other languages (None: English only)."""

    def __init__(self, expected: str, key: str | None = None, **words: str) -> None:
        super().__init__(expected)
        self.expected, self.key, self.words = expected, key, words


def _normal(text: str) -> str:
    """NFKC, then trim: `３` is `3`, `；` is `;`, a full-width space is a space."""
    return (text if text.isascii() else unicodedata.normalize("NFKC", text)).strip()


_WHOLE = re.compile(r"[+-]?[0-9]+(?:\.0*)?", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_DATE = re.compile(
    r"([0-9]{4})\s*(?:-|/|\.|年)\s*([0-9]{1,2})\s*(?:-|/|\.|月)\s*([0-9]{1,2})\s*日?"
    r"(?:[ T]0?0:00(?::00)?)?",  # midnight, as a spreadsheet exports a date cell with a time format
    re.ASCII,
)
_SEPARATORS = re.compile(r"[;；,，、]")

_BOOLS = dict.fromkeys(("true", "yes", "y", "1", "是"), True) | dict.fromkeys(("false", "no", "n", "0", "否"), False)
_URGENCY_ZH = {"紧急": Urgency.CRITICAL, "高": Urgency.HIGH, "普通": Urgency.NORMAL, "低": Urgency.LOW}
_URGENCIES = {u.value: u for u in Urgency} | _URGENCY_ZH
_URGENCY_NAMES_ZH = {u: zh for zh, u in _URGENCY_ZH.items()}


@dataclass(frozen=True)
class Cell:
    """One kind of cell: its name in messages (`noun`), and how to read and write it.

    This base kind is text (ids, items, grids, skills, donors, tier names): trimmed, otherwise as given.
    """

    noun: str
    key: str | None = None  # the catalog's "expected ..., found ..." message for this kind

    def parse(self, text: str) -> Any:
        """The value of a non-blank, trimmed cell; CellError when it is not of this kind."""
        return text

    def format(self, value: Any, lang: Lang) -> str:
        """The cell text for `value` (None is blank), which `parse` reads back to an equal value."""
        return "" if value is None else str(value)


class _Whole(Cell):
    def parse(self, text: str) -> int:
        if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
            return int(text)  # the common case, fast
        t = _normal(text)
        if not _WHOLE.fullmatch(t):
            raise CellError(self.noun, self.key)
        if len(t.split(".")[0].lstrip("+-")) > MAX_DIGITS:
            raise CellError(f"{self.noun} of at most {MAX_DIGITS} digits", "cell_whole_digits", digits=str(MAX_DIGITS))
        return int(t.split(".")[0])


class _Number(Cell):
    def parse(self, text: str) -> float:
        t = _normal(text)
        if not _NUMBER.fullmatch(t):
            raise CellError(self.noun, self.key)
        x = float(t)
        if not math.isfinite(x):
            raise CellError(self.noun, self.key)
        return x

    def format(self, value: Any, lang: Lang) -> str:
        if value is None:
            return ""
        x = float(value)
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


class _Bool(Cell):
    def parse(self, text: str) -> bool:
        value = _BOOLS.get(text)
        if value is None:
            value = _BOOLS.get(_normal(text).casefold())
        if value is None:
            raise CellError(self.noun, self.key)
        return value

    def format(self, value: Any, lang: Lang) -> str:
        if value is None:
            return ""
        if lang == "zh":
            return "是" if value else "否"
        return "true" if value else "false"


class _Date(Cell):
    def parse(self, text: str) -> dt.date:
        m = _DATE.fullmatch(_normal(text))
        if not m:
            raise CellError(self.noun, self.key)
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise CellError("a date that exists", "cell_real_date") from None

    def format(self, value: Any, lang: Lang) -> str:
        return "" if value is None else str(value.isoformat())


class _Urgency(Cell):
    def parse(self, text: str) -> Urgency:
        value = _URGENCIES.get(text) or _URGENCIES.get(_normal(text).casefold())
        if value is None:
            raise CellError(self.noun, self.key)
        return value

    def format(self, value: Any, lang: Lang) -> str:
        if value is None:
            return ""
        return _URGENCY_NAMES_ZH[Urgency(value)] if lang == "zh" else Urgency(value).value


def _label_key(text: str) -> str:
    """How a tier label is compared: NFKC, case-folded, without spaces (`困难群体 (vulnerable)` is the report's
    `困难群体（vulnerable）`)."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class TierCell(Cell):
    """A tier of the policy (a household's manual tier, a lot's earmark): its name as the policy spells it, or
    the label the report and explanations show for it (困难群体 or 困难群体（vulnerable）for `vulnerable`), any
    case, read as that name. Text that is no tier's name or label is kept as written, for the case's check to
    report with the policy's tiers; a label of more than one tier is an error here."""

    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, names: Sequence[str]) -> TierCell:
        """The cell kind for the tiers `names` (highest priority first)."""
        labels: dict[str, list[str]] = {}
        for name in names:
            forms = {name, tier_label(name, "en"), tier_label(name, "zh"), default_tier(name, "zh") or name}
            for key in {_label_key(f) for f in forms}:
                labels.setdefault(key, []).append(name)
        return cls("a tier of the policy", None, {k: tuple(v) for k, v in labels.items()}, frozenset(names))

    def parse(self, text: str) -> str:
        if text in self.names:
            return text
        meant = self.labels.get(_label_key(text), ())
        if len(meant) > 1:
            either = " or ".join(repr(m) for m in meant)
            raise CellError(
                f"one tier's name as policy.toml spells it: this could be {either}",
                "cell_tier_ambiguous",
                either=either,
            )
        return meant[0] if meant else text


class _List(Cell):
    """Entries are text (trimmed, as given); only the separators are normalised."""

    def parse(self, text: str) -> tuple[str, ...]:
        return tuple(e for e in (p.strip() for p in _SEPARATORS.split(text)) if e)

    def format(self, value: Any, lang: Lang) -> str:
        return "" if value is None else ";".join(value)


TEXT = Cell("text")
WHOLE: Cell = _Whole("a whole number", "cell_whole")
NUMBER: Cell = _Number("a finite number", "cell_number")
BOOL: Cell = _Bool("true/false, yes/no, y/n, 1/0 or 是/否", "cell_bool")
DATE: Cell = _Date("a date like 2026-03-01", "cell_date")
URGENCY: Cell = _Urgency("one of critical, high, normal, low (紧急, 高, 普通, 低)", "cell_urgency")
LIST: Cell = _List("a list separated by ;", "cell_list")


_LIMITS = {"greater_than_equal": (">=", "ge"), "greater_than": (">", "gt"), "less_than_equal": ("<=", "le"),
           "less_than": ("<", "lt")}  # fmt: skip


def limit(error_type: str, ctx: dict[str, Any], lang: Lang = "en") -> str | None:
    """A schema range rule broken, as messages in `lang` say it (`>= 1`, `>= 1/3600 (one second)`), from a
    pydantic error; None if not a range."""
    if error_type not in _LIMITS:
        return None
    op, key = _LIMITS[error_type]
    bound = ctx[key]
    return message("rule_one_second", lang, op=op) if bound == SECOND else f"{op} {NUMBER.format(bound, lang)}"


def native_text(value: object) -> str:
    """A spreadsheet cell's native value (number, date, bool) as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
