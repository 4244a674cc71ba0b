"""Which encoding a CSV file is in: UTF-8 (with or without BOM) or GB18030/GBK, decided from the bytes.

Excel on a Chinese Windows saves "CSV" as GBK and "CSV UTF-8" as UTF-8 with BOM; WPS does either. Guessing
from a sample can be wrong deep into a file, so each candidate decodes the whole file strictly, streamed in
chunks (a few MB of memory whatever the file's size). Anything else fails with the byte offset to look at.
"""

from __future__ import annotations

import codecs
from typing import BinaryIO

CHUNK = 1 << 20
CANDIDATES = ("utf-8", "gb18030")


class UndecodableError(ValueError):
    """The file is in none of the accepted encodings; `line` is where the first bad byte is."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def detect_encoding(f: BinaryIO) -> str:
    """The codec to read `f` with (`utf-8-sig` or `gb18030`); leaves `f` at its start."""
    head = f.read(4)
    f.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _utf16(0, 1)
    failures: list[str] = []
    first_line: int | None = None
    for codec in CANDIDATES:
        bad = _first_bad_byte(f, codec)
        f.seek(0)
        if bad is None:
            return "utf-8-sig" if codec == "utf-8" else codec
        offset, line, byte = bad
        first_line = first_line or line
        failures.append(f"{'GB18030/GBK' if codec == 'gb18030' else 'UTF-8'} (byte 0x{byte:02X} at offset {offset})")
    raise UndecodableError(
        f'cannot decode the file: it is neither {" nor ".join(failures)}; save it as "CSV UTF-8"', first_line
    )


def _first_bad_byte(f: BinaryIO, codec: str) -> tuple[int, int, int] | None:
    """(offset, line, byte value) of the first byte `codec` cannot decode, or None when it decodes it all."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    offset, line = 0, 1
    while True:
        chunk = f.read(CHUNK)
        nul = chunk.find(b"\0")
        if nul >= 0:
            raise _utf16(offset + nul, line + chunk.count(b"\n", 0, nul))
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as e:
            at = offset - pending + e.start
            return at, line + chunk.count(b"\n", 0, max(0, at - offset)), e.object[e.start]
        if not chunk:
            return None
        offset += len(chunk)
        line += chunk.count(b"\n")


def _utf16(offset: int, line: int) -> UndecodableError:
    return UndecodableError(
        f'the file looks like UTF-16 (a UTF-16 mark or a NUL byte at offset {offset}); save it as "CSV UTF-8"', line
    )
