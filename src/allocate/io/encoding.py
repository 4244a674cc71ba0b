"""Which encoding a CSV file is in: UTF-8 (with or without BOM) or GB18030/GBK, decided from the bytes.

Excel on a Chinese Windows saves "CSV" as GBK and "CSV UTF-8" as UTF-8 with BOM; WPS does either. Its "Unicode
text" (a `.txt` table, tab-separated) is UTF-16 with a BOM, accepted where the caller allows it. Guessing
from a sample can be wrong deep into a file, so each candidate decodes the whole file strictly, streamed in
chunks (a few MB of memory whatever the file's size). Anything else fails with the byte offset to look at.

GB18030 decodes almost any bytes, so a Latin-1 or Windows-1252 file ("Müller") can pass as GB18030 and read
as nonsense ("M黮ler"). A file that is not UTF-8 is therefore taken as GB18030 only when it reads as Chinese.
A Latin-1 accent followed by a letter decodes as one character outside GB2312 whose second byte is that ASCII
letter (a *suspect*); real Chinese text is almost all GB2312 characters, with the odd rare one in a name. The
text is refused when a suspect stands next to an ASCII letter ("M黮ler"), or when suspects are more than half
of its non-ASCII characters ("Öl" read as "謑"). The rule looks only at the decoded text, so it is
deterministic, and it costs one scan of the text for a character class.
"""

from __future__ import annotations

import codecs
import re
import string
from collections.abc import Callable
from typing import BinaryIO, NamedTuple

CHUNK = 1 << 20
CANDIDATES = ("utf-8", "gb18030")
FIX = "save the file as UTF-8 (in Excel: CSV UTF-8) or GB18030"

_LEAD_AND_LETTER = bytes(b for lead in range(0x81, 0xFF) for t in string.ascii_letters.encode() for b in (lead, t))
_SUSPECTS = re.compile(f"[{''.join(sorted(set(_LEAD_AND_LETTER.decode('gb18030'))))}]")
"""Characters GB18030 decodes from a lead byte and an ASCII letter: none of them is in GB2312."""


class UndecodableError(ValueError):
    """The file is in none of the accepted encodings; `line` is where the first bad byte is; `key` and `words`
    say it in other languages (`allocate.errors.Problem`)."""

    def __init__(self, message: str, line: int | None, key: str | None = None, **words: str) -> None:
        super().__init__(message)
        self.line, self.key, self.words = line, key, words


def detect_encoding(f: BinaryIO, *, utf16: bool = False) -> str:
    """The codec to read `f` with (`utf-8-sig` or `gb18030`, or `utf-16` when `utf16` allows a file that starts
    with a UTF-16 mark, as Excel's "Unicode text" does); leaves `f` at its start."""
    head = f.read(4)
    f.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if not utf16:
            raise _utf16(0, 1)
        _check_utf16(f, "utf-16-le" if head.startswith(codecs.BOM_UTF16_LE) else "utf-16-be")
        f.seek(0)
        return "utf-16"
    not_utf8 = _first_bad_byte(f, "utf-8")
    f.seek(0)
    if not_utf8 is None:
        return "utf-8-sig"
    chinese = _ReadsAsChinese()
    not_gb = _first_bad_byte(f, "gb18030", chinese.feed)
    f.seek(0)
    offset, line, byte = not_utf8
    utf8 = f"UTF-8 (byte 0x{byte:02X} at offset {offset})"
    if not_gb is not None:
        gb = f"GB18030/GBK (byte 0x{not_gb[2]:02X} at offset {not_gb[0]})"
        raise UndecodableError(
            f'cannot decode the file: it is neither {utf8} nor {gb}; save it as "CSV UTF-8"',
            line,
            "undecodable",
            utf8=utf8,
            gb=gb,
        )
    nonsense = chinese.verdict()
    if nonsense is not None:
        raise UndecodableError(
            f'cannot decode the file: it is not UTF-8, and read as GB18030/GBK it gives "{nonsense.word}" (byte '
            f"0x{nonsense.byte:02X} at offset {nonsense.offset}), which is not Chinese: is it Latin-1 or "
            f"Windows-1252? {FIX}",
            nonsense.line,
            "undecodable_latin",
            word=nonsense.word,
            byte=f"0x{nonsense.byte:02X}",
            offset=str(nonsense.offset),
        )
    return "gb18030"


