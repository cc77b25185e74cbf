"""Tests of the checks of plain values: ids and free text."""

from __future__ import annotations

from typing import Any

import pytest

from fanpin_workflow.domain.values import check_free_text, check_id
from fanpin_workflow.errors import InvalidInput

SURROGATE_RULE = (
    "must not hold a lone UTF-16 surrogate (half of a character, such as "
    "an emoji cut in two); send whole characters"
)
FORMAT_RULE = (
    "must not hold control codes or invisible format characters "
    "(such as a zero-width space or a right-to-left override)"
)


@pytest.mark.parametrize("value", ["hh\ud83d", "\udc00", "r\ud800-1"])
@pytest.mark.parametrize("check", [check_id, check_free_text])
def test_a_lone_surrogate_is_refused(check: Any, value: str) -> None:
    """Half of a UTF-16 pair is refused before it can reach the database."""
    with pytest.raises(InvalidInput) as caught:
        check("household_id", value)

    assert (caught.value.field, caught.value.rule) == ("household_id", SURROGATE_RULE)
    str(caught.value).encode("utf-8")


@pytest.mark.parametrize(
    "value", ["hh-\u202e1-fdp", "hh\u200b1", "\ufeffhh-1", "hh\u2066-1", "hh\u00ad1"]
)
def test_an_invisible_format_character_is_refused_in_an_id(value: str) -> None:
    """Zero-width, bidirectional and other format characters make no id."""
    with pytest.raises(InvalidInput) as caught:
        check_id("household_id", value)

    assert (caught.value.field, caught.value.rule) == ("household_id", FORMAT_RULE)
    assert [ch for ch in str(caught.value) if not ch.isprintable()] == []


@pytest.mark.parametrize("value", ["户-1", "hh-1", "a" * 64, "Zoë"])
def test_check_id_accepts_printable_text(value: str) -> None:
    """Letters of any script, digits and punctuation make an id."""
    result = check_id("household_id", value)

    assert result == value


def test_check_free_text_accepts_line_breaks_and_whole_emoji() -> None:
    """A reason may span lines and hold whole characters outside the BMP."""
    text = "家庭成员\n生病 🏥\t住院"

    result = check_free_text("reason", text)

    assert result == text


@pytest.mark.parametrize("check", [check_id, check_free_text])
@pytest.mark.parametrize(
    ("value", "shown"), [(5, "5 (an int)"), (["a"], "['a'] (a list)"), (None, "None")]
)
def test_a_value_that_is_not_text_is_shown_with_its_type(
    check: Any, value: Any, shown: str
) -> None:
    """A wrong-typed value is shown as itself and its type, with the rule."""
    with pytest.raises(InvalidInput) as caught:
        check("reason", value)

    assert str(caught.value) == f"reason={shown} is refused: must be text."
    assert caught.value.value == value


def test_check_free_text_masks_an_identity_number_in_refused_text() -> None:
    """Refused free text holding an ID number shows it masked."""
    with pytest.raises(InvalidInput) as caught:
        check_free_text("note", "member 450123198202020027\x07")

    assert str(caught.value) == (
        "note='member ****************27\\x07' is refused: "
        "must be 1 to 1000 characters of text, not blank."
    )
