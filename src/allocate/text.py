"""Safe text for terminals, and the characters that make two ids look alike.

Ids, items and grids come from spreadsheets and may hold characters a person cannot see: a zero-width space
(U+200B), a byte-order mark in the middle (U+FEFF), a bidi override that reorders what follows (U+202E), an ESC
that starts a terminal colour or cursor sequence. Printed raw, they hide or rewrite what a planner reads; kept in
an id, they make "H1" and "H1\u200b" two households without a word. Full-width letters and digits (`Ｈ２`, typed
with a Chinese input method) look like their ASCII forms but are different ids too.

`printable` is what every message, and every id printed to a terminal, goes through: each character a terminal
would not simply show is written as its Python escape (`\\x1b`, `\\u200b`), so what is shown is exactly what is
there. `invisible` and `lookalike_key` find such characters and ids for the warnings of `validate`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

ASCII_SPACE = " "
CONTROLS = {0x00: "NULL", 0x09: "CHARACTER TABULATION", 0x0A: "LINE FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE",
            0x7F: "DELETE"}  # fmt: skip
"""Names of the control characters most often found in cells (Unicode gives controls no name of their own)."""


def printable(text: str, keep: str = "") -> str:
    """`text` with every character a terminal would act on or not show (controls, format characters such as
    U+200B and U+202E, separators other than the space) written as its escape: `H1\\u200b`, `\\x1b[31m`.

    Visible text (Chinese, full-width forms, accents) is left as it is, and so are the characters in `keep`
    (`"\\n"` for text of several lines). Cheap when there is nothing to escape.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in keep else repr(c)[1:-1] for c in text)


def printable_json(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) safe to print and still the same JSON: each
    character `printable` would escape, other than the line breaks of indentation, as a `\\uXXXX` escape.

    Outside strings JSON holds only spaces and line breaks, so every such character is inside a string, where
    `\\uXXXX` stands for it.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == "\n" else _json_escape(c) for c in text)


def _json_escape(c: str) -> str:
    code = ord(c)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def invisible(text: str) -> str | None:
    """The first character of `text` that a person cannot see or that a terminal acts on, or None.

    These are the characters `printable` escapes: controls (Cc, line breaks and tabs included), format
    characters (Cf: zero-width spaces and joiners, BOM, bidi marks and overrides), separators other than the
    ASCII space, private-use and unassigned code points.
    """
    if text.isprintable():
        return None
    return next(c for c in text if not c.isprintable())


def char_name(c: str) -> str:
    """A character as a message names it: `U+200B ZERO WIDTH SPACE`."""
    name = unicodedata.name(c, "") or CONTROLS.get(ord(c), "")
    if not name:
        category = unicodedata.category(c)
        name = {"Cc": "CONTROL", "Co": "PRIVATE USE", "Cn": "UNASSIGNED", "Cs": "SURROGATE"}.get(category, category)
    return f"U+{ord(c):04X} {name}"


def lookalike_key(text: str) -> str:
    """What `text` looks like: NFKC (full-width `Ｈ２` is `H2`) without the invisible characters.

    Two different ids with the same key are told apart only by what a person cannot see.
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isprintable())


def plain(texts: Sequence[str]) -> bool:
    """True when no text in `texts` holds an invisible character or a full-width (NFKC-changing) one.

    One pass over the joined texts in C, so that checking every id of a large case costs almost nothing when,
    as usual, there is nothing to find.
    """
    joined = ASCII_SPACE.join(texts)
    if joined.isascii():
        return joined.isprintable()
    return joined.isprintable() and unicodedata.is_normalized("NFKC", joined)


# -- columns of text in a terminal ----------------------------------------------------------------------------


def display_width(text: str) -> int:
    """The columns `text` takes in a terminal: a wide or full-width character (Chinese, `Ｈ`) takes two, a
    combining mark none, any other one; so that a column of Chinese names lines up with an English one."""
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text
    )


def pad(text: str, width: int, align: str = "<") -> str:
    """`text` padded with spaces to `width` display columns (`display_width`), on the right (`<`) or left (`>`)."""
    fill = " " * max(0, width - display_width(text))
    return text + fill if align == "<" else fill + text


# -- cells a spreadsheet would read as a formula -------------------------------------------------------------

FORMULA_START = frozenset("=+-@\t\r\n\0'")
"""First characters that make a spreadsheet read a cell as a formula (OWASP's `= + - @`, tab and carriage return,
and line feed and NUL as ASVS adds), and `'`, the escape itself, so that escaping can be undone exactly."""

_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def neutralise(cell: str) -> str:
    """`cell` as written to a CSV: prefixed with `'` if it starts with a character in `FORMULA_START`.

    A plain number (`-1`, `+2.5`) is left as it is: a spreadsheet reads it as a number, never as a formula. Every
    other cell, including one that really starts with `'`, is escaped, so `restore(neutralise(c)) == c` always.
    """
    if cell[:1] in FORMULA_START and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """Undo `neutralise`: drop a leading `'` that stands before a character in `FORMULA_START`.

    A cell such as `'abc` (which `neutralise` never writes) is read as it is.
    """
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_START else cell
