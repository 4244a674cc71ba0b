"""Volunteers' service-hour credit: what each volunteer's confirmed visits earn, by the rule of the round's policy.

Time-bank practice: one hour of service given, one credit. A visit of a round is credited when the round's
recorded results confirm it (`Operation.results`, the last report of each stop):

- a stop reported `delivered` or `partial`: each of its visits, the delivery and the services done there (the
  results say what came of a stop, not of each service: a service counts as done when its stop is confirmed);
- a stop reported `not_home` or `refused`: its delivery visit when the policy's `credit.missed` is true (the
  default: the trip was made, the time was given), never its services (they were not given);
- a stop not reported yet: nothing, until its result is recorded.

A visit's credits are its planned hours times the weight of its kind (`credit.delivery`, `credit.service`),
rounded half up to a multiple of `credit.step` hours (quarter hours by default), each visit on its own, as a time
bank records each exchange. Each round is credited by the rule of the policy it was planned under (kept in the
ledger), unless a rule is given. Volunteers carry no organisation in a case, so totals are per volunteer.
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

CONFIRMED = ("delivered", "partial")
"""Outcomes that confirm a stop: everything, or some of it, reached the household."""
MISSED = ("not_home", "refused")
"""Outcomes of a trip made in vain: nobody at home, or refused at the door."""
CREDIT_COLUMNS = ("volunteer_id", "visits", "hours", "credits")
"""Header of `credit.csv`: one row per volunteer with credited visits."""


@dataclass(frozen=True)
class CreditLine:
    """One credited visit: round, volunteer, household, kind (`delivery`/`service`), the stop's result, its
    planned `hours`, the kind's `weight` and the `credits` earned (hours × weight, rounded to the rule's step)."""

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
    outcomes = {(r.volunteer_id, r.household_id): r.outcome for r in results}
    lines: list[CreditLine] = []
    open_ = 0
    for v in record.visits:
        outcome = outcomes.get((v.volunteer_id, v.household_id))
        if outcome is None:
            open_ += 1
            continue
        if outcome not in CONFIRMED and not (outcome in MISSED and v.kind == "delivery" and rule.missed):
            continue
        weight = rule.delivery if v.kind == "delivery" else rule.service
        credits = round_to_step(v.hours * weight, rule.step)
        lines.append(
            CreditLine(
                record.number, v.volunteer_id, v.household_id, v.grid, v.kind, v.service_id, outcome, v.hours,
                weight, credits,
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
    """Write `credit.csv` (per volunteer) and `credit.html` (a printable statement per volunteer) into `folder`,
    all at once (`allocate.files.atomic_folder`); return the folder."""
    from allocate.files import atomic_folder

    target = Path(folder)
    with atomic_folder(target, overwrite=overwrite, replaceable={"credit.csv", "credit.html"}) as tmp:
        with open(tmp / "credit.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(CREDIT_COLUMNS)
            for v in credits.volunteers:
                w.writerow((v.volunteer_id, v.visits, num(v.hours), num(v.credits)))
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
