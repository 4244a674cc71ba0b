"""One household in plain words, in English or Chinese: its tier and why, what it asked, got from which lots, and
why it is short, with the numbers.

The numbers come from the plan's `Ledger` and the reasons of an `Explanation`; every word comes from
`allocate.catalog`, so this module only chooses which message says what, in which order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from allocate.catalog import UNITS_AFTER_NUMBERS, Lang, default_tier, message
from allocate.errors import AllocateError
from allocate.explain.explanation import Explanation
from allocate.explain.reasons import HOURS_TOLERANCE, VOLUNTEER_REASONS, Ledger, Reason
from allocate.plan import Plan, format_hours
from allocate.rules import DELIVERY, GOODS_RULES
from allocate.schema import Case, Clause, Household, Urgency

_UNIT = re.compile(r"^\s*(.+?)\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$")
"""An item named with its unit in brackets, as `大米(袋)` or `rice (bags)`."""

_SHOWN_LOTS = 3
"""Lots named when saying why none may go to a household; the rest are counted."""


class UnknownHouseholdError(AllocateError, LookupError):
    """`explain_household` was asked about a household the case does not have."""


class _Words:
    """Messages, numbers, items and tiers in one language."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.unit_after_numbers = lang in UNITS_AFTER_NUMBERS

    def __call__(self, key: str, **fields: object) -> str:
        """The catalog's message `key`, filled in."""
        return message(key, self.lang, **fields)

    def tier(self, name: str) -> str:
        """A tier's name in a sentence: a default tier in this language, any other as the policy writes it."""
        return default_tier(name, self.lang) or self("quoted_name", name=name)

    def item(self, item: str) -> str:
        """The item's name; without its unit in brackets where the unit goes after numbers instead."""
        m = _UNIT.match(item)
        return m.group(1) if self.unit_after_numbers and m else item

    def units(self, n: int, item: str) -> str:
        """`n` units of `item`: "3" in English, "3袋" in Chinese."""
        if not self.unit_after_numbers:
            return str(n)
        m = _UNIT.match(item)
        return self("quantity", n=n, unit=m.group(2) if m else self("measure_word"))

    def join(self, parts: Sequence[str]) -> str:
        """A list of phrases: "a, b" or "a、b"."""
        return self("enum_comma").join(parts)


def explain_household(plan: Plan, explanation: Explanation, household_id: str, *, lang: Lang = "en") -> str:
    """Each need and service of one household: its tier and why, asked, received, from which lots (and donors),
    and for a shortfall its reason (from `explanation`) in plain words with numbers; English or Chinese.

    Raises `UnknownHouseholdError` when the case has no such household.
    """
    if lang not in ("en", "zh"):
        raise ValueError(f"The 'lang' parameter of explain_household must be 'en' or 'zh'. Got {lang!r} instead.")
    case = plan.case
    row = case.household_index.get(household_id)
    if row is None:
        sample = ", ".join(h.household_id for h in case.households[:3])
        raise UnknownHouseholdError(
            f"household {household_id!r} is not in the case ({len(case.households)} households, e.g. {sample}); "
            "check the household_id"
        )
    w = _Words(lang)
    h = case.households[row]
    ledger = Ledger(plan)
    rows = explanation.shortfalls
    reasons = dict(zip(zip(rows.column("kind"), rows.column("id"), strict=True), rows.column("reason"), strict=True))
    names = case.policy.tier_names
    facts = [w("hh_members", n=h.members)]
    if h.oldest_age is not None:
        facts.append(w("hh_oldest", age=h.oldest_age))
    lines = [w("hh_header", id=h.household_id, grid=h.grid, facts=w("comma").join(facts), date=plan.plan_date)]
    needs = [i for i, owner in enumerate(case.needs.column("household_id")) if owner == household_id]
    services = [i for i, owner in enumerate(case.services.column("household_id")) if owner == household_id]
    if not needs and not services:
        lines.append(w("hh_asks_nothing"))
    for i in needs:
        lines += _need_lines(w, ledger, i, reasons.get(("need", case.needs[i].need_id)))
    done_by: dict[str, str] = {}  # service -> the volunteer of its first visit
    for service_id, volunteer_id in zip(*map(plan.visits.column, ("service_id", "volunteer_id")), strict=True):
        done_by.setdefault(service_id, volunteer_id)
    for i in services:
        s = case.services[i]
        rank = case.service_tiers[i]
        why = _why_tier(w, case, h, s.urgency, rank)
        lines += [
            w("hh_service", id=s.service_id, skill=s.skill, hours=format_hours(s.hours)),
            "  " + w("hh_tier", tier=w.tier(names[rank]), why=why),
        ]
        doer = done_by.get(s.service_id)
        if doer is not None:
            lines.append("  " + w("hh_done_by", volunteer=doer))
            continue
        reason = reasons.get(("service", s.service_id))
        text = "" if reason is None else _volunteer_words(w, ledger, reason, i, s.hours)
        lines.append("  " + w("hh_not_done", why=text))
    return "\n".join(lines)


