"""Records, cases and policies built in code: every bad input is one `InputError`, one problem per bad field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from allocate import Case, Clause, Household, InputError, Lot, Need, Policy, Service, Tier, Volunteer


def problems(build: Any) -> list[str]:
    """The problems `build()` raises, as printed."""
    with pytest.raises(InputError) as e:
        build()
    return [str(p) for p in e.value.problems]


def test_a_bad_field_is_an_input_error_naming_table_and_field() -> None:
    """A record that breaks a field rule raises InputError (a ValueError too), its problem at table.field."""
    with pytest.raises(InputError) as e:
        Need(household_id="H1", item="rice", quantity=0)
    assert isinstance(e.value, ValueError)
    (p,) = e.value.problems
    assert (p.table, p.row, p.field) == ("needs", None, "quantity")
    assert str(p) == "needs.quantity: expected a number >= 1, got 0"
    assert str(e.value) == "needs.quantity: expected a number >= 1, got 0"


def test_every_bad_field_is_listed() -> None:
    """All of a record's bad fields are listed together, each once, in field order."""
    assert problems(lambda: Household(household_id=" ", grid="", members=0, oldest_age=200)) == [
        "households.household_id: expected text, found a blank",
        "households.grid: expected text, found a blank",
        "households.members: expected a number >= 1, got 0",
        "households.oldest_age: expected a number <= 130, got 200",
    ]


def test_each_record_names_its_table() -> None:
    """Lots are the supplies table, as in files; volunteers, services and the policy's parts name theirs."""
    assert problems(lambda: Lot(lot_id="L1", item="rice", quantity=-1)) == [
        "supplies.quantity: expected a number >= 0, got -1"
    ]
    assert problems(lambda: Volunteer(volunteer_id="V1", grids=[], hours=1)) == [
        "volunteers.grids: expected at least one entry, got ()"
    ]
    assert problems(lambda: Service(household_id="H1", skill="escort", hours=1e-7)) == [
        "services.hours: expected a number >= 1/3600 (one second), got 1e-07"
    ]
    assert problems(lambda: Clause(min_age=-1)) == ["policy.min_age: expected a number >= 0, got -1"]
    assert problems(lambda: Tier(name=" ")) == ["policy.name: a tier needs a name"]
    assert problems(lambda: Policy(visit_hours=0)) == [
        "policy.visit_hours: expected a number >= 1/3600 (one second), got 0"
    ]


def test_rule_messages_and_unknown_fields() -> None:
    """A rule of the model says itself in its own words; a misspelt field names the fields there are."""
    assert problems(lambda: Policy(tiers=[Tier(name="old", when=[Clause(min_age=60)])])) == [
        "policy: the last tier ('old') must have no `when`, so that every need has a tier"
    ]
    assert problems(lambda: Clause()) == [
        "policy: a clause needs at least one condition; leave out `when` for a catch-all tier"
    ]
    assert problems(lambda: Need(household_id="H1", item="rice", quantity=1, qty=2)) == [
        "needs.qty: unknown field; the fields are need_id, household_id, item, quantity, urgency, all_or_nothing"
    ]
    assert problems(lambda: Household(household_id="H1")) == ["households.grid: missing: a value is required"]
    assert problems(lambda: Lot(lot_id="L1", item="rice", quantity=1, expires="soon")) == [
        "supplies.expires: input should be a valid date or datetime, input is too short, got 'soon'"
    ]


def test_a_case_places_record_problems_by_table_row_and_field() -> None:
    """Records given to a case as dicts are checked in place: `table[row].field`, the lots as `supplies`."""
    build = lambda: Case(  # noqa: E731
        households=[{"household_id": "H1", "grid": "east"}, {"household_id": "H2", "grid": ""}],
        needs=[{"household_id": "H1", "item": "rice", "quantity": "two"}],
        lots=[{"lot_id": "L1", "item": "rice", "quantity": -3}],
        policy={"visit_hours": 0},
    )
    assert problems(build) == [
        "households[1].grid: expected text, found a blank",
        "needs[0].quantity: input should be a valid integer, unable to parse string as an integer, got 'two'",
        "supplies[0].quantity: expected a number >= 0, got -3",
        "policy.visit_hours: expected a number >= 1/3600 (one second), got 0",
    ]


def test_cross_table_problems_are_input_errors_as_before() -> None:
    """Problems across tables keep their place and words, from the constructor and from model_validate."""
    data: dict[str, Any] = {
        "households": [{"household_id": "H1", "grid": "east"}],
        "needs": [{"household_id": "H2", "item": "rice", "quantity": 1}],
        "lots": [{"lot_id": "L1", "item": "rice", "quantity": 1, "reserved_for": "vip"}],
    }
    expected = [
        "needs[0].household_id: unknown household 'H2' (not in households)",
        "supplies[0].reserved_for: unknown tier 'vip'; the policy's tiers are critical, vulnerable, elderly, general",
    ]
    assert problems(lambda: Case(**data)) == expected
    assert problems(lambda: Case.model_validate(data)) == expected
    with pytest.raises(InputError) as e:
        Case.model_validate({**data, "policy": {"tiers": [{"name": "x", "when": [{"min_agee": 1}]}]}})
    assert [str(p) for p in e.value.problems] == ["policy.tiers[0].when[0].min_agee: unknown field"]


def test_replace_checks_again_with_input_error() -> None:
    """`Case.replace` checks the new case as the constructor does."""
    case = Case(
        households=[Household(household_id="H1", grid="east")],
        needs=[Need(household_id="H1", item="rice", quantity=1)],
        lots=[Lot(lot_id="L1", item="rice", quantity=1)],
    )
    assert problems(lambda: case.replace(lots=[Lot(lot_id="L1", item="rice", quantity=1)] * 2)) == [
        "supplies[1].lot_id: 'L1' repeats"
    ]


def test_model_validate_of_a_record_is_still_pydantic() -> None:
    """The file readers build records with `model_validate` and place pydantic's errors at file:line:column;
    that path is unchanged (and a nested record is not built through its constructor)."""
    with pytest.raises(ValidationError):
        Need.model_validate({"household_id": "H1", "item": "rice", "quantity": 0})
    assert Need.model_validate({"household_id": "H1", "item": "rice", "quantity": 1}).need_id == "H1/rice"


def test_ids_left_out_default_as_in_tables() -> None:
    """`need_id` and `service_id` may be left out (or blank) in code as in a table: `household_id/item`."""
    assert Need(household_id="H1", item="rice", quantity=1).need_id == "H1/rice"
    assert Need(need_id="", household_id="H1", item="rice", quantity=1).need_id == "H1/rice"
    assert Service(household_id="H1", skill="escort", hours=1).service_id == "H1/escort"
    assert Need(need_id="N7", household_id="H1", item="rice", quantity=1).need_id == "N7"


def test_good_records_are_unchanged() -> None:
    """Valid records build as before: trimmed text, coerced values."""
    lot = Lot(lot_id=" L1 ", item="rice", quantity=3, expires=dt.date(2027, 1, 1), grids=["east", " west ", "east"])
    assert (lot.lot_id, lot.grids, lot.expires) == ("L1", ("east", "west"), dt.date(2027, 1, 1))
