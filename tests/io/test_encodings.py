"""Encodings: UTF-8 with or without BOM and GB18030/GBK are read; anything else fails at a byte offset."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from allocate.io import read_case
from allocate.io.encoding import CHUNK, UndecodableError, detect_encoding

Problems = Callable[..., list[str]]


def test_utf8_without_bom(data: Path) -> None:
    """Plain UTF-8 (as a Mac or LibreOffice saves it) reads Chinese text."""
    assert read_case(data / "io_utf8_no_bom").households[0].grid == "一网格"


def test_gb18030_with_chinese_headers(data: Path) -> None:
    """A GBK/GB18030 file (Excel's "CSV" on Chinese Windows), Chinese headers, the 年龄 alias and 是/否."""
    case = read_case(data / "io_gb18030")
    assert [(h.grid, h.oldest_age, h.lives_alone, h.disabled) for h in case.households] == [
        ("一网格", 72, True, False),
        ("二网格", 85, False, True),
    ]
    assert (case.lots[0].item, case.lots[0].donor) == ("大米", "红十字会")
    assert case.needs[1].all_or_nothing


def test_latin1_fails_with_byte_offset(problems: Problems) -> None:
    """A Latin-1 file is refused, naming the file, the line and the offset of the first byte that is not UTF-8."""
    assert problems("io_latin1") == [
        "io_latin1/households.csv:3:0: cannot decode the file: it is neither UTF-8 (byte 0xE3 at offset 33) "
        'nor GB18030/GBK (byte 0xE9 at offset 39); save it as "CSV UTF-8"'
    ]


def test_utf16_fails_and_says_so(problems: Problems) -> None:
    """A UTF-16 file (Excel's "Unicode text") is recognised by its mark and told to be saved as CSV UTF-8."""
    assert problems("io_utf16") == [
        "io_utf16/households.csv:1:0: the file looks like UTF-16 (a UTF-16 mark or a NUL byte at offset 0); "
        'save it as "CSV UTF-8"'
    ]


def test_nul_byte_without_bom_is_utf16() -> None:
    """UTF-16 without a mark shows as NUL bytes, which no CSV holds."""
    with pytest.raises(UndecodableError, match="offset 1"):
        detect_encoding(io.BytesIO("household_id".encode("utf-16-le")))


def test_bad_byte_across_chunks_is_placed() -> None:
    """The offset is right when the bad byte comes after a multi-byte character cut by a chunk boundary."""
    good = "a" * (CHUNK - 1) + "网\n"  # 网 starts one byte before the chunk ends
    raw = good.encode("utf-8") + b"\xff\n"
    with pytest.raises(UndecodableError) as info:
        detect_encoding(io.BytesIO(raw))
    assert f"UTF-8 (byte 0xFF at offset {len(good.encode())})" in str(info.value)
    assert info.value.line == 2


def test_truncated_character_at_end() -> None:
    """A file cut in the middle of a character fails at that character's first byte."""
    with pytest.raises(
        UndecodableError, match=r"UTF-8 \(byte 0xE7 at offset 2\) nor GB18030/GBK \(byte 0xE7 at offset 2"
    ):
        detect_encoding(io.BytesIO(b"ab\xe7"))


def test_detection_leaves_stream_at_start() -> None:
    """After detection the file is read from its first byte."""
    f = io.BytesIO("户号,网格\n".encode("gb18030"))
    assert detect_encoding(f) == "gb18030"
    assert f.tell() == 0
