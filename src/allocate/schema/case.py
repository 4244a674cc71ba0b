"""The case: households, their needs, donated lots, volunteers and services (SPEC section 1).

Each record validates itself; `Case` then checks what spans tables (ids, references, tiers) and gives every
need and service its tier from the policy. Problems are raised together as one `InputError`, each naming
`table[row].field`, which the file readers turn into `file:line:column`; past `MAX_LISTED` of one check they
are counted, not kept.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Annotated, Any, ClassVar, NoReturn, Self, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from allocate.catalog import Lang, message, tier_label
from allocate.errors import Bounded, InputError, Problem, SaidError
from allocate.schema.checked import Checked, field_problems
from allocate.schema.policy import SECOND, Policy, Urgency
from allocate.schema.records import Records
from allocate.text import FORMULA_START, char_name, invisible, lookalike_key, neutralise, plain, printable

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Ids, items, grids and skills: trimmed, case-sensitive, not empty."""

MAX_UNITS = 1_000_000_000
"""Most units one need may ask for or one lot may hold: far above any real lot, far below where sums of units
stop being exact in the engine's integer and floating arithmetic."""

MAX_HOURS = 10_000.0
"""Most hours one volunteer may offer, or one service take, in a plan period: more is surely a typo."""

ALL_GRIDS = "*"
"""In a volunteer's `grids`, covers every grid."""

GRIDS_SHOWN = 10
"""Grids a warning about an unknown grid lists, before it only counts the rest."""


K = TypeVar("K")
V = TypeVar("V")


class ReadOnlyDict(dict[K, V]):
    """A dict that refuses to be changed, for the lookup tables a frozen `Case` hands out.

    A subclass of dict rather than a `MappingProxyType`, so that lookups stay as fast as a dict's (they are on
    the hot path of indexing a case) and the case still pickles; `copy()` gives an ordinary dict to change.
    """

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("this index belongs to a frozen Case and cannot be changed; copy() it to change a copy")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))


class _Record(Checked):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    id_parts: ClassVar[tuple[str, str, str] | None] = None
    """(id field, first part, second part) of a record whose id, left out or blank, is `first/second`."""

    @model_validator(mode="before")
    @classmethod
    def _default_id(cls, data: Any) -> Any:
        if cls.id_parts is not None and isinstance(data, dict):
            name, first, second = cls.id_parts
            if not data.get(name):
                a, b = data.get(first), data.get(second)
                if isinstance(a, str) and isinstance(b, str):
                    data = {**data, name: default_id(a.strip(), b.strip())}
        return data


def default_id(first: str, second: str) -> str:
    """The id of a need or service left blank: `household_id/item`, `household_id/skill`."""
    return f"{first}/{second}"


def _unique_texts(values: Any) -> Any:
    """Trim list entries, drop blanks and repeats, keep order: `a; a;` means `a`."""
    if isinstance(values, str):
        values = [values]
    if isinstance(values, list | tuple):
        seen: dict[str, None] = {}
        for v in values:
            if isinstance(v, str):
                v = v.strip()
                if v:
                    seen[v] = None
            else:
                return values  # let pydantic report the wrong type
        return tuple(seen)
    return values


class Household(_Record):
    """A household of a grid, with what the policy reads to decide its tier."""

    problem_table: ClassVar[str] = "households"

    household_id: Text
    grid: Text
    members: int = Field(default=1, ge=1)
    oldest_age: int | None = Field(default=None, ge=0, le=130)
    lives_alone: bool = False
    disabled: bool = False
    chronic_illness: bool = False
    tier: Text | None = None  # a manual raise to this tier (never a lowering)
    quarantined: bool = False  # under home quarantine: visited only by designated volunteers, contact-free


class Need(_Record):
    """A household's request for whole units of one item."""

    problem_table: ClassVar[str] = "needs"
    id_parts = ("need_id", "household_id", "item")

    need_id: Text = ""  # left out or blank: `household_id/item`
    household_id: Text
    item: Text
    quantity: int = Field(ge=1, le=MAX_UNITS)
    urgency: Urgency = Urgency.NORMAL
    all_or_nothing: bool = False