class _ReadsAsChinese:
    """Whether text decoded as GB18030, fed chunk by chunk, reads as Chinese (the rule in the module docstring)."""

    def __init__(self) -> None:
        self.suspects = 0
        self.non_ascii = 0
        self.first: _Where | None = None  # the first suspect
        self.touching: _Where | None = None  # the first suspect next to an ASCII letter
        self.pending: _Where | None = None  # a suspect that ended the last chunk: its next neighbour is to come
        self.last = ""  # the last character of the last chunk

    def feed(self, text: str, offset: int, line: int) -> None:
        """Look at `text`, decoded from the bytes from `offset` on, which starts on `line`."""
        if not text:
            return
        self.non_ascii += len(text) - len(text.encode("ascii", "ignore"))
        if self.touching is None and self.pending is not None and _ascii_letter(text[0]):
            self.touching = self.pending
        self.pending = None
        joined, start = self.last + text, len(self.last)
        for m in _SUSPECTS.finditer(text):
            self.suspects += 1
            i = start + m.start()
            where = _where(joined, start, i, offset, line) if self.first is None or self.touching is None else None
            self.first = self.first or where
            if self.touching is None and (_ascii_letter(joined[i - 1 : i]) or _ascii_letter(joined[i + 1 : i + 2])):
                self.touching = where
            if i == len(joined) - 1:
                self.pending = where
        self.last = text[-1]

    def verdict(self) -> _Where | None:
        """Where the first character is that shows the text is not Chinese, or None when it reads as Chinese."""
        if self.touching is not None:
            return self.touching
        return self.first if 2 * self.suspects > self.non_ascii else None


class _Where(NamedTuple):
    """A suspect character: its byte offset, line, first byte, and the word it is in as decoded."""

    offset: int
    line: int
    byte: int
    word: str


_WORD_START = re.compile(r"[^\s,;\"']*\Z")
_WORD_END = re.compile(r"[^\s,;\"']*")


def _where(joined: str, start: int, i: int, offset: int, line: int) -> _Where:
    """Where `joined[i]` is, `joined[start]` being the character at byte `offset` on `line`."""
    before = joined[start:i]
    head = _WORD_START.search(joined[max(0, i - 20) : i])
    tail = _WORD_END.match(joined, i, i + 20)
    return _Where(
        offset + len(before.encode("gb18030")),
        line + before.count("\n"),
        joined[i].encode("gb18030")[0],
        (head[0] if head else "") + (tail[0] if tail else ""),
    )


def _ascii_letter(c: str) -> bool:
    return c.isascii() and c.isalpha()


def _first_bad_byte(
    f: BinaryIO, codec: str, seen: Callable[[str, int, int], None] | None = None
) -> tuple[int, int, int] | None:
    """(offset, line, byte value) of the first byte `codec` cannot decode, or None when it decodes it all.

    `seen` is given each piece of decoded text, the byte offset it starts at and its line.
    """
    decoder = codecs.getincrementaldecoder(codec)("strict")
    offset, line = 0, 1
    while True:
        chunk = f.read(CHUNK)
        nul = chunk.find(b"\0")
        if nul >= 0:
            raise _utf16(offset + nul, line + chunk.count(b"\n", 0, nul))
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as e:
            at = offset - pending + e.start
            return at, line + chunk.count(b"\n", 0, max(0, at - offset)), e.object[e.start]
        if seen is not None:
            seen(text, offset - pending, line)
        if not chunk:
            return None
        offset += len(chunk)
        line += chunk.count(b"\n")


def _check_utf16(f: BinaryIO, codec: str) -> None:
    """Decode all of `f` (after its 2-byte mark) as `codec`, streamed; UndecodableError at the first bad bytes.

    Lines are counted in the decoded text: in UTF-16 a 0x0A byte is often half of a character (上 is 0A 4E).
    """
    decoder = codecs.getincrementaldecoder(codec)("strict")
    f.seek(2)
    offset, line = 2, 1
    while True:
        chunk = f.read(CHUNK)
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as e:
            line += e.object[: e.start].decode(codec, "replace").count("\n")
            raise UndecodableError(
                f"cannot decode the file as UTF-16 (byte offset {offset - pending + e.start}: {e.reason}); "
                'save it again as "Unicode text", or as "CSV UTF-8"',
                line,
                "undecodable_utf16",
                offset=str(offset - pending + e.start),
            ) from None
        if not chunk:
            return
        offset += len(chunk)
        line += text.count("\n")


def _utf16(offset: int, line: int) -> UndecodableError:
    return UndecodableError(
        f'the file looks like UTF-16 (a UTF-16 mark or a NUL byte at offset {offset}); save it as "CSV UTF-8"',
        line,
        "looks_utf16",
        offset=str(offset),
    )
