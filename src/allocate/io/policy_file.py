"""`policy.toml`: reading it with every problem placed on a line, and writing it back with comments.

A planner edits this file by hand, so a mistake must point at the line to fix, and the written file must
explain itself (in English or Chinese) while reading back to the same policy.

A policy is a few kilobytes nested three deep (`when = [{ grids = [...] }]`). A file much larger
(`MAX_BYTES`) or nested much deeper (`MAX_DEPTH`) is refused before it is parsed, so that neither can take
minutes or exhaust Python's stack; what a policy may hold is bounded by the schema (`MAX_TIERS` and the rest).
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import os
import re
import tomllib
from typing import Any

from pydantic import ValidationError

from allocate.errors import MAX_LISTED, InputError, Problem, SaidError, omitted
from allocate.io.cells import Lang, limit
from allocate.schema import MAX_TIERS, Clause, Policy, Reserve, Tier
from allocate.schema.policy import CreditRule, OverRounds

MAX_BYTES = 1 << 20
"""Largest policy file read: a real one is a few kilobytes, one with every bound of the schema reached far less
than this."""
MAX_DEPTH = 10
"""Deepest nesting of arrays and inline tables read; a policy needs three."""
VALUE_MAX = 60
"""Characters of a value a message quotes."""

_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]',
    re.DOTALL,
)
"""What the nesting check looks at: strings and comments (skipped whole, brackets in them are text) and brackets."""
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_TIERS_HEADER = re.compile(r"^\s*\[\[\s*tiers\s*\]\]")
_RESERVES_HEADER = re.compile(r"^\s*\[\[\s*reserves\s*\]\]")
_CREDIT_HEADER = re.compile(r"^\s*\[\s*credit\s*\]")
_OVER_ROUNDS_HEADER = re.compile(r"^\s*\[\s*over_rounds\s*\]")
_ANY_HEADER = re.compile(r"^\s*\[")
_TIER_NAME = re.compile(r"""^\s*name\s*=\s*["']([^"']*)["']""")

_UNKNOWN_KEY = {
    (): ("unknown setting", tuple(Policy.model_fields)),
    ("tiers",): ("unknown tier setting", tuple(Tier.model_fields)),
    ("tiers", "when"): ("unknown condition", tuple(Clause.model_fields)),
    ("reserves",): ("unknown reserve setting", tuple(Reserve.model_fields)),
    ("credit",): ("unknown credit setting", tuple(CreditRule.model_fields)),
    ("over_rounds",): ("unknown over_rounds setting", tuple(OverRounds.model_fields)),
}


def read_policy(path: str | os.PathLike[str]) -> Policy:
    """Read a `policy.toml`; InputError lists every problem as `file:line:column: message`."""
    file = os.fspath(path)
    try:
        with open(file, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            msg = (
                f"the policy is larger than {MAX_BYTES:,} bytes, and a policy is a few thousand: is it the right file?"
            )
            words = {"most": f"{MAX_BYTES:,}"}
            raise InputError([Problem(file=file, line=1, table="policy", message=msg, key="policy_big", words=words)])
        text = raw.decode("utf-8-sig")
    except OSError as e:
        said = f"cannot read the policy: {e.strerror}"
        words = {"why": str(e.strerror)}
        raise InputError(
            [Problem(file=file, table="policy", message=said, key="policy_unreadable", words=words)]
        ) from e
    except UnicodeDecodeError as e:
        msg = f"not UTF-8 (byte offset {e.start}); save the policy as UTF-8"
        words = {"offset": str(e.start)}
        raise InputError([Problem(file=file, table="policy", message=msg, key="policy_not_utf8", words=words)]) from e
    return _parse(text, file)


def _parse(text: str, file: str) -> Policy:
    """The policy in TOML `text`; `file` names it in problems."""
    deep = _too_deep(text)
    if deep is not None:
        msg = f"nested more than {MAX_DEPTH} deep in arrays and inline tables; a policy needs at most three"
        at = {"file": file, "line": deep[0], "column": deep[1], "table": "policy"}
        raise InputError([Problem(**at, message=msg, key="policy_deep", words={"most": str(MAX_DEPTH)})])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = _TOML_AT.search(str(e))
        line, column = (int(m[1]), int(m[2])) if m else (text.count("\n") + 1, None)
        why = _TOML_AT.sub("", str(e)).strip()
        msg = f"not valid TOML: {why}"
        at = {"file": file, "line": line, "column": column, "table": "policy"}
        raise InputError([Problem(**at, message=msg, key="policy_not_toml", words={"why": why})]) from e
    except RecursionError as e:  # not expected past the nesting check; still an input error, not a crash
        msg = "nested too deeply to read; a policy needs at most three levels"
        raise InputError([Problem(file=file, line=1, table="policy", message=msg)]) from e
    try:
        return Policy.model_validate(data)
    except ValidationError as e:
        places = _Places(text.splitlines())
        errors = e.errors()
        listed = sorted(
            (_semantic_problem(err, data, places, file) for err in errors[:MAX_LISTED]), key=lambda p: p.line or 0
        )
        if len(errors) > MAX_LISTED:
            listed.append(omitted(_semantic_problem(errors[MAX_LISTED], data, places, file), len(errors) - MAX_LISTED))
        raise InputError(listed) from e


def _too_deep(text: str) -> tuple[int, int] | None:
    """(line, column) of the first bracket nested deeper than MAX_DEPTH, outside strings and comments, or None.

    tomllib reads nesting by recursion, so a file of 100,000 `[` would otherwise end in RecursionError.
    """
    depth = 0
    for m in _TOKENS.finditer(text):
        c = m[0]
        if c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                at = m.start()
                line_start = text.rfind("\n", 0, at) + 1
                return text.count("\n", 0, at) + 1, at - line_start + 1
        elif c in "]}":
            depth = max(depth - 1, 0)
    return None


def _semantic_problem(err: Any, data: dict[str, Any], places: _Places, file: str) -> Problem:
    """One pydantic error as a problem on the line of the key it is about."""
    loc: tuple[int | str, ...] = tuple(err["loc"])
    path = "".join(f"[{k}]" if isinstance(k, int) else (f".{k}" if i else k) for i, k in enumerate(loc))
    said: dict[str, Any] = {}
    raised = (err.get("ctx") or {}).get("error")
    if err["type"] == "extra_forbidden":
        what, allowed = _UNKNOWN_KEY.get(tuple(k for k in loc[:-1] if isinstance(k, str)), ("unknown key", ()))
        msg = f"{what}; allowed: {', '.join(allowed)}"
        said = {"key": "policy_unknown_key", "words": {"allowed": ", ".join(allowed)}}
    elif rule := limit(err["type"], err.get("ctx") or {}):
        msg = f"expected a number {rule}, found {_quoted(err['input'])}"
        zh = limit(err["type"], err.get("ctx") or {}, "zh")
        said = {"key": "policy_bound", "words": {"rule": zh, "found": _quoted(err["input"])}}
    elif isinstance(raised, SaidError):
        msg = str(raised)
        said = {"key": raised.key, "words": raised.words}
    else:
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] not in ("value_error", "missing"):
            msg += f", found {_quoted(err['input'])}"
    line, column = places.locate(loc, msg, data)
    return Problem(
        file=file,
        line=line,
        column=column,
        table="policy",
        field=path or None,
        message=f"{path}: {msg}" if path else msg,
        header=path or None,
        **said,
    )


class _Places:
    """Where keys are in a policy's lines: found once per file, for every problem placed in it."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.headers = [i for i, line in enumerate(lines) if _ANY_HEADER.match(line)]  # any [table] line
        self.tiers = [i for i in self.headers if _TIERS_HEADER.match(lines[i])]  # [[tiers]] lines
        self.reserves = [i for i in self.headers if _RESERVES_HEADER.match(lines[i])]  # [[reserves]] lines
        self.credit = [i for i in self.headers if _CREDIT_HEADER.match(lines[i])]  # the [credit] line
        self.over_rounds = [i for i in self.headers if _OVER_ROUNDS_HEADER.match(lines[i])]  # the [over_rounds] line

    def locate(self, loc: tuple[int | str, ...], msg: str, data: dict[str, Any]) -> tuple[int, int | None]:
        """The best (line, column) for a key path: the k-th `[[tiers]]` block, then the key inside it."""
        lines = self.lines
        start, end = 0, self.headers[0] if self.headers else len(lines)
        if not loc:  # a policy-wide rule, usually about named tiers: the last line naming one the message names
            tiers = data.get("tiers")
            names = {t.get("name") for t in tiers if isinstance(t, dict)} if isinstance(tiers, list) else set()
            named = {n for n in names if isinstance(n, str) and n and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", msg)}
            hits = [i for i, line in enumerate(lines) if (m := _TIER_NAME.match(line)) and m[1] in named]
            return (hits[-1] + 1, None) if hits else (1, None)
        blocks = {"tiers": self.tiers, "reserves": self.reserves}.get(str(loc[0]), [])
        if loc[0] == "credit" and self.credit:  # under the [credit] header
            blocks, loc = self.credit, ("credit", 0, *loc[1:])
        if loc[0] == "over_rounds" and self.over_rounds:  # under the [over_rounds] header
            blocks, loc = self.over_rounds, ("over_rounds", 0, *loc[1:])
        if len(loc) > 1 and isinstance(loc[1], int) and loc[1] < len(blocks):
            start = blocks[loc[1]]
            after = bisect.bisect_right(self.headers, start)
            end = self.headers[after] if after < len(self.headers) else len(lines)
        keys = [k for k in loc if isinstance(k, str)]
        for key in reversed(keys):
            pattern = re.compile(rf"(?<![\w-]){re.escape(key)}\s*=")
            for i in range(start, end):
                m = pattern.search(lines[i].split("#", 1)[0])
                if m:
                    return i + 1, m.start() + 1
        if loc == ("tiers",) and self.tiers:  # too many [[tiers]]: the first one too many
            return self.tiers[min(MAX_TIERS, len(self.tiers) - 1)] + 1, None
        return start + 1, None


def _quoted(value: Any) -> str:
    """A value as a message quotes it: as TOML writes it, cut when long."""
    text = _toml_value(value)
    return text if len(text) <= VALUE_MAX else f"{text[:VALUE_MAX]}…"


def _toml_value(value: Any) -> str:
    """A value as TOML writes it (strings in double quotes, booleans in lower case, dates bare)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)


_COMMENTS: dict[str, dict[str, str]] = {
    "en": {
        "head": "The policy: who comes first, and how scarce supplies are shared.\n"
        "Edit it with any text editor; lines starting with # are comments.",
        "plan_date": "The day the plan is for: lots that expired before it are not used. Leave it out for today.",
        "visit_hours": "Hours of a volunteer's time one delivery visit takes (travel and hand-over).",
        "fairness": 'How a scarce item is shared inside a tier: "leximin" raises the worst-off first (shortages\n'
        'shared evenly, in proportion to what was asked); "none" gives out as much as possible.',
        "seed": "Seed of the documented last-resort tie-break between otherwise equal plans.",
        "max_quarantined_visits": "Infection control: at most this many visits to quarantined households per\n"
        "volunteer in a plan (only designated volunteers visit them). Leave it out for no cap.",
        "even_load": "Among plans equally good for households, the larger workloads go to the volunteers who gave\n"
        "fewer hours in earlier rounds (allocate round plan). false: the plan ignores earlier rounds' hours.",
        "tiers": "Priority tiers, highest first. A need or service gets the first tier one of whose `when`\n"
        "clauses holds; a clause holds when all its conditions hold. `urgency` reads the need or service;\n"
        "min_age, max_age (the oldest member's age), lives_alone, disabled, chronic_illness, grids and\n"
        "min_members read the household. A household's `tier` column raises it to that tier if that is higher.\n"
        "A higher tier is never sacrificed for a lower one. The last tier has no `when` and takes everything else.",
        "reserves": "Reserves, in processing order: a share of an item set aside for a tier or for households with a\n"
        "trait, as a minimum guarantee (given first) or over-and-above (given after the open pool); what its\n"
        "beneficiaries cannot use returns to everyone. See docs/reserves.md.",
        "credit": "Volunteers' service-hour credit for confirmed visits (allocate round credit): hours times the\n"
        "weight of the visit's kind (delivery, service), times `quarantined` for a visit to a quarantined household\n"
        "and `night` for a stop reported made at night, rounded half up to a multiple of `step` hours;\n"
        "`missed`: whether a delivery trip to a household not at home or refusing counts. See docs/ledger.md.",
        "over_rounds": "Fairness over rounds: inside a tier, leximin on cumulative fills, counting what each\n"
        "household asked for and received of an item in earlier rounds (the earlier table; allocate round\n"
        "supplies it), so a household shorted last round comes first. `window`: only the last rounds count;\n"
        "`decay`: a round j rounds back weighs decay^(j-1). Strict priority between tiers stays.\n"
        "See docs/fairness.md.",
    },
    "zh": {
        "head": "分配政策：谁优先，紧缺物资如何分享。\n可用任何文本编辑器修改；以 # 开头的行是注释。",
        "plan_date": "计划日期：在此日期之前过期的批次不再使用。不写则为当天。",
        "visit_hours": "志愿者一次送货上门所用的小时数（路程与交接）。",
        "fairness": '同一优先级内紧缺物资如何分享："leximin" 先提高满足率最低者（按需求量比例平均分摊短缺）；\n'
        '"none" 只求发出的总量最多。',
        "seed": "在其他条件都相同的方案之间做最后取舍时使用的随机种子。",
        "max_quarantined_visits": "防疫：每位志愿者在一次计划中最多上门隔离户的次数（隔离户只由防疫专班志愿者上门）。\n"
        "不写则不限。",
        "even_load": "在对住户同样好的方案之间，把较多的任务交给前几轮服务时长较少的志愿者（allocate round plan）。\n"
        "false：不考虑前几轮的服务时长。",
        "tiers": "优先级，从高到低。一条需求（或服务）属于第一个 `when` 中有一条子句成立的优先级；\n"
        "子句中的所有条件都成立时，子句成立。`urgency`（紧急程度）看需求或服务本身；\n"
        "min_age、max_age（户内最大年龄）、lives_alone（独居）、disabled（残疾）、chronic_illness（慢性病）、\n"
        "grids（网格）和 min_members（最少人数）看住户。住户表的“优先级”一栏可将该户提升到更高的优先级。\n"
        "高优先级绝不为低优先级让路。最后一个优先级没有 `when`，接纳其余所有需求。",
        "reserves": "预留，按处理顺序：为某个优先级或具有某种特征的住户预留某物资的一部分，可以是最低保障（先分）\n"
        "或额外预留（在公共部分之后再分）；受益者用不完的部分退回给所有人。详见 docs/reserves.md。",
        "credit": "志愿服务时长积分（allocate round credit）：已确认的上门按小时数乘以其类别（delivery 送货、\n"
        "service 服务）的权重，上门隔离户再乘以 `quarantined`，报告为夜间的上门再乘以 `night`，按 `step` 小时\n"
        "四舍五入；`missed`：住户不在家或拒收时，送货路程是否计入。详见 docs/ledger.md。",
        "over_rounds": "跨轮次公平：同一优先级内按累计满足率做 leximin，计入每户往期对每种物资的申请量和实得量\n"
        "（往期表；allocate round 自动提供），上一轮少得的住户本轮优先。`window`：只计最近几轮；\n"
        "`decay`：往前第 j 轮的权重为 decay^(j-1)。优先级之间仍严格按顺序。详见 docs/fairness.md。",
    },
}


def _comment(text: str) -> str:
    return "\n".join(f"# {line}" for line in text.splitlines())


def policy_toml(policy: Policy, lang: Lang = "en") -> str:
    """A commented `policy.toml` for `policy`, in English or Chinese, that `read_policy` reads back equal."""
    c = _COMMENTS[lang]
    date = policy.plan_date.isoformat() if policy.plan_date else None
    parts = [
        _comment(c["head"]),
        _comment(c["plan_date"]) + "\n" + (f"plan_date = {date}" if date else "# plan_date = 2026-03-01"),
        _comment(c["visit_hours"]) + f"\nvisit_hours = {_toml_value(policy.visit_hours)}",
        _comment(c["fairness"]) + f"\nfairness = {_toml_value(policy.fairness)}",
        _comment(c["seed"]) + f"\nseed = {policy.seed}",
        _comment(c["max_quarantined_visits"])
        + "\n"
        + (
            f"max_quarantined_visits = {policy.max_quarantined_visits}"
            if policy.max_quarantined_visits is not None
            else "# max_quarantined_visits = 2"
        ),
    ]
    if not policy.even_load:  # only when set, so a policy without it is written (and hashed) as before
        parts.append(_comment(c["even_load"]) + "\neven_load = false")
    parts.append(_comment(c["tiers"]))
    for tier in policy.tiers:
        block = f"[[tiers]]\nname = {_toml_value(tier.name)}"
        if tier.when:
            clauses = [
                {k: (list(v) if isinstance(v, tuple) else v) for k, v in c.model_dump(exclude_none=True).items()}
                for c in tier.when
            ]
            block += f"\nwhen = {_toml_value(clauses)}"
        parts.append(block)
    if policy.reserves:  # only when set, so a policy without reserves is written as before they existed
        parts.append(_comment(c["reserves"]))
        for reserve in policy.reserves:
            fields = reserve.model_dump(mode="json", exclude_none=True)
            parts.append("[[reserves]]\n" + "\n".join(f"{k} = {_toml_value(v)}" for k, v in fields.items()))
    if policy.credit != CreditRule():  # only when set, so a policy without it is written (and hashed) as before
        fields = policy.credit.model_dump(mode="json")
        parts.append(
            _comment(c["credit"]) + "\n[credit]\n" + "\n".join(f"{k} = {_toml_value(v)}" for k, v in fields.items())
        )
    if policy.over_rounds is not None:  # only when set, so a policy without it is written (and hashed) as before
        fields = policy.over_rounds.model_dump(mode="json", exclude_none=True)
        parts.append(
            _comment(c["over_rounds"])
            + "\n[over_rounds]"
            + "".join(f"\n{k} = {_toml_value(v)}" for k, v in fields.items())
        )
    return "\n\n".join(parts) + "\n"