class Lot(_Record):
    """A donated lot of one item, and who may receive it."""

    problem_table: ClassVar[str] = "supplies"

    lot_id: Text
    item: Text
    quantity: int = Field(ge=0, le=MAX_UNITS)
    donor: str | None = None
    expires: dt.date | None = None  # usable up to and including this day
    reserved_for: Text | None = None  # only this tier or a higher-priority one
    grids: tuple[str, ...] | None = None  # only households of these grids; None: any grid

    @field_validator("grids", mode="before")
    @classmethod
    def _grids(cls, v: Any) -> Any:
        v = _unique_texts(v)
        return v or None

    def usable_on(self, day: dt.date) -> bool:
        """Whether the lot may still be given out on `day`."""
        return self.expires is None or day <= self.expires


class Volunteer(_Record):
    """A volunteer's hours in this plan period, the grids they cover and their skills."""

    problem_table: ClassVar[str] = "volunteers"

    volunteer_id: Text
    grids: tuple[str, ...] = Field(min_length=1)  # ("*",) covers every grid
    hours: float = Field(ge=0, le=MAX_HOURS)
    skills: tuple[str, ...] = ()
    designated: bool = False  # of the epidemic-control team: may visit quarantined households
    organisation: str | None = None  # the team they volunteer with, for credit totals (allocate round credit)

    @field_validator("grids", "skills", mode="before")
    @classmethod
    def _lists(cls, v: Any) -> Any:
        return _unique_texts(v)

    @field_validator("hours")
    @classmethod
    def _whole_seconds(cls, hours: float) -> float:
        if 0 < hours < SECOND:
            raise ValueError("expected 0, or at least 1/3600 (one second)")
        return hours

    def covers(self, grid: str) -> bool:
        """Whether the volunteer may visit households of `grid`."""
        return ALL_GRIDS in self.grids or grid in self.grids


class Service(_Record):
    """A household's request for a volunteer's time with a skill, done whole or not at all."""

    problem_table: ClassVar[str] = "services"
    id_parts = ("service_id", "household_id", "skill")

    service_id: Text = ""  # left out or blank: `household_id/skill`
    household_id: Text
    skill: Text
    hours: float = Field(ge=SECOND, le=MAX_HOURS)
    urgency: Urgency = Urgency.NORMAL


class Earlier(_Record):
    """What a household asked for and received of an item in one earlier round: the history fairness over rounds
    counts (`Policy.over_rounds`, docs/fairness.md). `rounds_ago` 1 is the last round before this one."""

    problem_table: ClassVar[str] = "earlier"

    household_id: Text
    item: Text
    rounds_ago: int = Field(ge=1, le=1_000_000)
    requested: int = Field(ge=0, le=MAX_UNITS)
    received: int = Field(ge=0, le=MAX_UNITS)

    @model_validator(mode="after")
    def _at_most_asked(self) -> Earlier:
        if self.received > self.requested:
            raise SaidError(
                f"received ({self.received}) is more than requested ({self.requested})",
                "earlier_over",
                received=str(self.received),
                requested=str(self.requested),
            )
        return self


def tier_rank(policy: Policy, household: Household, urgency: Urgency) -> int:
    """The rank (0 = highest priority) of a need or service of `household` with `urgency`.

    The first tier with a clause that holds, raised to the household's manual tier when that is higher.
    """
    rank = len(policy.tiers) - 1
    for r, tier in enumerate(policy.tiers):
        if tier.catch_all or any(
            c.holds(
                urgency=urgency,
                oldest_age=household.oldest_age,
                lives_alone=household.lives_alone,
                disabled=household.disabled,
                chronic_illness=household.chronic_illness,
                grid=household.grid,
                members=household.members,
            )
            for c in tier.when or ()
        ):
            rank = r
            break
    if household.tier is not None:
        rank = min(rank, policy.rank(household.tier))
    return rank


_TABLE_MODELS: dict[str, type[_Record]] = {
    "households": Household,
    "needs": Need,
    "lots": Lot,
    "volunteers": Volunteer,
    "services": Service,
    "earlier": Earlier,
}


def _as_table(field: str, value: Any) -> Any:
    """`value` for a `Case` field, with a table of records (or dicts) made a `Records`."""
    model = _TABLE_MODELS.get(field)
    return value if model is None or value is None else Records.taken(model, value)