def _need_lines(w: _Words, ledger: Ledger, need: int, reason: Reason | None) -> list[str]:
    """The lines of one need: what, tier and why, asked and received (from which lots), and why short."""
    case = ledger.case
    nd = case.needs[need]
    h = case.households[case.household_index[nd.household_id]]
    rank = case.need_tiers[need]
    why = _why_tier(w, case, h, nd.urgency, rank)
    got, item = ledger.received[need], nd.item
    sources = []
    for k, q in ledger.from_lots.get(need, ()):
        lot = case.lots[k]
        donor = w("hh_donor", donor=lot.donor) if lot.donor else ""
        sources.append(w("hh_source", q=w.units(q, item), lot=lot.lot_id, donor=donor))
    from_where = w("colon") + w("comma").join(sources) if sources else ""
    lines = [
        w("hh_need", id=nd.need_id, item=w.item(item), whole=w("hh_whole") if nd.all_or_nothing else ""),
        "  " + w("hh_tier", tier=w.tier(ledger.tier_names[rank]), why=why),
        "  " + w("hh_asked", asked=w.units(nd.quantity, item), got=w.units(got, item), sources=from_where),
    ]
    if got < nd.quantity:
        text = "" if reason is None else _need_reason_words(w, ledger, need, reason)
        lines.append("  " + w("hh_short", short=w.units(nd.quantity - got, item), why=text))
    return lines


def _why_tier(w: _Words, case: Case, h: Household, urgency: Urgency, rank: int) -> str:
    """Which policy clause put a need or service in its tier, or that the household was raised by hand."""
    policy = case.policy
    by_policy, why = len(policy.tiers) - 1, ""
    for r, tier in enumerate(policy.tiers):
        if tier.catch_all:
            by_policy, why = r, w("clause_catch_all")
            break
        clause = next(
            (
                c
                for c in tier.when or ()
                if c.holds(
                    urgency=urgency,
                    oldest_age=h.oldest_age,
                    lives_alone=h.lives_alone,
                    disabled=h.disabled,
                    chronic_illness=h.chronic_illness,
                    grid=h.grid,
                    members=h.members,
                )
            ),
            None,
        )
        if clause is not None:
            by_policy, why = r, w.join(_clause_words(w, clause, h, urgency))
            break
    names = policy.tier_names
    if rank < by_policy:
        return w("raised_by_hand", tier=w.tier(names[rank]), by_policy=w.tier(names[by_policy]), why=why)
    return why


def _clause_words(w: _Words, clause: Clause, h: Household, urgency: Urgency) -> list[str]:
    """The conditions of a clause that matched, in the household's own values ("aged 82", "lives alone")."""
    out: list[str] = []
    if clause.urgency is not None:
        out.append(w("clause_urgency", urgency=w(f"urgency_{urgency.value}")))
    if clause.min_age is not None or clause.max_age is not None:
        out.append(w("clause_age", age=h.oldest_age))
    for flag, value, name in (
        (clause.lives_alone, h.lives_alone, "lives_alone"),
        (clause.disabled, h.disabled, "disabled"),
        (clause.chronic_illness, h.chronic_illness, "chronic_illness"),
    ):
        if flag is not None:
            out.append(w(f"clause_{name}" if value else f"clause_not_{name}"))
    if clause.grids is not None:
        out.append(w("clause_grid", grid=h.grid))
    if clause.min_members is not None:
        out.append(w("clause_members", n=h.members))
    return out


