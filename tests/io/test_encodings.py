"""Encodings: UTF-8 with or without BOM and GB18030/GBK are read; anything else, and GB18030 that is not
Chinese, fails at a byte offset."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from allocate import demo
from allocate.io import read_case
from allocate.io.encoding import CHUNK, UndecodableError, detect_encoding

Problems = Callable[..., list[str]]
DEMO = demo.path()


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


def test_latin1_that_decodes_as_gb18030_is_refused(problems: Problems) -> None:
    """ "Müller" in Latin-1 decodes as GB18030 to "M黮ler": refused at the first suspect byte, with the fix."""
    assert problems("io_latin1_plausible") == [
        "io_latin1_plausible/households.csv:3:0: cannot decode the file: it is not UTF-8, and read as GB18030/GBK it "
        'gives "M黮ler" (byte 0xFC at offset 47), which is not Chinese: is it Latin-1 or Windows-1252? save the file '
        "as UTF-8 (in Excel: CSV UTF-8) or GB18030"
    ]


def test_latin1_word_alone_is_refused_when_most_text_is_suspect() -> None:
    """ "Öl" touches no letter, but it is all the non-ASCII text there is: not Chinese."""
    with pytest.raises(UndecodableError, match='gives "謑" \\(byte 0xD6 at offset 21\\)') as info:
        detect_encoding(io.BytesIO("household_id,grid\nH1,Öl\n".encode("cp1252")))
    assert info.value.line == 2


def test_suspect_next_to_a_letter_across_chunks_is_found() -> None:
    """A suspect that ends one chunk and a letter that starts the next are neighbours too (in much Chinese text)."""
    head = ("大米," * 1000).encode("gb18030")
    raw = head + b"," * (CHUNK - 2 - len(head)) + "Müller\n".encode("cp1252")[1:]  # "üller": ü ends the chunk
    with pytest.raises(UndecodableError, match=f"byte 0xFC at offset {CHUNK - 2}"):
        detect_encoding(io.BytesIO(raw))


def test_realistic_gbk_export_reads(data: Path) -> None:
    """GBK with names (玥, 镕, 昇: rare characters), addresses with Latin letters, N95口罩 and 维生素C片 is read."""
    case = read_case(data / "io_gb18030_realistic")
    assert [n.item for n in case.needs] == ["胰岛素笔", "大米", "N95口罩", "维生素C片", "食用油", "血糖试纸"]
    assert case.lots[1].grids == ("第一网格", "第二网格")
    assert case.lots[3].donor == "爱心企业（某某药房）"
    assert [h.grid for h in case.households] == ["第一网格", "第一网格", "第二网格", "第二网格", "第三网格"]


def test_demo_saved_as_gb18030_reads_the_same(tmp_path: Path) -> None:
    """The bundled demo case, saved as GB18030 (Excel's "CSV" on a Chinese Windows), reads to the same case."""
    for f in DEMO.iterdir():
        if f.suffix == ".csv":
            (tmp_path / f.name).write_bytes(f.read_text(encoding="utf-8-sig").encode("gb18030"))
        elif f.suffix == ".toml":
            (tmp_path / f.name).write_bytes(f.read_bytes())
    assert read_case(tmp_path) == read_case(DEMO)