class Case(Checked):
    """A whole case. `volunteers=None` means no volunteers table: deliveries are not limited.

    Each table is held as columns (`Records`): given as records or dicts, each is checked by its model first.

    Building one (or `Case.model_validate` from dicts) raises `InputError` with every problem at once: a record's
    field at `table[row].field`, then the problems that span tables.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    households: Records[Household]
    needs: Records[Need]
    lots: Records[Lot]  # the `supplies` table
    volunteers: Records[Volunteer] | None = None
    services: Records[Service] = Field(default=(), validate_default=True)
    policy: Policy = Field(default_factory=Policy)
    earlier: Records[Earlier] = Field(default=(), validate_default=True)
    """Earlier rounds' units per household and item, counted only under `policy.over_rounds`."""

    @model_validator(mode="after")
    def _cross_check(self) -> Case:
        problems = self.problems()
        if problems:
            raise InputError(problems)  # pydantic wraps it (a ValueError); `field_problems` takes it back out
        return self

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """A case from plain data (dicts, records); InputError with every problem, as the constructor."""
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as e:
            raise InputError(field_problems(e, cls)) from None

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """pydantic's copy, not checked again; a table given in `update` as records is held as columns, as the
        constructor would hold it."""
        if update:
            update = {name: _as_table(name, value) for name, value in update.items()}
        return super().model_copy(update=update, deep=deep)

    def replace(self, **changes: Any) -> Case:
        """A new case with some tables or the policy replaced, checked again (unlike `model_copy`).

        Records are reused as they are, so only the cross-table checks and the tiers run again.
        """
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        return Case(**{**fields, **changes})

    def problems(self) -> list[Problem]:
        """Errors that span tables: repeated ids, unknown households and tiers, services nobody can do.

        Each check keeps its first `MAX_LISTED` problems and counts the rest, so that a million needs of an
        unknown household cost a counter, not a million records.
        """
        out: list[Problem] = []
        tiers = set(self.policy.tier_names)

        def repeated(table: str, field: str, ids: Sequence[str], hint: str = "") -> None:
            if len(set(ids)) == len(ids):
                return
            counts = Counter(ids)
            found, seen = Bounded(), set()
            for row, i in enumerate(ids):
                if counts[i] > 1:
                    if i in seen:
                        said = {"key": "repeats", "words": {"id": repr(i)}} if not hint else {}
                        found.add(table=table, row=row, field=field, message=f"{i!r} repeats{hint}", **said)
                    seen.add(i)
            out.extend(found.listed())

        hh, needs, lots, services = self.households, self.needs, self.lots, self.services
        repeated("households", "household_id", hh.column("household_id"))
        repeated("needs", "need_id", needs.column("need_id"), self._same_item_hint("need_id"))
        repeated("supplies", "lot_id", lots.column("lot_id"))
        if self.volunteers is not None:
            repeated("volunteers", "volunteer_id", self.volunteers.column("volunteer_id"))
        repeated("services", "service_id", services.column("service_id"), self._same_item_hint("service_id"))
        earlier = self.earlier
        keys = zip(earlier.column("household_id"), earlier.column("item"), earlier.column("rounds_ago"), strict=True)
        repeated("earlier", "rounds_ago", [f"{h}/{i}/{r}" for h, i, r in keys])

        known = set(hh.column("household_id"))
        twins: dict[str, str] | None = None  # look-alike key -> household id, made at the first unknown one
        for table, owners in (
            ("needs", needs.column("household_id")),
            ("services", services.column("household_id")),
            ("earlier", earlier.column("household_id")),
        ):
            if known.issuperset(owners):
                continue
            found = Bounded()
            for row, hid in enumerate(owners):
                if hid not in known:
                    twins = twins if twins is not None else {lookalike_key(k): k for k in known}
                    twin = twins.get(lookalike_key(hid))
                    looks = f"; households has {twin!r}, which looks the same" if twin is not None else ""
                    message = f"unknown household {hid!r} (not in households){looks}"
                    key = "unknown_household" if twin is None else "unknown_household_twin"
                    words = {"id": repr(hid), "twin": repr(twin)}
                    found.add(table=table, row=row, field="household_id", message=message, key=key, words=words)
            out.extend(found.listed())
        for table, field, names in (
            ("households", "tier", hh.column("tier")),
            ("supplies", "reserved_for", lots.column("reserved_for")),
        ):
            if tiers.union((None,)).issuperset(names):
                continue
            found = Bounded()
            for row, name in enumerate(names):
                if name is not None and name not in tiers:
                    found.add(table=table, row=row, field=field, **self._unknown_tier(name))
            out.extend(found.listed())
        if self.services and self.volunteers is None:
            out.append(
                Problem(
                    table="services",
                    message="services need volunteers, but the case has no volunteers table",
                    key="services_without_volunteers",
                )
            )
        return out

    @staticmethod
    def _same_item_hint(field: str) -> str:
        return f"; if one household asks twice for the same thing, give each row its own {field}"

    def _unknown_tier(self, name: str) -> dict[str, Any]:
        """The problem fields of a tier name the policy does not have, in both languages."""
        tiers = ", ".join(self.policy.tier_names)
        return {
            "message": f"unknown tier {name!r}; the policy's tiers are {tiers}",
            "key": "unknown_tier",
            "words": {"name": repr(name), "tiers": tiers},
        }

    @cached_property
    def household_index(self) -> dict[str, int]:
        """Row of each household id (read-only: the case is frozen)."""
        ids = self.households.column("household_id")
        return ReadOnlyDict(zip(ids, range(len(ids)), strict=True))

    @cached_property
    def need_tiers(self) -> tuple[int, ...]:
        """Tier rank of each need, aligned with `needs` (0 = highest priority)."""
        return self._tiers(self.needs.column("household_id"), self.needs.column("urgency"))

    @cached_property
    def service_tiers(self) -> tuple[int, ...]:
        """Tier rank of each service, aligned with `services`."""
        return self._tiers(self.services.column("household_id"), self.services.column("urgency"))

    def _tiers(self, owners: Sequence[str], urgencies: Sequence[Urgency]) -> tuple[int, ...]:
        """Tier ranks of requests (their households and urgencies), evaluating the policy once per distinct
        (household traits, urgency).

        Households share few distinct trait combinations, so the policy is asked once per combination and each
        request's rank is looked up by array (100,000 households: seconds to a fraction of one).
        """
        hh, idx, policy = self.households, self.household_index, self.policy
        read = {"min_age": "oldest_age", "max_age": "oldest_age", "grids": "grid", "min_members": "members"}
        used = {read.get(f, f) for t in policy.tiers for c in t.when or () for f in c.model_fields_set}
        traits: dict[tuple[object, ...], int] = {}  # distinct traits -> their code
        hh_code = np.fromiter(
            (
                traits.setdefault(t, len(traits))
                for t in zip(*(hh.column(f) for f in ("tier", *sorted(used - {"urgency"}))), strict=True)
            ),
            np.int64,
            len(hh),
        )
        urgency_code: dict[Urgency, int] = {}
        rows = np.fromiter(map(idx.__getitem__, owners), np.int64, len(owners))
        said = np.fromiter((urgency_code.setdefault(u, len(urgency_code)) for u in urgencies), np.int64, len(urgencies))
        if not rows.size:
            return ()
        keys, at = np.unique(hh_code[rows] * len(urgency_code) + said, return_inverse=True)
        first = np.zeros(keys.size, np.int64)
        first[at[::-1]] = np.arange(rows.size)[::-1]  # a request of each distinct key
        ranks = np.fromiter(
            (tier_rank(policy, hh[int(rows[k])], urgencies[k]) for k in first.tolist()), np.int64, keys.size
        )
        return tuple(ranks[at.reshape(-1)].tolist())

    @cached_property
    def warnings(self) -> tuple[Problem, ...]:
        """Legal but probably a mistake: unsupplied items, expired lots, grids named that no household is in,
        uncovered grids, unmatched skills, look-alike ids. Past `MAX_LISTED` of a check, counted, not kept."""
        out: list[Problem] = []
        found = Bounded()

        def warn(table: str, row: int | None, field: str, message: str, key: str | None = None, **words: str) -> None:
            found.add(table=table, row=row, field=field, message=message, severity="warning", key=key, words=words)

        def checked() -> None:
            nonlocal found
            out.extend(found.listed())
            found = Bounded()

        lots, lot_ids = self.lots, self.lots.column("lot_id")
        supplied = set(lots.column("item"))
        flagged: set[str] = set()
        items = self.needs.column("item")
        if not supplied.issuperset(items):
            for row, item in enumerate(items):
                if item not in supplied and item not in flagged:
                    flagged.add(item)
                    warn(
                        "needs", row, "item", f"no lot supplies {item!r}; its needs cannot be met", "no_lot", item=item
                    )
        checked()
        day = self.policy.effective_date()
        grids = dict.fromkeys(self.households.column("grid"))
        known_grids = self._known_grids(grids)

        def unknown_grid(grid: str) -> str:
            return f"grid {grid!r}, which no household is in (grids are: {known_grids})"

        for row, (lot_id, expires) in enumerate(zip(lot_ids, lots.column("expires"), strict=True)):
            if expires is not None and day > expires:
                said = f"lot {lot_id!r} expired on {expires} (plan date {day})"
                words = {"lot": repr(lot_id), "date": str(expires), "day": str(day)}
                warn("supplies", row, "expires", said, "lot_expired_warning", **words)
        checked()
        for row, (lot_id, named) in enumerate(zip(lot_ids, lots.column("grids"), strict=True)):
            for g in named or ():
                if g not in grids:
                    warn("supplies", row, "grids", f"lot {lot_id!r} names {unknown_grid(g)}", "lot_names_grid",
                         lot=repr(lot_id), grid=repr(g), grids=known_grids)  # fmt: skip
        checked()
        if self.volunteers is not None:
            vols = self.volunteers
            vol_grids = vols.column("grids")
            for row, (vid, named) in enumerate(zip(vols.column("volunteer_id"), vol_grids, strict=True)):
                for g in named:
                    if g != ALL_GRIDS and g not in grids:
                        said = f"volunteer {vid!r} names {unknown_grid(g)}"
                        words = {"id": repr(vid), "grid": repr(g), "grids": known_grids}
                        warn("volunteers", row, "grids", said, "volunteer_names_grid", **words)
            checked()
            covered = {g for named in vol_grids for g in named}
            if ALL_GRIDS not in covered:
                for g in grids:
                    if g not in covered:
                        warn(
                            "volunteers",
                            None,
                            "grids",
                            f"no volunteer covers grid {g!r}; its households get no deliveries",
                            "grid_uncovered",
                            grid=repr(g),
                        )
            checked()
            skills = {s for had in vols.column("skills") for s in had}
            flagged = set()
            for row, skill in enumerate(self.services.column("skill")):
                if skill not in skills and skill not in flagged:
                    flagged.add(skill)
                    warn("services", row, "skill", f"no volunteer has skill {skill!r}", "no_skill", skill=skill)
            checked()
        out += self._lookalikes()
        return tuple(out)

    @staticmethod
    def _known_grids(grids: dict[str, None]) -> str:
        """The households' grids as messages list them: `'A', 'B' and 3 more`, cut at GRIDS_SHOWN; `none`."""
        known = sorted(grids)
        shown = ", ".join(map(repr, known[:GRIDS_SHOWN]))
        more = f" and {len(known) - GRIDS_SHOWN} more" if len(known) > GRIDS_SHOWN else ""
        return f"{shown or 'none'}{more}"

    def _lookalikes(self) -> list[Problem]:
        """Ids that hold characters a person cannot see, and ids that look the same as another of their kind
        but differ in full-width or invisible characters: each kind of id, grid, item and skill is checked once
        over all its cells (almost free when, as usual, there is nothing to find)."""
        hh, needs, lots, services = self.households, self.needs, self.lots, self.services

        def vols(field: str) -> Sequence[Any]:
            return () if self.volunteers is None else self.volunteers.column(field)

        kinds: list[tuple[str, list[_Cells]]] = [
            ("household", [_cells("households", "household_id", hh.column("household_id"))]),
            (
                "grid",
                [
                    _cells("households", "grid", hh.column("grid")),
                    _cells("supplies", "grids", (g or () for g in lots.column("grids")), listed=True),
                    _cells("volunteers", "grids", vols("grids"), listed=True),
                ],
            ),
            ("item", [_cells("needs", "item", needs.column("item")), _cells("supplies", "item", lots.column("item"))]),
            (
                "skill",
                [
                    _cells("services", "skill", services.column("skill")),
                    _cells("volunteers", "skills", vols("skills"), listed=True),
                ],
            ),
            ("need", [_cells("needs", "need_id", needs.column("need_id"))]),
            ("lot", [_cells("supplies", "lot_id", lots.column("lot_id"))]),
            ("volunteer", [_cells("volunteers", "volunteer_id", vols("volunteer_id"))]),
            ("service", [_cells("services", "service_id", services.column("service_id"))]),
        ]
        need_of, need_item = needs.column("household_id"), needs.column("item")
        service_of, service_skill = services.column("household_id"), services.column("skill")
        defaults = {  # an id left blank is made of others already checked: warned about there, not again
            "need": lambda row: f"{need_of[row]}/{need_item[row]}",
            "service": lambda row: f"{service_of[row]}/{service_skill[row]}",
        }
        out: list[Problem] = []
        for noun, columns in kinds:
            out += _formulas(noun, columns, defaults.get(noun))
            if all(plain(c.texts) for c in columns):
                continue
            found = Bounded()
            default = defaults.get(noun)
            first: dict[str, tuple[str, int, str]] = {}  # each distinct text: where it first is (table, row, field)
            for c in columns:
                for row, text in c.occurrences():
                    if default is None or text != default(row):
                        first.setdefault(text, (c.table, row, c.field))
            twins: dict[str, list[str]] = {}
            for text in first:
                twins.setdefault(lookalike_key(text), []).append(text)
            for text, (table, row, field) in first.items():
                said = _lookalike(noun, text, twins[lookalike_key(text)])
                if said:
                    found.add(table=table, row=row, field=field, severity="warning", **said)
            out += found.listed()
        return out


