"""Questions villages raise during the campaign (解答问题).

A village raises a question; the township answers it or escalates it to
the county, which answers. Each level has a time limit, in days, from the
moment the question reached it.
"""

from __future__ import annotations

from enum import StrEnum

import attrs
import pendulum

from fanpin_workflow.domain.approval import START
from fanpin_workflow.domain.machine import Definition, StateMachine, Transition
from fanpin_workflow.domain.model import GuardedState
from fanpin_workflow.errors import InvalidInput


class QuestionState(StrEnum):
    """Where a question stands."""

    OPEN = "open"
    ESCALATED = "escalated"
    ANSWERED = "answered"


QUESTION = Definition(
    name="question",
    version="2024.1",
    states=(START, *QuestionState),
    transitions=(
        Transition("raise", (START,), QuestionState.OPEN),
        Transition("answer_at_township", (QuestionState.OPEN,), QuestionState.ANSWERED),
        Transition("escalate", (QuestionState.OPEN,), QuestionState.ESCALATED),
        Transition(
            "answer_at_county", (QuestionState.ESCALATED,), QuestionState.ANSWERED
        ),
    ),
    final_states=frozenset({QuestionState.ANSWERED}),
)

QUESTION_MACHINE = StateMachine(QUESTION)


def _days(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 60:
        raise InvalidInput(attribute.name, value, "a whole number of days, 1 to 60")


@attrs.frozen
class QuestionSettings:
    """How long each level has to answer; settings of the campaign."""

    township_days: int = attrs.field(default=3, validator=_days)
    county_days: int = attrs.field(default=5, validator=_days)


@attrs.define(eq=False)
class Question:
    """A question and where it is in its answering."""

    id: str
    village_code: str
    text: str
    _state: str
    raised_by: str = ""
    raised_at: pendulum.DateTime | None = None
    due_at: pendulum.DateTime | None = None
    escalated_at: pendulum.DateTime | None = None
    answer: str | None = None
    answered_by: str | None = None
    answered_at: pendulum.DateTime | None = None
    version: int = 0
    updated_at: pendulum.DateTime | None = None

    state = GuardedState("question")
