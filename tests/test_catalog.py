"""The catalog: every message in both languages with the same fields, and no translated text outside it."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from allocate.catalog import MESSAGES, UNPAIRED_FIELDS, default_tier, message, tier_label
from allocate.explain import Reason
from allocate.schema import Urgency
from allocate.schema.policy import DEFAULT_TIERS

SRC = Path(__file__).resolve().parents[1] / "src" / "allocate"
HANZI = re.compile(r"[\u3400-\u9fff]")


def texts(path: Path) -> list[str]:
    """The text a source file could show: a template whole, a module's string constants but its docstrings."""
    source = path.read_text("utf-8")
    if path.suffix != ".py":
        return [source]
    tree = ast.parse(source)
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    docs |= {  # attribute docstrings: a string statement after an assignment
        id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


def fields(template: str) -> set[str]:
    """The `{fields}` a `str.format` template takes."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_both_languages_with_the_same_fields(key: str) -> None:
    """English and Chinese are both written, and take the same fields but those one language leaves out on
    purpose (`UNPAIRED_FIELDS`), which must really be unpaired."""
    en, zh = MESSAGES[key]
    assert en.strip()
    assert zh.strip()
    unpaired = UNPAIRED_FIELDS.get(key, frozenset())
    assert fields(en) ^ fields(zh) == unpaired


def test_unpaired_fields_name_messages_that_exist() -> None:
    """The exceptions list names only messages of the catalog."""
    assert set(UNPAIRED_FIELDS) <= set(MESSAGES)


def test_every_code_the_pages_show_has_words() -> None:
    """Each reason code has a short name and a meaning, each urgency and default tier its words, in both."""
    keys = {f"reason_{r.value}" for r in Reason} | {f"why_{r.value}" for r in Reason}
    keys |= {f"urgency_{u.value}" for u in Urgency} | {f"default_tier_{t.name}" for t in DEFAULT_TIERS}
    assert keys <= set(MESSAGES)


def test_tiers_read_as_the_planner_wrote_them_except_default_ones_in_chinese() -> None:
    """English shows every tier's own name; Chinese translates the default tiers and keeps the name files use."""
    assert tier_label("critical", "en") == "critical"
    assert tier_label("critical", "zh") == "危急（critical）"
    assert tier_label("夜班", "zh") == "夜班"
    assert default_tier("general", "zh") == "一般"
    assert default_tier("夜班", "zh") is None
    assert message("of_n", "zh", n="3") == "共 3"


@pytest.mark.parametrize("folder", ["explain", "report"])
def test_no_translated_text_outside_the_catalog(folder: str) -> None:
    """The explanations and the report hold no Chinese words (docstrings aside) and no branch on the language."""
    paths = [p for p in sorted((SRC / folder).rglob("*")) if p.suffix in (".py", ".j2", ".css")]
    assert paths
    for path in paths:
        assert not any(HANZI.search(text) for text in texts(path)), path
        assert not re.search(r"""== "zh"|if zh\b|\.zh\b""", path.read_text("utf-8")), path


def test_every_key_the_code_names_is_in_the_catalog() -> None:
    """Every key written out in the code (`message("key", ...)`, `key="..."`) and in the tables of keys that errors
    are said by is a message of the catalog, so that no error falls back to English (or raises) in Chinese."""
    from allocate.cli import _DISK_TROUBLE
    from allocate.errors import _OWN_WORDS, _TOO_LONG

    named: list[tuple[str, int, str]] = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            given = [node.args[0]] if called == "message" and node.args else []
            given += [k.value for k in node.keywords if k.arg == "key"]
            named += [(path.name, node.lineno, g.value) for g in given if isinstance(g, ast.Constant)]
    assert len(named) > 100
    assert [n for n in named if n[2] not in MESSAGES] == []
    tables = {k for pair in _DISK_TROUBLE.values() for k in pair} | set(_OWN_WORDS.values()) | set(_TOO_LONG.values())
    assert tables <= set(MESSAGES)
    assert {f"bound_{op}" for op in ("ge", "gt", "le", "lt")} <= set(MESSAGES)