@dataclass(frozen=True)
class _Cells:
    """The texts of one id column (or list column) of a table, for the look-alike check."""

    table: str
    field: str
    texts: Sequence[str]  # every text, list entries one by one
    rows: list[int] | None  # the row of each text when the column holds lists; None: text i is in row i

    def occurrences(self) -> Iterable[tuple[int, str]]:
        """(row, text) of every text."""
        return zip(self.rows, self.texts, strict=True) if self.rows is not None else enumerate(self.texts)


def _cells(table: str, field: str, values: Iterable[Any], listed: bool = False) -> _Cells:
    if not listed:
        return _Cells(table, field, values if isinstance(values, tuple) else list(values), None)
    texts: list[str] = []
    rows: list[int] = []
    for row, entries in enumerate(values):
        for e in entries:
            if e != ALL_GRIDS:
                texts.append(e)
                rows.append(row)
    return _Cells(table, field, texts, rows)


_FIRST = itemgetter(slice(None, 1))
"""A text's first character (or nothing), taken in C over a column."""


def _formulas(noun: str, columns: list[_Cells], default: Callable[[int], str] | None) -> list[Problem]:
    """Warnings for ids a spreadsheet would read as a formula (`=`, `+`, `-`, `@` first): allocate writes them
    with a leading `'` and reads them back as they were, but a planner opening its CSVs sees the quote. An id
    left blank (`default`) is made of others, warned about there."""
    found = Bounded()
    seen: set[str] = set()
    for c in columns:
        if FORMULA_START.isdisjoint(map(_FIRST, c.texts)):
            continue
        for row, text in c.occurrences():
            if text not in seen and neutralise(text) != text and (default is None or text != default(row)):
                seen.add(text)
                found.add(
                    table=c.table,
                    row=row,
                    field=c.field,
                    message=f"{noun} {text!r} starts with {text[0]!r}, which spreadsheets read as a formula: "
                    "allocate's CSV files write it with a leading ' (and read it back as it is); better rename it",
                    severity="warning",
                    key="formula_id",
                    words={"noun": noun, "text": repr(text), "first": text[0]},
                )
    return found.listed()


