"""Resident identity numbers (GB 11643-1999) and how to show them safely."""

from __future__ import annotations

import datetime as dt
import re

import attrs

from fanpin_workflow.domain.household_terms import Sex

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
# A disability certificate number is the holder's identity number followed
# by two characters (category and grade), or four on some older cards.
_CERTIFICATE_SUFFIX = re.compile(r"^[0-9A-Z]{2}([0-9A-Z]{2})?$")


@attrs.frozen
class IdentityFacts:
    """What an identity number says about its holder."""

    birth_date: dt.date
    sex: Sex


def check_digit(first_17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_17, _WEIGHTS, strict=True)
    )
    return _CHECK_CHARACTERS[total % 11]


def normalised(number: object) -> object:
    """The number with a lower-case check character written X, as GB 11643
    writes it; anything else unchanged."""
    if isinstance(number, str) and len(number) in (18, 20, 22) and number[17] == "x":
        return f"{number[:17]}X{number[18:]}"
    return number


def identity_problem(number: object) -> str | None:
    """Say what is wrong with an 18-, 20- or 22-character number, or None
    (a lower-case check character x is read as X)."""
    number = normalised(number)
    if not isinstance(number, str):
        return "an identity number is text"
    if len(number) in (20, 22):
        if not _CERTIFICATE_SUFFIX.match(number[18:]):
            return "a certificate number ends in 2 or 4 letters or digits"
        number = number[:18]
    elif len(number) != 18:
        return "an identity number has 18 characters (20 or 22 on a certificate)"

    if not _SHAPE.match(number):
        return "an identity number is 17 digits and a digit or X"
    if check_digit(number[:17]) != number[17]:
        return "the check character does not match (GB 11643)"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "characters 7 to 14 are not a valid birth date"
    return None


def identity_facts(number: str) -> IdentityFacts:
    """Birth date and sex read from a number that passed `identity_problem`."""
    birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return IdentityFacts(birth, sex)


def mask(number: object) -> str:
    """Show a number without revealing it: its length, and its last two
    characters, or on a 20- or 22-character certificate number the last two
    of the identity number inside it (the suffix is the disability's
    category and grade, a health detail)."""
    text = str(number)
    if len(text) <= 2:
        return "*" * len(text)
    if len(text) in (20, 22):
        return f"{'*' * 16}{text[16:18]}{'*' * (len(text) - 18)}"
    return f"{'*' * (len(text) - 2)}{text[-2:]}"
