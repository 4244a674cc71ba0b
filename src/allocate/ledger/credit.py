"""Volunteers' service-hour credit: what each volunteer's confirmed visits earn, by the rule of the round's policy.

Time-bank practice: one hour of service given, one credit. A visit of a round is credited when the round's
recorded results confirm it (`Operation.results`, the last report of each stop):

- a stop reported `delivered` or `partial`: each of its visits, the delivery and the services done there (the
  results say what came of a stop, not of each service: a service counts as done when its stop is confirmed);
- a stop reported `not_home` or `refused`: its delivery visit when the policy's `credit.missed` is true (the
  default: the trip was made, the time was given), never its services (they were not given);
- a stop not reported yet: nothing, until its result is recorded.

A visit's credits are its planned hours times its weight, rounded half up to a multiple of `credit.step` hours
(quarter hours by default), each visit on its own, as a time bank records each exchange. The weight is that of its
kind (`credit.delivery`, `credit.service`), times `credit.quarantined` when the household was quarantined in the
round's case and `credit.night` when the stop was reported made at night (the ledger keeps both, schema 0004; a
round recorded before knows neither, and its visits get neither weight). Each round is credited by the rule of the
policy it was planned under (kept in the ledger), unless a rule is given. Totals are per volunteer and per
organisation (the volunteer's `organisation` in the round's case; a volunteer who changed organisation between
rounds counts in each for the rounds they were in it).
"""

from __future__ import annotations

import csv
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import jinja2

from allocate.catalog import Lang, message
from allocate.ledger.records import ResultRow, RoundRecord
from allocate.schema.policy import CreditRule, Policy
from allocate.text import neutralise

CONFIRMED = ("delivered", "partial")
"""Outcomes that confirm a stop: everything, or some of it, reached the household."""
MISSED = ("not_home", "refused")
"""Outcomes of a trip made in vain: nobody at home, or refused at the door."""
CREDIT_COLUMNS = ("volunteer_id", "visits", "hours", "credits")
"""Header of `credit.csv`: one row per volunteer with credited visits (and `organisation` after the id when a
volunteer has one)."""
ORGANISATION_COLUMNS = ("organisation", "volunteers", "visits", "hours", "credits")
"""Header of `organisations.csv`: one row per organisation, and a last one (organisation blank) for volunteers with
none."""
CREDIT_FILES = frozenset({"credit.csv", "organisations.csv", "credit.html"})
"""The files `write_credit` writes: a folder holding only these may be replaced."""


@dataclass(frozen=True)
class CreditLine:
    """One credited visit: round, volunteer, household, kind (`delivery`/`service`), the stop's result, its
    planned `hours`, its `weight` (the kind's, times the quarantined and night weights where they apply) and the
    `credits` earned (hours × weight, rounded to the rule's step); the volunteer's `organisation` that round."""

    round: int
    volunteer_id: str
    household_id: str
    grid: str
    kind: str
    service_id: str | None
    outcome: str
    hours: float
    weight: float
    credits: float
    quarantined: bool = False
    night: bool = False
    organisation: str | None = None


@dataclass(frozen=True)
class VolunteerCredit:
    """A volunteer's statement: the credited visits (`lines`), their hours and credits."""

    volunteer_id: str
    lines: tuple[CreditLine, ...] = field(repr=False)

    @property
    def visits(self) -> int:
        return len(self.lines)

    @property
    def hours(self) -> float:
        return _sum(x.hours for x in self.lines)

    @property
    def credits(self) -> float:
        return _sum(x.credits for x in self.lines)

    @property
    def organisations(self) -> tuple[str, ...]:
        """The organisations the volunteer's credited visits were made for, in the order first met (usually one)."""
        return tuple(dict.fromkeys(x.organisation for x in self.lines if x.organisation is not None))


@dataclass(frozen=True)
class OrganisationCredit:
    """An organisation's totals (`name` None: the volunteers with none): its volunteers, visits, hours, credits."""

    name: str | None
    volunteers: int
    visits: int
    hours: float
    credits: float


@dataclass(frozen=True)
class Credits:
    """Credit for the rounds `rounds`: per volunteer (by id), and `unreported`, the visits not credited yet
    because their stop has no result."""

    operation: str
    rounds: tuple[int, ...]
    volunteers: tuple[VolunteerCredit, ...]
    unreported: int

    @property
    def hours(self) -> float:
        return _sum(v.hours for v in self.volunteers)

    @property
    def credits(self) -> float:
        return _sum(v.credits for v in self.volunteers)

    @property
    def organisations(self) -> tuple[OrganisationCredit, ...]:
        """Totals per organisation, by name, then (if any) those of volunteers with none; each visit counts for the
        organisation its volunteer had in its round."""
        per: dict[str | None, list[CreditLine]] = {}
        for v in self.volunteers:
            for x in v.lines:
                per.setdefault(x.organisation, []).append(x)
        names = sorted(k for k in per if k is not None) + ([None] if None in per else [])
        return tuple(
            OrganisationCredit(
                name,
                len({x.volunteer_id for x in per[name]}),
                len(per[name]),
                _sum(x.hours for x in per[name]),
                _sum(x.credits for x in per[name]),
            )
            for name in names
        )

    def volunteer(self, volunteer_id: str) -> VolunteerCredit:
        """The statement of `volunteer_id`; KeyError if they earned nothing."""
        for v in self.volunteers:
            if v.volunteer_id == volunteer_id:
                return v
        raise KeyError(volunteer_id)

    def __str__(self) -> str:
        said = ", ".join(str(n) for n in self.rounds) or "-"
        return (
            f"credit of rounds {said}: {len(self.volunteers)} volunteers, {num(self.hours)} hours, "
            f"{num(self.credits)} credits; {self.unreported} visits not reported yet"
        )