def _lookalike(noun: str, text: str, twins: list[str]) -> dict[str, Any] | None:
    """The warning about one id (its message, and its catalog key and words), `twins` being every id of its kind
    that looks the same (itself included, in the order first seen), or None when it needs none: no invisible
    character, and no look-alike it should be."""
    hidden = [c for c in dict.fromkeys(text) if invisible(c)]
    if hidden:
        names = ", ".join(map(char_name, hidden[:3])) + (f" and {len(hidden) - 3} more" if len(hidden) > 3 else "")
        chars = "an invisible or control character" if len(hidden) == 1 else "invisible or control characters"
        other = next((t for t in twins if t != text), None)
        key = lookalike_key(text)
        if other is not None:
            so = f", so it is a different {noun} from {other!r}"
        elif key:
            so = f", so it is not the {noun} {key!r} it looks like"
        else:
            so = ""
        said = f"{noun} {text!r} holds {chars} ({names}){so}; delete {'it' if len(hidden) == 1 else 'them'}"
        looks = other if other is not None else key
        words = {"noun": noun, "text": repr(text), "chars": names, "looks": repr(looks)}
        return {"message": said, "key": "invisible_in_id" if looks else "invisible_in_id_alone", "words": words}
    canonical = next((t for t in twins if lookalike_key(t) == t), twins[0])
    if text == canonical:
        return None
    said = (
        f"{noun} {text!r} and {noun} {canonical!r} look the same but are different {noun}s (they differ in "
        "full-width or other look-alike characters); write both the same way"
    )
    words = {"noun": noun, "text": repr(text), "other": repr(canonical)}
    return {"message": said, "key": "lookalike_ids", "words": words}


