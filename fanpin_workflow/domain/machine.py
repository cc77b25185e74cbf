"""A state-machine definition as data, run by one `transitions` machine.

One machine serves every object of a definition: the engine fires an event
for the object in hand through a throwaway carrier, so domain objects never
become `transitions` models (see docs/design.md for the measurements).
"""

from __future__ import annotations

import logging

import attrs
from transitions import Machine, MachineError

from fanpin_workflow.errors import DefinitionError, TransitionNotAllowed

logger = logging.getLogger(__name__)


@attrs.frozen
class Transition:
    """One row of a definition's table: `event` moves `sources` to `dest`."""

    event: str
    sources: tuple[str, ...]
    dest: str


@attrs.frozen
class Definition:
    """A named, versioned table of states and transitions."""

    name: str
    version: str
    states: tuple[str, ...]
    transitions: tuple[Transition, ...]
    final_states: frozenset[str] = frozenset()

    def __attrs_post_init__(self) -> None:
        known = set(self.states)
        for row in self.transitions:
            for state in (*row.sources, row.dest):
                if state not in known:
                    raise DefinitionError(
                        f"{self.name}: transition {row.event!r} names "
                        f"unknown state {state!r}"
                    )
            leaving_final = set(row.sources) & self.final_states
            if leaving_final:
                raise DefinitionError(
                    f"{self.name}: transition {row.event!r} leaves final "
                    f"state {sorted(leaving_final)[0]!r}"
                )

    @property
    def events(self) -> tuple[str, ...]:
        """Every event name, in table order, without repeats."""
        return tuple(dict.fromkeys(row.event for row in self.transitions))


class _Carrier:
    """The stand-in model a `transitions` event runs on."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


class StateMachine:
    """Runs a Definition: answers what an event does from a given state."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        # Plain strings: given enum members, `transitions` would name
        # states by the members' names instead of their values.
        self._machine = Machine(
            model=None,
            states=[str(state) for state in definition.states],
            transitions=[
                {
                    "trigger": str(row.event),
                    "source": [str(source) for source in row.sources],
                    "dest": str(row.dest),
                }
                for row in definition.transitions
            ],
            initial=None,
            auto_transitions=False,
            name=definition.name,
        )

    @property
    def name(self) -> str:
        """The definition's name, used in logs and errors."""
        return self.definition.name

    def can_fire(self, state: str, event: str) -> bool:
        """Tell whether `event` is allowed from `state`."""
        found = self._machine.events.get(str(event))
        return found is not None and str(state) in found.transitions

    def allowed_events(self, state: str) -> list[str]:
        """Every event allowed from `state`."""
        return list(self._machine.get_triggers(str(state)))

    def fire(self, subject_id: str, state: str, event: str) -> str:
        """Return the state that `event` leads to from `state`.

        Raises:
            TransitionNotAllowed: the table has no such move.
        """
        state, event = str(state), str(event)
        found = self._machine.events.get(event)
        if found is None or state not in found.transitions:
            raise TransitionNotAllowed(self.name, subject_id, event, state)

        carrier = _Carrier(state)
        try:
            found.trigger(carrier)
        except MachineError as error:
            raise TransitionNotAllowed(self.name, subject_id, event, state) from error

        return carrier.state
