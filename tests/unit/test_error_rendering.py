"""Tests of how errors show values: long numbers masked, health never shown."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fanpin_workflow.domain.household_terms import Health
from fanpin_workflow.domain.lifecycle import ObjectState
from fanpin_workflow.errors import InvalidInput, InvalidRecord, NotFound

#: An invented identity number (a woman born on 2 February 1982).
NUMBER = "450123198202020027"

#: Fifteen digits or more in a row: what no message may show.
LONG_RUN = re.compile(r"\d{15,}")

HEALTH_TERMS = ("healthy", "chronic_illness", "serious_illness", "disability")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "village_code",
            NUMBER,
            "village_code='****************27' is refused: rule.",
        ),
        (
            "note",
            f"member {NUMBER}\x07",
            "note='member ****************27\\x07' is refused: rule.",
        ),
        (
            "reason",
            f"ID {NUMBER[:17]}X.",
            "reason='ID ****************2X.' is refused: rule.",
        ),
        ("id", f"hh-{NUMBER}", "id='hh-****************27' is refused: rule."),
        ("id_number", int(NUMBER), "id_number=****************27 is refused: rule."),
        (
            "account",
            "6222020200112233445",
            "account='*****************45' is refused: rule.",
        ),
        ("bank", ["a", NUMBER], "bank=['a', '****************27'] is refused: rule."),
    ],
)
def test_invalid_input_masks_every_long_number_it_shows(
    field: str, value: Any, message: str
) -> None:
    """A run of 15 or more digits in a value is masked whatever the call site."""
    error = InvalidInput(field, value, "rule")

    assert str(error) == message
    assert LONG_RUN.search(str(error)) is None
    assert LONG_RUN.search(repr(error.value)) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0.1 + 0.2, "wage_income=0.30000000000000004 is refused: rule."),
        ("0.30000000000000004", "wage_income='0.30000000000000004' is refused: rule."),
        (Decimal("1.001"), "wage_income=1.001 is refused: rule."),
        (10**12, "wage_income=1000000000000 is refused: rule."),
        (-1, "wage_income=-1 is refused: rule."),
        (float("nan"), "wage_income=nan is refused: rule."),
    ],
)
def test_invalid_input_shows_an_amount_as_an_amount(value: Any, message: str) -> None:
    """Numbers of fewer than 15 digits before the point are shown as given."""
    error = InvalidInput("wage_income", value, "rule")

    assert str(error) == message
    assert error.value is value


def test_invalid_input_keeps_a_harmless_value_as_given() -> None:
    """A value with nothing to mask is carried unchanged for the host to read."""
    error = InvalidInput("kind", "rollback", "rule")

    assert (error.field, error.value, error.rule) == ("kind", "rollback", "rule")
    assert error.withheld is False


def test_invalid_input_cuts_long_text_after_masking() -> None:
    """Long text is cut to 80 characters, and a number at the cut is masked first."""
    value = "x" * 70 + NUMBER

    error = InvalidInput("id", value, "rule")

    assert error.value == "x" * 70 + "*********…"
    assert str(error) == f"id='{error.value}' is refused: rule."


@given(st.text(alphabet="0123456789xX -a", max_size=120) | st.integers())
def test_no_message_shows_a_long_run_of_digits(value: str | int) -> None:
    """Whatever text or whole number a host sends, no 15-digit run is shown."""
    error = InvalidInput("note", value, "rule")

    assert LONG_RUN.search(str(error)) is None
    assert LONG_RUN.search(str(error.value)) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("members[1].health", [Health.HEALTHY, Health.SERIOUS_ILLNESS]),
        ("members[1].health[0]", "HIV"),
        ("health", "serious_illness"),
    ],
)
def test_invalid_input_never_shows_a_health_value(field: str, value: Any) -> None:
    """An error about a health field names the field and the rule, not the value."""
    error = InvalidInput(field, value, "a rule")

    assert str(error) == f"{field} is refused: a rule."
    assert (error.value, error.withheld) == (None, True)
    assert not [term for term in (*HEALTH_TERMS, "HIV") if term in str(error)]


def test_invalid_input_never_shows_the_value_of_an_unknown_field() -> None:
    """An unknown field is named, but what it held may be anything, so not shown."""
    error = InvalidInput("findings.diagnosis", "leukaemia", "unknown field")

    assert str(error) == "findings.diagnosis is refused: unknown field."
    assert error.value is None


def test_invalid_input_withholds_a_value_on_request() -> None:
    """A call site may withhold any value it knows to be personal."""
    error = InvalidInput("phone", "13800138000", "rule", withhold=True)

    assert str(error) == "phone is refused: rule."


def test_invalid_input_masks_and_escapes_a_field_name_the_host_sent() -> None:
    """A key that is an ID number is masked; a lone surrogate in it is escaped."""
    error = InvalidInput(f"members[0].{NUMBER}\ud83d", None, "unknown field")

    assert (
        str(error) == "members[0].****************27\\ud83d is refused: unknown field."
    )
    str(error).encode("utf-8")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (ObjectState.CANDIDATE, "state='candidate' is refused: rule."),
        ([ObjectState.INCLUDED], "state=['included'] is refused: rule."),
        (frozenset({Health.DISABILITY}), "state={'disability'} is refused: rule."),
    ],
)
def test_invalid_input_shows_an_enumeration_by_its_value(
    value: Any, message: str
) -> None:
    """Enumeration members read as their values, not as Python reprs."""
    error = InvalidInput("state", value, "rule")

    assert str(error) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (5, "reason=5 (an int) is refused: must be text."),
        ([1], "reason=[1] (a list) is refused: must be text."),
        (None, "reason=None is refused: must be text."),
    ],
)
def test_invalid_input_names_the_type_of_a_wrong_typed_value(
    value: Any, message: str
) -> None:
    """With show_type, the value is shown with its type, not replaced by it."""
    error = InvalidInput("reason", value, "must be text", show_type=True)

    assert str(error) == message
    assert error.value == value


def test_not_found_masks_an_identity_number_used_as_an_id() -> None:
    """Looking up an ID number as a household id does not echo the number."""
    error = NotFound("household", NUMBER)

    assert str(error) == "No household with id '****************27'."
    assert error.identifier == "****************27"


def test_invalid_record_masks_a_record_named_by_an_identity_number() -> None:
    """A record whose id is an ID number is named masked."""
    problem = InvalidInput("type", "rich", "rule")

    error = InvalidRecord(f"household {NUMBER}", [problem])

    assert str(error) == (
        "household ****************27 has 1 problem(s): type='rich' is refused: rule."
    )