def round_to_step(hours: float, step: float) -> float:
    """`hours` rounded half up to a multiple of `step` (0.375 to 0.5 by quarter hours, 0.3 to 0.25)."""
    x = Decimal(repr(hours)).quantize(Decimal("1e-9"))
    s = Decimal(repr(step))
    return float((x / s).quantize(Decimal(1), rounding=ROUND_HALF_UP) * s)


def round_rule(record: RoundRecord) -> CreditRule:
    """The credit rule of the policy round `record` was planned under (the default if it had none)."""
    return Policy.model_validate(tomllib.loads(record.policy_toml)).credit


def credit_lines(
    record: RoundRecord, results: Iterable[ResultRow], rule: CreditRule | None = None
) -> tuple[list[CreditLine], int]:
    """The credited visits of round `record` given its current `results`, and the visits not reported yet."""
    rule = rule or round_rule(record)
    stops = {(r.volunteer_id, r.household_id): (r.outcome, bool(r.night)) for r in results}
    lines: list[CreditLine] = []
    open_ = 0
    for v in record.visits:
        stop = stops.get((v.volunteer_id, v.household_id))
        if stop is None:
            open_ += 1
            continue
        outcome, night = stop
        if outcome not in CONFIRMED and not (outcome in MISSED and v.kind == "delivery" and rule.missed):
            continue
        quarantined = bool(v.quarantined)
        weight = rule.delivery if v.kind == "delivery" else rule.service
        weight *= (rule.quarantined if quarantined else 1.0) * (rule.night if night else 1.0)
        credits = round_to_step(v.hours * weight, rule.step)
        lines.append(
            CreditLine(
                record.number, v.volunteer_id, v.household_id, v.grid, v.kind, v.service_id, outcome, v.hours,
                weight, credits, quarantined, night, v.organisation,
            )
        )  # fmt: skip
    return lines, open_


def credits_of(
    operation: str, rounds: Iterable[tuple[RoundRecord, Iterable[ResultRow]]], rule: CreditRule | None = None
) -> Credits:
    """The credit of `rounds` (each a record and its current results), per volunteer in id order."""
    per: dict[str, list[CreditLine]] = {}
    numbers: list[int] = []
    unreported = 0
    for record, results in rounds:
        numbers.append(record.number)
        lines, open_ = credit_lines(record, results, rule)
        unreported += open_
        for x in lines:
            per.setdefault(x.volunteer_id, []).append(x)
    volunteers = tuple(VolunteerCredit(k, tuple(per[k])) for k in sorted(per))
    return Credits(operation, tuple(numbers), volunteers, unreported)


def write_credit(
    credits: Credits, folder: str | os.PathLike[str], *, lang: Lang = "en", overwrite: bool = False
) -> Path:
    """Write `credit.csv` (per volunteer), `organisations.csv` (per organisation) and `credit.html` (the totals per
    organisation and a printable statement per volunteer) into `folder`, all at once
    (`allocate.files.atomic_folder`); return the folder."""
    from allocate.files import atomic_folder

    target = Path(folder)
    named = any(v.organisations for v in credits.volunteers)  # the column only when some volunteer has one
    with atomic_folder(target, overwrite=overwrite, replaceable=CREDIT_FILES) as tmp:
        with open(tmp / "credit.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(CREDIT_COLUMNS[:1] + ("organisation",) * named + CREDIT_COLUMNS[1:])
            for v in credits.volunteers:
                said = (neutralise("; ".join(v.organisations)),) * named
                w.writerow((neutralise(v.volunteer_id), *said, v.visits, num(v.hours), num(v.credits)))
        with open(tmp / "organisations.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(ORGANISATION_COLUMNS)
            for o in credits.organisations:
                w.writerow((neutralise(o.name or ""), o.volunteers, o.visits, num(o.hours), num(o.credits)))
        (tmp / "credit.html").write_text(render_credit(credits, lang=lang), encoding="utf-8")
    return target


def render_credit(credits: Credits, *, lang: Lang) -> str:
    """The statements of `credits`, one printed page per volunteer, in `lang` (Jinja2, autoescape)."""
    return (
        _environment()
        .get_template("credit.html.j2")
        .render(
            credits=credits,
            rounds=message("enum_comma", lang).join(str(n) for n in credits.rounds),
            html_lang=message("html_lang", lang),
            t=lambda key, **fields: message(key, lang, **fields),
            kind=lambda k: message(f"credit_kind_{k}", lang),
            named=any(v.organisations for v in credits.volunteers),
            outcome=lambda o: message(f"credit_outcome_{o}", lang),
        )
    )


@cache
def _environment() -> jinja2.Environment:
    from allocate.report.templating import page_environment

    return page_environment("allocate.ledger", {"num": num})


def _sum(values: Iterable[float]) -> float:
    return float(sum((Decimal(repr(x)) for x in values), Decimal(0)))


def num(x: float) -> str:
    """A number of hours or credits as written: no trailing zeros (1.5, 2, 0.25)."""
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
