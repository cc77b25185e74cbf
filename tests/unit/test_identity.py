"""Tests of identity numbers: the GB 11643 check, birth date, sex and masking."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fanpin_workflow.domain.household_terms import Sex
from fanpin_workflow.domain.identity import (
    IdentityFacts,
    check_digit,
    identity_facts,
    identity_problem,
    mask,
    normalised,
)
from tests.unit.household_builders import id_number

WRONG_CHECK = "the check character does not match (GB 11643)"
WRONG_LENGTH = "an identity number has 18 characters (20 or 22 on a certificate)"
WRONG_SHAPE = "an identity number is 17 digits and a digit or X"
WRONG_DATE = "characters 7 to 14 are not a valid birth date"
WRONG_SUFFIX = "a certificate number ends in 2 or 4 letters or digits"

#: A valid invented number: a man born on 7 March 1980.
VALID = "450123198003070013"


def with_check(first_17: str) -> str:
    """The 17 digits followed by their check character."""
    return first_17 + check_digit(first_17)


@pytest.mark.parametrize(
    ("first_17", "expected"),
    [
        ("45012319520115001", "0"),
        ("45012319820511000", "1"),
        ("45012319520115000", "2"),
        ("45012319800307001", "3"),
        ("45012320000229001", "4"),
        ("45012319800307000", "5"),
        ("45012320000229000", "6"),
        ("45012319520115003", "7"),
        ("45012320050901001", "8"),
        ("45012319520115002", "9"),
        ("45012320050901000", "X"),
    ],
)
def test_check_digit_gives_each_of_the_eleven_characters(
    first_17: str, expected: str
) -> None:
    """The check character is (12 - weighted sum mod 11) mod 11, 10 written X."""
    result = check_digit(first_17)

    assert result == expected


@pytest.mark.parametrize("first_17", ["4501231980030700", "450123198003070011"])
def test_check_digit_refuses_anything_but_17_digits(first_17: str) -> None:
    """Sixteen or eighteen digits are not silently truncated or padded."""
    with pytest.raises(ValueError):
        check_digit(first_17)


@pytest.mark.parametrize(
    "number",
    [
        VALID,
        "45012320050901000X",
        "450123200002290006",
        with_check("45012319000101001"),
        with_check("45012320241231002"),
    ],
)
def test_identity_problem_accepts_a_valid_number(number: str) -> None:
    """A number with a valid date and a matching check character is accepted."""
    problem = identity_problem(number)

    assert problem is None


@pytest.mark.parametrize(
    "number",
    ["450123198003070010", "450123198003070019", "45012319800307001X"],
)
def test_identity_problem_refuses_a_wrong_check_character(number: str) -> None:
    """Any check character but the computed one is refused."""
    problem = identity_problem(number)

    assert problem == WRONG_CHECK


@pytest.mark.parametrize(
    "birth",
    ["19900230", "20230229", "19901301", "19900001", "19900100", "19900431"],
)
def test_identity_problem_refuses_an_impossible_birth_date(birth: str) -> None:
    """A correct check character does not save a date that does not exist."""
    number = with_check(f"450123{birth}001")

    problem = identity_problem(number)

    assert problem == WRONG_DATE


def test_identity_problem_accepts_29_february_of_a_leap_year() -> None:
    """29 February is a birth date in 2024 but not in 2023."""
    leap = with_check("45012320240229001")

    problem = identity_problem(leap)

    assert problem is None


@pytest.mark.parametrize(
    "number", [VALID[:17], VALID + "1", VALID + "111", VALID + "11111", ""]
)
def test_identity_problem_refuses_a_wrong_length(number: str) -> None:
    """Only 18, 20 and 22 characters are lengths of a number."""
    problem = identity_problem(number)

    assert problem == WRONG_LENGTH


@pytest.mark.parametrize(
    "number",
    [
        "4501231980030700x3",
        "4501231980030700A3",
        "45012319800307 013",
        "X50123198003070013",
    ],
)
def test_identity_problem_refuses_a_character_out_of_place(number: str) -> None:
    """Only digits, and an X in the last place, make up a number."""
    problem = identity_problem(number)

    assert problem == WRONG_SHAPE


@pytest.mark.parametrize("number", [450123198003070013, None, b"450123198003070013"])
def test_identity_problem_refuses_what_is_not_text(number: object) -> None:
    """An integer or bytes is not read as a number."""
    problem = identity_problem(number)

    assert problem == "an identity number is text"


@pytest.mark.parametrize("suffix", ["11", "42", "B1", "1A", "11B1", "ZZ99", "0000"])
def test_identity_problem_accepts_a_certificate_number(suffix: str) -> None:
    """A valid number with 2 or 4 capital letters or digits is a certificate."""
    problem = identity_problem(VALID + suffix)

    assert problem is None


@pytest.mark.parametrize("suffix", ["1b", "1-", "  ", "11b1", "11-1", "1 11"])
def test_identity_problem_refuses_a_malformed_certificate_suffix(
    suffix: str,
) -> None:
    """A certificate suffix of lower-case letters or punctuation is refused."""
    problem = identity_problem(VALID + suffix)

    assert problem == WRONG_SUFFIX


@pytest.mark.parametrize("suffix", ["11", "11B1"])
def test_identity_problem_checks_the_number_inside_a_certificate(
    suffix: str,
) -> None:
    """A certificate whose first 18 characters fail the check is refused."""
    number = VALID[:17] + "0" + suffix

    problem = identity_problem(number)

    assert problem == WRONG_CHECK


@pytest.mark.parametrize(
    ("sex_digit", "sex"),
    [(digit, Sex.MALE if digit % 2 else Sex.FEMALE) for digit in range(10)],
)
def test_identity_facts_reads_sex_from_digit_17(sex_digit: int, sex: Sex) -> None:
    """An odd 17th digit means male, an even one female."""
    number = with_check(f"4501231980030700{sex_digit}")

    facts = identity_facts(number)

    assert facts == IdentityFacts(dt.date(1980, 3, 7), sex)


@pytest.mark.parametrize("suffix", ["", "11", "11B1"])
def test_identity_facts_reads_the_birth_date(suffix: str) -> None:
    """Characters 7 to 14 are the birth date, on a certificate too."""
    number = id_number(dt.date(2008, 12, 24), Sex.FEMALE, serial=4) + suffix

    facts = identity_facts(number)

    assert facts == IdentityFacts(dt.date(2008, 12, 24), Sex.FEMALE)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        (VALID, "****************13"),
        ("12", "**"),
        ("7", "*"),
        ("", ""),
        (450123198003070013, "****************13"),
    ],
)
def test_mask_shows_only_length_and_last_two(number: object, masked: str) -> None:
    """Masking keeps the length and the last two characters, nothing else."""
    result = mask(number)

    assert result == masked


@given(st.text().filter(lambda text: len(text) not in (20, 22)))
def test_mask_never_shows_more_than_the_last_two_characters(text: str) -> None:
    """Whatever the text, all but its last two characters become stars."""
    result = mask(text)

    assert len(result) == len(text)
    assert set(result[:-2]) <= {"*"}
    assert result[-2:] == (text[-2:] if len(text) > 2 else "*" * len(text))


@pytest.mark.parametrize(
    ("suffix", "masked"),
    [("11", "****************13**"), ("11B1", "****************13****")],
)
def test_mask_hides_the_disability_category_and_grade_of_a_certificate(
    suffix: str, masked: str
) -> None:
    """A certificate number shows only the last two of its identity number."""
    result = mask(VALID + suffix)

    assert result == masked


@given(st.text(min_size=20, max_size=20) | st.text(min_size=22, max_size=22))
def test_mask_shows_no_character_of_a_certificate_suffix(text: str) -> None:
    """On a 20- or 22-character number, characters 19 on are always stars."""
    result = mask(text)

    assert len(result) == len(text)
    assert set(result[:16] + result[18:]) == {"*"}
    assert result[16:18] == text[16:18]


@pytest.mark.parametrize("suffix", ["", "11", "11B1"])
def test_identity_problem_reads_a_lower_case_check_x_as_capital(
    suffix: str,
) -> None:
    """GB 11643 writes the check character X; a lower-case x is the same."""
    number = "45012320050901000x" + suffix

    problem = identity_problem(number)

    assert problem is None
    assert normalised(number) == "45012320050901000X" + suffix


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("45012319800307001x", "45012319800307001X"),
        ("4501231980030700x3", "4501231980030700x3"),
        ("45012319800307001x1b", "45012319800307001X1b"),
        ("450123x", "450123x"),
        (17, 17),
        (None, None),
    ],
)
def test_normalised_upper_cases_only_the_check_character(
    number: object, expected: object
) -> None:
    """Only the 18th character of an 18-, 20- or 22-character number changes."""
    result = normalised(number)

    assert result == expected


def test_a_lower_case_x_that_does_not_match_is_still_refused() -> None:
    """Reading x as X does not make a wrong check character right."""
    problem = identity_problem("45012319800307001x")

    assert problem == WRONG_CHECK