def _need_reason_words(w: _Words, ledger: Ledger, need: int, reason: Reason) -> str:
    """Why a need is short, in words with the numbers behind its reason."""
    case = ledger.case
    nd, tier = case.needs[need], case.need_tiers[need]
    got, q, item, name = ledger.received[need], nd.quantity, nd.item, w.item(nd.item)
    names = ledger.tier_names
    if reason is Reason.NO_SUPPLY:
        return w("short_no_supply", item=name)
    if reason is Reason.NOT_ELIGIBLE:
        return _not_eligible_words(w, ledger, need)
    if reason in VOLUNTEER_REASONS:
        text = _volunteer_words(w, ledger, reason, -1, case.policy.visit_hours, need=need)
        return text + w("short_no_delivery")
    pool = ledger.pool(need)
    if reason is Reason.ALL_OR_NOTHING:
        spare = pool.left + int(pool.per_tier[tier + 1 :].sum())
        return w("short_all_or_nothing", item=name, asked=w.units(q, item), spare=w.units(spare, item))
    if reason is Reason.RESERVED:
        others = int(ledger.item_reserves[ledger.goods.need_item[need]]) & ~int(ledger.benefit[need])
        reserves = [r.name for bit, r in enumerate(case.policy.reserves) if (others >> bit) & 1]
        return w(
            "short_reserved",
            item=name,
            away=w.units(ledger.reserved_away(need), item),
            reserves=w.join(reserves),
            got=w.units(got, item),
            asked=w.units(q, item),
        )
    if reason is Reason.FAIR_SHARE:
        items, ranks, owners = case.needs.column("item"), case.need_tiers, case.needs.column("household_id")
        rows = [i for i, (it, r) in enumerate(zip(items, ranks, strict=True)) if it == item and r == tier]
        households = len({owners[i] for i in rows})
        quantity = case.needs.column("quantity")
        pct = round(100 * sum(ledger.received[i] / quantity[i] for i in rows) / len(rows))
        return w(
            "short_fair_share",
            item=name,
            tier=w.tier(names[tier]),
            households=households,
            pct=pct,
            got=w.units(got, item),
            asked=w.units(q, item),
        )
    higher = int(pool.per_tier[:tier].sum())
    taken = [(names[t], int(pool.per_tier[t])) for t in range(tier) if pool.per_tier[t] > 0]
    by = w.join([w("taken_by_tier", tier=w.tier(t), units=w.units(u, item)) for t, u in taken])
    return w(
        "short_supply_exhausted",
        item=name,
        held=w.units(pool.units, item),
        higher=w.units(higher, item),
        by=w("taken_by", tiers=by) if taken else "",
        got=w.units(got, item),
        asked=w.units(q, item),
    )


def _not_eligible_words(w: _Words, ledger: Ledger, need: int) -> str:
    """Why none of the item's lots may go to this household: for each of the first lots, the first goods rule
    that refuses it (expired, reserved for higher tiers, limited to other grids)."""
    case = ledger.case
    nd, tier, grid = case.needs[need], case.need_tiers[need], ledger.grid_of[need]
    of_item = ledger.holding[ledger.allowed_from(ledger.holding, need, GOODS_RULES[:1])]
    lots = of_item.tolist()
    parts: list[str] = []
    for k in lots[:_SHOWN_LOTS]:
        for rule in GOODS_RULES[1:]:
            if not ledger.allowed_from(np.asarray([k]), need, (rule,))[0]:
                key, fields = rule.refusal(ledger.goods, k)
                if "tier" in fields:
                    fields["tier"] = w.tier(str(fields["tier"]))
                if "grids" in fields:
                    fields["grids"] = w.join(fields["grids"])  # type: ignore[arg-type]
                parts.append(w(key, **fields))
                break
    more = len(lots) - _SHOWN_LOTS
    return w(
        "short_not_eligible",
        n=len(lots),
        item=w.item(nd.item),
        grid=grid,
        tier=w.tier(ledger.tier_names[tier]),
        lots=w("list_sep").join(parts),
        more=w("lots_more", n=more) if more > 0 else "",
    )


def _volunteer_words(w: _Words, ledger: Ledger, reason: Reason, service: int, hours: float, need: int = -1) -> str:
    """Why no volunteer came to a `service` (its row), or with a delivery for `need` (its row): nobody the visit
    rules allow, or the allowed ones' hours (or capped visits) booked."""
    case = ledger.case
    vols = case.volunteers or ()
    if service >= 0:
        household, skill = int(ledger.facts.service_hh[service]), int(ledger.facts.service_skill[service])
        skill_name: str | None = case.services[service].skill
    else:
        household, skill, skill_name = case.household_index[case.needs[need].household_id], DELIVERY, None
    grid = case.households[household].grid
    able = ledger.able(household, skill)
    h = format_hours(hours)
    with_skill = w("skill_part", skill=skill_name) if skill_name else ""
    if reason is Reason.NO_DESIGNATED_VOLUNTEER:
        if ledger.cap is not None and ledger.cap.limit == 0:
            return w("no_quarantined_visits")
        if not able:
            return w("no_designated_covers", skill=with_skill, grid=grid)
        return w("no_designated_offers", skill=with_skill, grid=grid, hours=h)
    if reason is Reason.NO_VOLUNTEER:
        if not able:
            return w("no_volunteer_covers", skill=with_skill, grid=grid)
        return w("no_volunteer_offers", skill=with_skill, grid=grid, hours=h)
    offered = format_hours(sum(vols[k].hours for k in able))
    left = max((ledger.hours_left[k] for k in able), default=0.0)
    most = w("at_most_left", hours=format_hours(left)) if left > HOURS_TOLERANCE else ""
    if ledger.cap is not None and ledger.cap.households[household]:
        return w("designated_ran_out", n=len(able), skill=with_skill, grid=grid, offered=offered, hours=h,
                 most=most, cap=ledger.cap.limit)  # fmt: skip
    return w("hours_ran_out", n=len(able), skill=with_skill, grid=grid, offered=offered, hours=h, most=most)