class CaseOverview(BaseModel):
    """What a case holds, in the counts a planner checks first."""

    model_config = ConfigDict(frozen=True)

    households: int
    households_per_tier: dict[str, int]  # by the highest-priority tier among a household's needs and services
    households_without_requests: int
    needs: int
    items: int
    lots: int
    units_supplied: int
    units_requested: int
    volunteers: int | None  # None: no volunteers table, deliveries not limited
    volunteer_hours: float
    services: int
    warnings: int

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: Lang) -> str:
        """The counts in `lang`, a line each, safe to print (tier names come from the policy file)."""
        sep = message("comma", lang)
        tiers = sep.join(f"{tier_label(name, lang)} {n}" for name, n in self.households_per_tier.items())
        lines = [
            message("ov_households", lang, n=self.households, tiers=tiers, without=self.households_without_requests),
            message("ov_needs", lang, n=self.needs, items=self.items, units=self.units_requested),
            message("ov_lots", lang, n=self.lots, units=self.units_supplied),
        ]
        if self.volunteers is None:
            lines.append(message("ov_no_volunteers", lang))
        else:
            lines.append(message("ov_volunteers", lang, n=self.volunteers, hours=f"{self.volunteer_hours:g}"))
        lines.append(message("ov_services", lang, n=self.services))
        return printable("\n".join(lines), keep="\n")


def overview(case: Case) -> CaseOverview:
    """Count what the case holds; each household is counted once, in its highest tier."""
    best: dict[str, int] = {}
    for owners, ranks in (
        (case.needs.column("household_id"), case.need_tiers),
        (case.services.column("household_id"), case.service_tiers),
    ):
        for hid, r in zip(owners, ranks, strict=True):
            if r < best.get(hid, r + 1):
                best[hid] = r
    per_tier = Counter(best.values())
    names = case.policy.tier_names
    vols = case.volunteers
    return CaseOverview(
        households=len(case.households),
        households_per_tier={names[r]: per_tier.get(r, 0) for r in range(len(names))},
        households_without_requests=len(case.households) - len(best),
        needs=len(case.needs),
        items=len(set(case.needs.column("item"))),
        lots=len(case.lots),
        units_supplied=sum(case.lots.column("quantity")),
        units_requested=sum(case.needs.column("quantity")),
        volunteers=None if vols is None else len(vols),
        volunteer_hours=0.0 if vols is None else sum(vols.column("hours")),
        services=len(case.services),
        warnings=len(case.warnings),
    )
