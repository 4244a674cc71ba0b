"""The one description of the case's tables and columns (SPEC section 1) that reader, writer and template share.

A column's `name` is the schema field it fills; `aliases` are the accepted Chinese headers, the first of them is
what a Chinese template or export writes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from pydantic import BaseModel

from allocate.io.cells import BOOL, DATE, LIST, NUMBER, TEXT, URGENCY, WHOLE, Cell
from allocate.schema import Earlier, Household, Lot, Need, Service, Volunteer


@dataclass(frozen=True)
class Column:
    """One column: the field it fills, its headers, its kind, whether it must be there, and an example cell."""

    name: str
    aliases: tuple[str, ...]
    cell: Cell
    required: bool = False
    example: str = ""
    example_zh: str = ""
    sparse: bool = False  # written only when some row sets it: a feature most cases never use

    def header(self, lang: str) -> str:
        """The header a table written in `lang` uses."""
        return self.aliases[0] if lang == "zh" else self.name


@dataclass(frozen=True)
class Table:
    """One table of a case: its file stem, Chinese alias, the model of a row and its columns."""

    name: str
    alias: str
    model: type[BaseModel]
    columns: tuple[Column, ...]
    required: bool

    def stem(self, lang: str) -> str:
        """The file (or sheet) name without extension a case written in `lang` uses."""
        return self.alias if lang == "zh" else self.name


def header_key(text: str) -> str:
    """How headers and table names are compared: NFKC, trimmed, case-insensitive."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


HOUSEHOLDS = Table(
    "households",
    "住户",
    Household,
    (
        Column("household_id", ("户号",), TEXT, True, "H001", "H001"),
        Column("grid", ("网格",), TEXT, True, "grid-1", "一网格"),
        Column("members", ("人数",), WHOLE, False, "2", "2"),
        Column("oldest_age", ("最大年龄", "年龄"), WHOLE, False, "78", "78"),
        Column("lives_alone", ("独居",), BOOL, False, "false", "否"),
        Column("disabled", ("残疾",), BOOL, False, "false", "否"),
        Column("chronic_illness", ("慢性病",), BOOL, False, "true", "是"),
        Column("tier", ("优先级",), TEXT),
        Column("quarantined", ("隔离",), BOOL, False, "false", "否", sparse=True),
    ),
    required=True,
)

NEEDS = Table(
    "needs",
    "需求",
    Need,
    (
        Column("need_id", ("需求编号",), TEXT, False, "N001", "N001"),
        Column("household_id", ("户号",), TEXT, True, "H001", "H001"),
        Column("item", ("物资",), TEXT, True, "rice", "大米"),
        Column("quantity", ("数量",), WHOLE, True, "2", "2"),
        Column("urgency", ("紧急程度",), URGENCY, False, "high", "高"),
        Column("all_or_nothing", ("整份",), BOOL, False, "false", "否"),
    ),
    required=True,
)

SUPPLIES = Table(
    "supplies",
    "物资",
    Lot,
    (
        Column("lot_id", ("批次",), TEXT, True, "L001", "L001"),
        Column("item", ("物资",), TEXT, True, "rice", "大米"),
        Column("quantity", ("数量",), WHOLE, True, "100", "100"),
        Column("donor", ("捐赠方",), TEXT, False, "Red Cross", "红十字会"),
        Column("expires", ("有效期",), DATE, False, "2027-06-30", "2027-06-30"),
        Column("reserved_for", ("定向",), TEXT),
        Column("grids", ("限定网格",), LIST, False, "grid-1", "一网格"),
    ),
    required=True,
)

VOLUNTEERS = Table(
    "volunteers",
    "志愿者",
    Volunteer,
    (
        Column("volunteer_id", ("志愿者",), TEXT, True, "V001", "V001"),
        Column("grids", ("服务网格",), LIST, True, "grid-1", "一网格"),
        Column("hours", ("可用时长",), NUMBER, True, "8", "8"),
        Column("skills", ("技能",), LIST, False, "escort;medical", "陪同;医疗"),
        Column("designated", ("防疫专班",), BOOL, False, "false", "否", sparse=True),
        Column("organisation", ("所属组织", "组织", "organization"), TEXT, False, "Red Cross", "红十字会", sparse=True),
    ),
    required=False,
)

SERVICES = Table(
    "services",
    "服务",
    Service,
    (
        Column("service_id", ("服务编号",), TEXT, False, "S001", "S001"),
        Column("household_id", ("户号",), TEXT, True, "H001", "H001"),
        Column("skill", ("技能",), TEXT, True, "escort", "陪同"),
        Column("hours", ("时长",), NUMBER, True, "1.5", "1.5"),
        Column("urgency", ("紧急程度",), URGENCY, False, "normal", "普通"),
    ),
    required=False,
)

EARLIER = Table(
    "earlier",
    "往期",
    Earlier,
    (
        Column("household_id", ("户号",), TEXT, True, "H001", "H001"),
        Column("item", ("物资",), TEXT, True, "rice", "大米"),
        Column("rounds_ago", ("往前轮数",), WHOLE, True, "1", "1"),
        Column("requested", ("申请量",), WHOLE, True, "2", "2"),
        Column("received", ("实得量",), WHOLE, True, "1", "1"),
    ),
    required=False,
)
"""What households asked for and received in earlier rounds (fairness over rounds; `allocate round` writes it)."""

TABLES: tuple[Table, ...] = (HOUSEHOLDS, NEEDS, SUPPLIES, VOLUNTEERS, SERVICES, EARLIER)
"""In reading order: households first, so that needs can be checked against them."""

POLICY_FILE = "policy.toml"
